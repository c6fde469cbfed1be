using System.Globalization;
using System.Text;

namespace A3Gen.Exploration;

/// <summary>points.csv and summary.md of an exploration.</summary>
public static class ExploreWriter
{
    private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;

    /// <summary>The columns of points.csv, in order (docs/explore.md says what each means).</summary>
    public static IReadOnlyList<string> Columns { get; } =
    [
        "mode", "iterations", "iterations_mean", "iterations_per_row", "threshold_percent", "threshold_raw", "queries",
        "rel_error_mean", "rel_error_median", "rel_error_max", "cosine_mean", "top1_agreement",
        "rel_error_mean_vs_quantized", "rel_error_max_vs_quantized", "cosine_mean_vs_quantized", "top1_agreement_vs_quantized",
        "candidates_mean", "kept_mean", "candidate_fraction", "kept_fraction", "fallbacks",
        "cycles_per_query", "latency_mean", "speedup", "latency_speedup", "pareto", "label",
        "energy_nj_per_query", "energy_saving", "candidate_energy_share",
    ];

    public static string Csv(ExploreResult result)
    {
        var sb = new StringBuilder();
        sb.Append(string.Join(',', Columns)).Append('\n');
        foreach (var p in result.Points)
        {
            object?[] cells =
            [
                p.Mode, p.Iterations, p.IterationsMean, p.IterationsPerRow, p.ThresholdPercent, p.ThresholdRaw, p.Queries,
                p.RelErrorMean, p.RelErrorMedian, p.RelErrorMax, p.CosineMean, p.Top1Agreement,
                p.RelErrorMeanQuantized, p.RelErrorMaxQuantized, p.CosineMeanQuantized, p.Top1AgreementQuantized,
                p.CandidatesMean, p.KeptMean, p.CandidateFraction, p.KeptFraction, p.Fallbacks,
                p.CyclesPerQuery, p.LatencyMean, p.Speedup, p.LatencySpeedup, p.Pareto ? 1 : 0, p.Label,
                p.EnergyPerQueryNj, p.EnergySaving, p.CandidateEnergyShare,
            ];
            sb.Append(string.Join(',', cells.Select(Cell))).Append('\n');
        }
        return sb.ToString();
    }

    private static string Cell(object? value) => value switch
    {
        null => "",
        double d => d.ToString("G10", Inv),
        IFormattable f => f.ToString(null, Inv),
        _ => value.ToString() ?? "",
    };

