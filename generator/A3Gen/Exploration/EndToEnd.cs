using System.Diagnostics;
using System.Globalization;
using System.Text;
using A3Gen.Configuration;
using A3Gen.Elaboration;
using A3Gen.Model;

namespace A3Gen.Exploration;

/// <summary>One setting's end-to-end cycles over every instance (head) of a trace: its queries, and the totals with the preprocessing counted.</summary>
/// <param name="QueryCycles">Every head's queries back to back (cycle model, from the first query's offer to the last result's hand-over), summed.</param>
/// <param name="HostTotal">Loads of K and V, the host's sort (measured, at the configured clock), the sorted-key loads, the queries.</param>
/// <param name="OnChipTotal">K load and on-chip sort (V loads overlapped with the sort), the queries.</param>
public sealed record EndToEndRow(string Label, long QueryCycles, double HostTotal, long OnChipTotal);

/// <summary>
/// A self-attention workload end to end (every instance of a trace is one head: load K and V, preprocess, run
/// all its queries), on the exact path and on the approximate one with the host's sort or the on-chip sorter.
/// The host's sort is measured (<see cref="SortedKeys.Build"/>, median of runs per head) and converted to
/// cycles at the configuration's clock; the on-chip sort is the closed form of <see cref="KeySorter"/> for the
/// same configuration with keySort = "on-chip" (the query pipeline's timing is the same either way).
/// </summary>
public sealed record EndToEndReport(
    string Config, int Heads, int Queries, int ClockMhz, double HostSortSeconds, long LoadCycles, long SortedLoadCycles,
    long OnChipLoadAndSortCycles, long ExactQueryCycles, long ExactTotal, IReadOnlyList<EndToEndRow> Rows)
{
    public long HostSortCycles => (long)Math.Round(HostSortSeconds * ClockMhz * 1e6);

    /// <summary>The exact path's total over a setting's total.</summary>
    public static double Speedup(double exact, double total) => exact / total;

    /// <summary>A speed-up with two decimals, or two significant digits below 0.01 (a host sort can cost hundreds of times the queries).</summary>
    public static string Format(double speedup)
    {
        if (speedup >= 0.01 || speedup <= 0)
        {
            return speedup.ToString("0.00", CultureInfo.InvariantCulture);
        }
        int decimals = Math.Min(15, 1 - (int)Math.Floor(Math.Log10(speedup)));
        return speedup.ToString("F" + decimals.ToString(CultureInfo.InvariantCulture), CultureInfo.InvariantCulture);
    }

    public static EndToEndReport Build(ExploreResult result, int sortRuns = 5)
    {
        var design = result.Design;
        var sorter = design.Sorter ?? new Design(design.Config with { KeySort = KeySort.OnChip }).Sorter!;
        double hostSeconds = 0;
        long load = 0, sortedLoad = 0, onChipSort = 0;
        foreach (var inst in result.Instances)
        {
            SortedKeys.Build(design, inst.Keys, inst.Rows); // warm up
            var times = Enumerable.Range(0, sortRuns).Select(_ =>
            {
                var clock = Stopwatch.StartNew();
                SortedKeys.Build(design, inst.Keys, inst.Rows);
                return clock.Elapsed.TotalSeconds;
            }).Order().ToArray();
            hostSeconds += times[times.Length / 2];
            load += 2L * inst.Rows;
            sortedLoad += inst.Rows;
            onChipSort += sorter.LoadAndSortCycles(inst.Rows);
        }

        long QueryCycles(int point)
        {
            long total = 0;
            int offset = 0;
            var model = new CycleModel(design);
            foreach (var inst in result.Instances)
            {
                int m = inst.QueryIndices.Length;
                var timings = model.Run(Enumerable.Range(offset, m).Select(j => result.Outcomes[point][j].Work).ToArray());
                total += timings[^1].ResultTakenCycle + 1;
                offset += m;
            }
            return total;
        }

        long exactQueries = QueryCycles(0);
        long exactTotal = load + exactQueries;
        var hostSortCycles = hostSeconds * result.Design.Config.TargetClockMhz * 1e6;
        var rows = new List<EndToEndRow>();
        for (int p = 1; p < result.Points.Count; p++)
        {
            if (result.Points[p].Label is "")
            {
                continue;
            }
            long q = QueryCycles(p);
            rows.Add(new EndToEndRow(result.Points[p].Label, q, load + hostSortCycles + sortedLoad + q, onChipSort + q));
        }
        return new EndToEndReport(design.Config.Name, result.Instances.Count, result.QueryCount, design.Config.TargetClockMhz, hostSeconds,
            load, sortedLoad, onChipSort, exactQueries, exactTotal, rows);
    }

    /// <summary>The report as Markdown: the exact path, then each labelled setting with the host's and the on-chip sort.</summary>
    public string Markdown()
    {
        var inv = CultureInfo.InvariantCulture;
        var sb = new StringBuilder();
        sb.Append(inv, $"End to end, preprocessing counted: {Heads} heads of {Config}, {Queries} queries; per head load K and V, preprocess, run all its queries back to back (cycle model).\n\n");
        sb.Append(inv, $"Host sort: `SortedKeys.Build` measured on this machine, {HostSortSeconds * 1e3:0.00} ms over all heads (median of 5 runs a head), converted at the configured {ClockMhz} MHz: {HostSortCycles:N0} cycles, plus {SortedLoadCycles:N0} cycles of sorted-key loads (target 2). On-chip sort (`keySort: \"on-chip\"`, closed form): {OnChipLoadAndSortCycles:N0} cycles of K load and sort, V loaded during the sort.\n\n");
        sb.Append("| setting | query cycles | speed-up, queries only | total, host sort | speed-up | total, on-chip sort | speed-up |\n");
        sb.Append("|---|---:|---:|---:|---:|---:|---:|\n");
        sb.Append(inv, $"| exact (K and V loads, no sort) | {ExactQueryCycles:N0} | 1x | {ExactTotal:N0} | 1x | {ExactTotal:N0} | 1x |\n");
        foreach (var r in Rows)
        {
            sb.Append(inv, $"| {r.Label} | {r.QueryCycles:N0} | {(double)ExactQueryCycles / r.QueryCycles:0.00}x | {r.HostTotal:N0} | {Format(Speedup(ExactTotal, r.HostTotal))}x | {r.OnChipTotal:N0} | {Format(Speedup(ExactTotal, r.OnChipTotal))}x |\n");
        }
        return sb.ToString();
    }
}