    public static string Summary(ExploreResult r, string traceName, AreaReport? area, string? areaNote, CoSimReport? cosim, string? cosimNote, IReadOnlyList<string> plots)
    {
        var d = r.Design;
        var sb = new StringBuilder();
        void Line(FormattableString s) => sb.Append(s.ToString(Inv)).Append('\n');
        void Text(string s) => sb.Append(s).Append('\n');
        var rows = r.Instances.Select(i => i.Rows).Distinct().Order().ToArray();
        var queriesPer = r.Instances.Select(i => i.Source.QueryCount).Distinct().Order().ToArray();

        Line($"# Exploration of {d.Config.Name} on {traceName}");
        Line($"");
        Line($"Configuration **{d.Config.Name}**: N = {d.MaxRows}, d = {d.Dimension}, input format s{d.Input.Width}.{d.Input.FractionBits} (i = {d.Input.IntegerBits}, f = {d.Input.FractionBits}), maxIterations = {d.MaxIterations}, scan width S = {d.ScanWidth}, {d.Config.TargetClockMhz} MHz.");
        Line($"");
        Text(string.Create(Inv, $"Trace **{r.Trace.Source}**: {r.Instances.Count} instances, n = {Range(rows)}, d = {r.Trace.Dimension}, m = {Range(queriesPer)} queries per instance. ")
            + (r.QueriesPerInstance is { } k && r.Instances.Any(i => i.QueryIndices.Length < i.Source.QueryCount)
                ? string.Create(Inv, $"Used {r.QueryCount} queries: at most {k} per instance, evenly spaced (query floor(i m / {k}), i = 0..{k - 1}; --queries-per-instance {k}).")
                : string.Create(Inv, $"Used all {r.QueryCount} queries.")));
        Line($"");

        Line($"## Quantization to s{d.Input.Width}.{d.Input.FractionBits}");
        Line($"");
        Line($"Round to nearest (ties to even), saturate at {d.Input.ToReal(d.Input.MinRaw)}..{d.Input.ToReal(d.Input.MaxRaw)}; one LSB = {d.Input.ToReal(1)}.");
        Line($"");
        Line($"| matrix | elements | max abs | saturated | nonzero rounded to 0 | mean abs rounding error |");
        Line($"|---|---:|---:|---:|---:|---:|");
        foreach (var (name, c) in new[] { ("q (queries used)", r.QueryQuantization), ("K", r.KeyQuantization), ("V", r.ValueQuantization) })
        {
            Line($"| {name} | {c.Elements} | {c.MaxAbs:0.###} | {c.Saturated} | {c.RoundedToZero} ({Percent(c.RoundedToZero, c.Elements)}) | {c.AbsoluteErrorSum / Math.Max(1, c.Elements - c.Saturated):0.####} |");
        }
        Line($"");
        var q = r.QueryQuantization;
        if (q.Elements > 0 && (double)q.RoundedToZero / q.Elements > 0.05)
        {
            Line($"Note: {Percent(q.RoundedToZero, q.Elements)} of the q elements round to 0 at f = {d.Input.FractionBits}: q is coarse in this format, and part of every error below is quantization, not approximation (the exact path's row shows how much; the `_vs_quantized` columns of points.csv leave it out).");
            Line($"");
        }
        if (q.Saturated + r.KeyQuantization.Saturated + r.ValueQuantization.Saturated > 0)
        {
            Line($"Warning: {q.Saturated + r.KeyQuantization.Saturated + r.ValueQuantization.Saturated} values saturated: the format's range is too small for this trace.");
            Line($"");
        }

        Line($"## Points");
        Line($"");
        Line($"Errors against double-precision softmax attention on the trace's own (unquantized) inputs: relative output error ||o - o_ref|| / ||o_ref|| (mean, median and worst over the queries), mean cosine similarity, top-1 agreement (the approximate path's largest kept weight is on the row of the largest exact weight). C/n and K/n: candidates and kept rows per row (a fallback counts n). Cycles per query: the cycle model, each instance's queries back to back{(r.CyclesFromLatency ? " (one query per instance: its latency)" : "")}; speed-up over the exact path of the same design on the same queries. Latency: mean of the isolated query latency.");
        Line($"");
        bool energy = r.Energy is not null;
        Line($"| M | T | label | rel. error mean | median | max | cosine | top-1 | C/n | K/n | fallbacks | cycles/query | speed-up | latency | Pareto |{(energy ? " nJ/query (model) | energy saving |" : "")}");
        Line($"|---|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|{(energy ? "---:|---:|" : "")}");
        foreach (var p in r.Points)
        {
            var t = p.ThresholdPercent is { } tp ? tp.ToString(Inv) + "%" : "-";
            var m = p.Mode == "exact" ? "exact path" : p.Iterations;
            Line($"| {m} | {t} | {p.Label} | {p.RelErrorMean:0.0000} | {p.RelErrorMedian:0.0000} | {p.RelErrorMax:0.0000} | {p.CosineMean:0.0000} | {p.Top1Agreement:0.000} | {p.CandidateFraction:0.000} | {p.KeptFraction:0.000} | {p.Fallbacks} | {p.CyclesPerQuery:0.0} | {p.Speedup:0.00}x | {p.LatencyMean:0.0} | {(p.Pareto ? "yes" : "")} |{(energy ? string.Create(Inv, $" {p.EnergyPerQueryNj:0.###} | {p.EnergySaving:0.00}x |") : "")}");
        }
        Line($"");

        EnergySection(sb, r);

        var cons = r.Labelled(SweepPoint.Conservative);
        var aggr = r.Labelled(SweepPoint.Aggressive);
        if (cons is not null || aggr is not null)
        {
            Line($"## The paper's settings");
            Line($"");
            Line($"Against the exact path of the same design (its own loss against double precision: mean relative error {r.Exact.RelErrorMean:0.0000}, top-1 {r.Exact.Top1Agreement:0.000}).");
            Line($"");
            Line($"| setting | M | T | added mean rel. error | top-1 change (points) | rows kept | speed-up (cycles/query) | latency ratio |");
            Line($"|---|---|---:|---:|---:|---:|---:|---:|");
            foreach (var p in new[] { cons, aggr }.OfType<PointResult>())
            {
                Line($"| {p.Label} | {p.Iterations} | {p.ThresholdPercent}% | {p.RelErrorMean - r.Exact.RelErrorMean:+0.0000;-0.0000;0.0000} | {100 * (p.Top1Agreement - r.Exact.Top1Agreement):+0.0;-0.0;0.0} | {p.KeptFraction:0.0%} | {p.Speedup:0.00}x | {p.LatencySpeedup:0.00}x |");
            }
            Line($"");
        }

        Line($"## Co-simulation");
        Line($"");
        if (cosim is not null)
        {
            Line($"{cosim.Queries} queries run back to back on the generated RTL under {cosim.Simulator}: {cosim.Instance}, queries {string.Join(", ", cosim.QueryIndices)}, at {string.Join(" and ", cosim.Points)}. Outputs, C, K and fallback equal the golden model's (and the sweep's) bit for bit; every query's accept and result cycles equal the cycle model's.");
        }
        else
        {
            Line($"{cosimNote ?? "Skipped."}");
        }
        Line($"");

        Line($"## Area");
        Line($"");
        if (area is not null)
        {
            Line($"From {area.Source} ({area.Target}, memories {area.Memories}); the same for every point (M and T are per-query settings). SRAM macros are counted in bits, not in cells.");
            Line($"");
            Text(area.Fpga
                ? "| instance | module | cells | flip-flops | LUTs | share of LUTs |\n|---|---|---:|---:|---:|---:|"
                : "| instance | module | cells | flip-flops | transistors | share of transistors | macro bits | share of macro bits |\n|---|---|---:|---:|---:|---:|---:|---:|");
            foreach (var i in AreaReport.Grouped(area.Instances).Append(area.Total with { Instance = "**total**" }))
            {
                Text(area.Fpga
                    ? string.Create(Inv, $"| {i.Instance} | {i.Module} | {i.Cells} | {i.FlipFlops} | {i.Luts} | {Percent(i.Luts, area.Total.Luts)} |")
                    : string.Create(Inv, $"| {i.Instance} | {i.Module} | {i.Cells} | {i.FlipFlops} | {i.Transistors} | {Percent(i.Transistors, area.Total.Transistors)} | {i.MacroBits} | {Percent(i.MacroBits, area.Total.MacroBits)} |"));
            }
        }
        else
        {
            Line($"{areaNote ?? "Skipped."}");
        }
        Line($"");

        Line($"## Files");
        Line($"");
        Line($"`points.csv` (every point, the columns are explained in docs/explore.md){(plots.Count > 0 ? ", " + string.Join(", ", plots.Select(p => $"`{p}`")) : "")}.");
        return sb.ToString();
    }

    /// <summary>How the points' energies were obtained (the model, its calibration and its check), or one line saying there are none.</summary>
    private static void EnergySection(StringBuilder sb, ExploreResult r)
    {
        void Line(FormattableString s) => sb.Append(s.ToString(Inv)).Append('\n');
        Line($"## Energy per query");
        Line($"");
        if (r.Energy is not { } e)
        {
            Line($"{NoCalibration(r.Design.Config.Name)}");
            Line($"");
            return;
        }
        Line($"Not measured at each point: a per-component model E_k = a_k C + b_k U_k (C the point's cycles per query, U_k the component's work per query from the cycle model), calibrated on the gate-level power run `{e.Source}` ({e.Config}, workload {e.Workload}, {e.ClockMhz:0.#} MHz; docs/explore.md, \"Energy per query\"). The figures hold for that netlist at that clock; leakage is in a_k.");
        Line($"");
        Line($"| component | a: nJ per cycle | b: nJ per unit | unit |");
        Line($"|---|---:|---:|---|");
        foreach (var t in e.Terms)
        {
            Line($"| {t.Component} | {t.PerCycleJ * 1e9:0.####} | {t.PerUnitJ * 1e9:0.####} | {t.Unit} |");
        }
        Line($"");
        Line($"Check, the model on the calibration run's own modes: {string.Join("; ", e.Check.Select(c => string.Create(Inv, $"{c.Mode} measured {c.MeasuredJ * 1e9:0.###} nJ, model {c.ModelJ * 1e9:0.###} nJ ({c.RelativeError:+0.0%;-0.0%;0.0%})")))}.");
        Line($"");
    }

    /// <summary>The one line explore writes when it has no energy calibration for a configuration.</summary>
    public static string NoCalibration(string config) =>
        $"No energy per query: no calibration for {config} (give --energy with the energy.json of scripts/a3gen power --config <{config}'s file>).";

    private static string Range(int[] values) => values.Length == 1 ? values[0].ToString(Inv) : $"{values[0].ToString(Inv)}..{values[^1].ToString(Inv)}";

    private static string Percent(long part, long whole) => whole == 0 ? "0%" : ((double)part / whole).ToString("0.0%", Inv);
}
