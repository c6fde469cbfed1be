using System.Globalization;
using A3Gen.Elaboration;
using A3Gen.Exploration;
using A3Gen.Model;
using A3Gen.Traces;

namespace A3Gen.Tests;

/// <summary>
/// a3gen explore on a3-small (N = 16, d = 4) and small synthetic traces: the CSV's numbers against the golden,
/// approximate and cycle models run directly here, the files it writes, and its one-line errors.
/// </summary>
public class ExploreTests
{
    private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;

    private static string Config(string name) => TestSupport.ConfigPath(name);

    private static (int Code, string Out, string Err) Run(params string[] args) => TestSupport.RunCli(args);

    /// <summary>Two planted instances of n = 16 (and one of n = 12, so relative M differs per instance), d = 4.</summary>
    private static Trace SmallTrace()
    {
        var a = SyntheticTraces.Planted(7, 2, 6, 16, 4, 2, 4.0);
        var b = SyntheticTraces.Gaussian(8, 1, 5, 12, 4, 0.8);
        return new Trace("small", [.. a.Instances, b.Instances[0] with { Group = "gauss" }]);
    }

    private static string WriteTrace(Trace trace, string dir, string name = "small.npz")
    {
        var path = Path.Combine(dir, name);
        TraceWriter.WriteNpz(trace, path, TracePrecision.Float64);
        return path;
    }

    private static List<Dictionary<string, string>> ReadCsv(string path)
    {
        var lines = File.ReadAllLines(path);
        var header = lines[0].Split(',');
        return lines.Skip(1).Select(l => header.Zip(l.Split(',')).ToDictionary(p => p.First, p => p.Second)).ToList();
    }

    private static double D(Dictionary<string, string> row, string column) => double.Parse(row[column], Inv);

    private static void Close(double expected, double actual, string what) =>
        Assert.True(Math.Abs(expected - actual) <= 1e-8 * Math.Max(1, Math.Abs(expected)), $"{what}: expected {expected}, CSV {actual}");

    [Theory]
    [InlineData(1.5, "1.50")]
    [InlineData(0.01, "0.01")]
    [InlineData(0.0043, "0.0043")]
    [InlineData(0.000123, "0.00012")]
    public void EndToEndSpeedupsBelowAHundredthKeepTwoSignificantDigits(double speedup, string text) =>
        Assert.Equal(text, A3Gen.Exploration.EndToEndReport.Format(speedup));

    [Fact]
    public void ExploreNumbersMatchTheModelsRunDirectly()
    {
        var dir = TestSupport.TempDir("explore");
        var trace = SmallTrace();
        var tracePath = WriteTrace(trace, dir);
        var outDir = Path.Combine(dir, "out");
        var (code, stdout, stderr) = Run("explore", "--config", Config("a3-small"), "--trace", tracePath,
            "--iterations", "n, n/2,3", "--threshold-percent", "5,20", "--no-area", "--cosim-sample", "0", "--out", outDir);
        Assert.True(code == 0, stderr);
        Assert.DoesNotContain("error", stderr);
        Assert.Contains("a3-small on small: 6 points x 17 queries", stdout);

        var rows = ReadCsv(Path.Combine(outDir, "points.csv"));
        Assert.Equal(7, rows.Count);
        var design = TestSupport.ShippedDesign("a3-small");
        var model = new ApproximateModel(design);
        var cycles = new CycleModel(design);
        var settings = new List<(string M, double? T)> { ("", null) };
        foreach (var m in new[] { "n", "n/2", "3" })
        {
            settings.AddRange(new double?[] { 5, 20 }.Select(t => (m, t)));
        }
        double exactCycles = 0;
        for (int p = 0; p < settings.Count; p++)
        {
            var (m, t) = settings[p];
            var row = rows[p];
            Assert.Equal(p == 0 ? "exact" : "approx", row["mode"]);
            Assert.Equal(m, row["iterations"]);
            var errors = new List<double>();
            var cosines = new List<double>();
            int top1 = 0, fallbacks = 0, queries = 0;
            double candidates = 0, kept = 0, candidateFraction = 0, iterations = 0, latency = 0, span = 0;
            int intervals = 0;
            foreach (var inst in trace.Instances)
            {
                int n = inst.Rows;
                long Q(double x) => (long)Math.Clamp(Math.Round(x * 16, MidpointRounding.ToEven), design.Input.MinRaw, design.Input.MaxRaw);
                var keys = inst.Keys.Select(r => r.Select(Q).ToArray()).ToArray();
                var values = inst.Values.Select(r => r.Select(Q).ToArray()).ToArray();
                var sorted = SortedKeys.Build(design, keys, n);
                int mi = m switch { "n" => n, "n/2" => n / 2, "3" => 3, _ => 0 };
                var s = t is { } tp ? QuerySettings.ApproximateFor(design, mi, tp) : QuerySettings.Exact;
                var work = new List<StageWork>();
                for (int qi = 0; qi < inst.QueryCount; qi++)
                {
                    var q = inst.Queries[qi].Select(Q).ToArray();
                    var r = model.Run(keys, values, sorted, q, n, s, out var tr);
                    var o = r.Output(design.Output);
                    var reference = Reference.Attention(inst.Keys, inst.Values, inst.Queries[qi], n);
                    errors.Add(Math.Sqrt(o.Zip(reference, (x, y) => (x - y) * (x - y)).Sum() / reference.Sum(y => y * y)));
                    cosines.Add(o.Zip(reference, (x, y) => x * y).Sum() / Math.Sqrt(o.Sum(x => x * x) * reference.Sum(y => y * y)));
                    var w = inst.Weights(qi);
                    int exactTop = Array.IndexOf(w, w.Max());
                    int approxTop = tr.Pipeline.KeptRows[Array.IndexOf(tr.Pipeline.Exps, tr.Pipeline.Exps.Max())];
                    top1 += exactTop == approxTop ? 1 : 0;
                    fallbacks += r.Fallback ? 1 : 0;
                    candidates += r.Candidates;
                    kept += r.Kept;
                    candidateFraction += (double)r.Candidates / n;
                    iterations += s.Approximate ? mi : 0;
                    if (s.Approximate)
                    {
                        // The paper's algorithm in double precision on the same quantized values finds the same candidates.
                        var paper = PaperAlgorithm.Run(keys.Select(k => k.Select(design.Input.ToReal).ToArray()).ToArray(),
                            values.Select(v => v.Select(design.Input.ToReal).ToArray()).ToArray(), q.Select(design.Input.ToReal).ToArray(), n, mi, t!.Value);
                        Assert.Equal(paper.Fallback ? n : paper.Candidates.Length, r.Candidates);
                    }
                    var wk = model.Work(n, s, tr);
                    work.Add(wk);
                    latency += design.Latency(wk);
                    queries++;
                }
                var timings = cycles.Run(work);
                span += timings[^1].ResultValidCycle - timings[0].ResultValidCycle;
                intervals += work.Count - 1;
                if (p == 0)
                {
                    Assert.All(timings.Skip(1).Zip(timings), x => Assert.Equal(design.Interval(n), x.First.ResultValidCycle - x.Second.ResultValidCycle));
                }
            }
            var what = $"point {p} (M = {m}, T = {t})";
            Assert.Equal(queries, int.Parse(row["queries"], Inv));
            Close(errors.Average(), D(row, "rel_error_mean"), what + " rel_error_mean");
            Close(errors.Max(), D(row, "rel_error_max"), what + " rel_error_max");
            Close(errors.Order().ElementAt(errors.Count / 2), D(row, "rel_error_median"), what + " rel_error_median");
            Close(cosines.Average(), D(row, "cosine_mean"), what + " cosine_mean");
            Close((double)top1 / queries, D(row, "top1_agreement"), what + " top1_agreement");
            Close(candidates / queries, D(row, "candidates_mean"), what + " candidates_mean");
            Close(kept / queries, D(row, "kept_mean"), what + " kept_mean");
            Close(candidateFraction / queries, D(row, "candidate_fraction"), what + " candidate_fraction");
            Close(iterations / queries, D(row, "iterations_mean"), what + " iterations_mean");
            Assert.Equal(fallbacks, int.Parse(row["fallbacks"], Inv));
            Close(span / intervals, D(row, "cycles_per_query"), what + " cycles_per_query");
            Close(latency / queries, D(row, "latency_mean"), what + " latency_mean");
            if (p == 0)
            {
                exactCycles = span / intervals;
                Assert.Equal(candidates / queries, kept / queries);
            }
            Close(exactCycles / (span / intervals), D(row, "speedup"), what + " speedup");
        }
        // M = n with a 20% threshold keeps fewer rows than with 5%.
        Assert.True(D(rows[2], "kept_mean") <= D(rows[1], "kept_mean"));
    }

    [Fact]
    public void EndToEndCountsLoadsPreprocessingAndQueries()
    {
        // Per head: exact = 2n (K and V) + its queries; on-chip = the sorter's closed form (K load and sort, V
        // during the sort) + its queries; host = 2n + the measured sort at the clock + n sorted-key loads + queries.
        var design = TestSupport.ShippedDesign("a3-small");
        var result = new Explorer(design).Run(SmallTrace(), new ExploreOptions());
        var report = EndToEndReport.Build(result);
        var sorter = new Design(design.Config with { KeySort = Configuration.KeySort.OnChip }).Sorter!;
        var cycles = new CycleModel(design);
        long Queries(int point)
        {
            long total = 0;
            int offset = 0;
            foreach (var inst in result.Instances)
            {
                var t = cycles.Run(Enumerable.Range(offset, inst.QueryIndices.Length).Select(j => result.Outcomes[point][j].Work).ToArray());
                total += t[^1].ResultTakenCycle + 1;
                offset += inst.QueryIndices.Length;
            }
            return total;
        }
        long rows = result.Instances.Sum(i => (long)i.Rows);
        Assert.Equal((3, 17), (report.Heads, report.Queries));
        Assert.Equal(2 * rows, report.LoadCycles);
        Assert.Equal(rows, report.SortedLoadCycles);
        Assert.Equal(result.Instances.Sum(i => sorter.LoadAndSortCycles(i.Rows)), report.OnChipLoadAndSortCycles);
        Assert.Equal((2 * rows) + Queries(0), report.ExactTotal);
        Assert.Equal(["conservative", "aggressive"], report.Rows.Select(r => r.Label));
        foreach (var row in report.Rows)
        {
            int point = result.Points.Select((p, k) => (p, k)).Single(x => x.p.Label == row.Label).k;
            Assert.Equal(Queries(point), row.QueryCycles);
            Assert.Equal(report.OnChipLoadAndSortCycles + row.QueryCycles, row.OnChipTotal);
            Assert.True(report.HostSortSeconds > 0);
            Assert.Equal((2 * rows) + (report.HostSortSeconds * 1000e6) + rows + row.QueryCycles, row.HostTotal, 6);
        }
        Assert.Contains("| conservative |", report.Markdown());
    }

    [Fact]
    public void ExploreWritesCsvSummaryAndPlots()
    {
        var dir = TestSupport.TempDir("explore-files");
        var tracePath = WriteTrace(SmallTrace(), dir);
        var outDir = Path.Combine(dir, "out");
        var (code, _, stderr) = Run("explore", "--config", Config("a3-small"), "--trace", tracePath, "--no-area", "--cosim-sample", "0",
            "--queries-per-instance", "3", "--out", outDir);
        Assert.True(code == 0, stderr);
        var lines = File.ReadAllLines(Path.Combine(outDir, "points.csv"));
        Assert.Equal(string.Join(',', ExploreWriter.Columns), lines[0]);
        Assert.Equal(
            "mode,iterations,iterations_mean,iterations_per_row,threshold_percent,threshold_raw,queries,rel_error_mean,rel_error_median,rel_error_max,cosine_mean,top1_agreement,"
            + "rel_error_mean_vs_quantized,rel_error_max_vs_quantized,cosine_mean_vs_quantized,top1_agreement_vs_quantized,candidates_mean,kept_mean,candidate_fraction,kept_fraction,"
            + "fallbacks,cycles_per_query,latency_mean,speedup,latency_speedup,pareto,label,energy_nj_per_query,energy_saving,candidate_energy_share", lines[0]);
        Assert.Equal(1 + 25, lines.Length - 1);
        var rows = ReadCsv(Path.Combine(outDir, "points.csv"));
        Assert.All(rows, r => Assert.Equal("9", r["queries"]));
        Assert.Equal(["", "n", "3n/4", "n/2", "n/4", "n/8"], rows.Select(r => r["iterations"]).Distinct());
        Assert.Equal(["", "1", "2.5", "5", "10", "20"], rows.Select(r => r["threshold_percent"]).Distinct());
        Assert.Equal("exact", rows[0]["label"]);
        Assert.Equal(("n/2", "5"), rows.Where(r => r["label"] == "conservative").Select(r => (r["iterations"], r["threshold_percent"])).Single());
        Assert.Equal(("n/8", "10"), rows.Where(r => r["label"] == "aggressive").Select(r => (r["iterations"], r["threshold_percent"])).Single());
        Assert.Contains(rows, r => r["pareto"] == "1");
        // The threshold of T = 5% is ln(20) in the threshold format (2f = 8 fraction bits).
        Assert.Equal(Math.Round(Math.Log(20) * 256, MidpointRounding.ToEven).ToString(Inv), rows.First(r => r["threshold_percent"] == "5")["threshold_raw"]);

        Assert.Contains("End to end, preprocessing counted: 3 heads of a3-small, 9 queries", File.ReadAllText(Path.Combine(outDir, "end-to-end.md")));
        var summary = File.ReadAllText(Path.Combine(outDir, "summary.md"));
        Assert.Contains("# Exploration of a3-small on small", summary);
        Assert.Contains("Used 9 queries: at most 3 per instance", summary);
        Assert.Contains("| conservative | n/2 | 5% |", summary);
        Assert.Contains("Skipped (--no-area).", summary);
        Assert.Contains("Skipped (--cosim-sample 0).", summary);
        foreach (var plot in new[] { "accuracy-vs-iterations", "accuracy-vs-threshold", "accuracy-vs-cycles" })
        {
            var png = File.ReadAllBytes(Path.Combine(outDir, plot + ".png"));
            Assert.True(png.Length > 5000, $"{plot}.png is only {png.Length} bytes");
            Assert.Equal(new byte[] { 0x89, (byte)'P', (byte)'N', (byte)'G' }, png[..4]);
            var svg = File.ReadAllText(Path.Combine(outDir, plot + ".svg"));
            Assert.Contains("<svg", svg);
            Assert.Contains("</svg>", svg);
        }
        Assert.DoesNotContain(Directory.GetDirectories(dir), d => Path.GetFileName(d).StartsWith('.'));
    }

    [Fact]
    public void ExploreTakesTheAreaFromAGivenReport()
    {
        var dir = TestSupport.TempDir("explore-area");
        var tracePath = WriteTrace(SmallTrace(), dir);
        var report = Path.Combine(dir, "report.json");
        File.WriteAllText(report, """
            {"config": "a3-small", "target": "generic", "memories": "macro",
             "instances": [{"instance": "u_candidate", "module": "candidate", "total": {"cells": 1200, "flipFlops": 300, "transistors": 9000, "macroBits": 0}},
                           {"instance": "u_sorted_max0", "module": "sram", "total": {"macroBits": 512}},
                           {"instance": "u_sorted_max1", "module": "sram", "total": {"macroBits": 512}}],
             "total": {"cells": 5000, "flipFlops": 900, "transistors": 40000, "macroBits": 2048}}
            """);
        var outDir = Path.Combine(dir, "out");
        var (code, _, stderr) = Run("explore", "--config", Config("a3-small"), "--trace", tracePath, "--area", report, "--cosim-sample", "0",
            "--iterations", "n/2", "--threshold-percent", "5", "--out", outDir);
        Assert.True(code == 0, stderr);
        var summary = File.ReadAllText(Path.Combine(outDir, "summary.md"));
        Assert.Contains("| u_candidate | candidate | 1200 | 300 | 9000 | 22.5% | 0 | 0.0% |", summary);
        Assert.Contains("| u_sorted_max0..1 (x2) | sram | 0 | 0 | 0 | 0.0% | 1024 | 50.0% |", summary);
        Assert.Contains("| **total** |  | 5000 | 900 | 40000 | 100.0% | 2048 | 100.0% |", summary);

        var other = Path.Combine(dir, "other.json");
        File.WriteAllText(other, File.ReadAllText(report).Replace("a3-small", "a3-mid"));
        var bad = Run("explore", "--config", Config("a3-small"), "--trace", tracePath, "--area", other, "--out", Path.Combine(dir, "bad"));
        Assert.Equal($"a3gen: error: --area: '{other}' reports configuration 'a3-mid', not 'a3-small'\n", bad.Err);
    }

    public static TheoryData<string[], string> BadInputs => new()
    {
        { ["--iterations", "n/2,x"], "--iterations: 'x' is not an iteration count (give an integer, or n, n/2, 3n/4, 2n: a multiple of each instance's n)" },
        { ["--iterations", "n/0"], "--iterations: 'n/0' is not an iteration count (division by zero)" },
        { ["--iterations", "4/n"], "--iterations: '4/n' is not an iteration count (give an integer, or n, n/2, 3n/4, 2n: a multiple of each instance's n)" },
        { ["--iterations", ","], "--iterations: the list is empty (give e.g. n,3n/4,n/2,n/4,n/8 or 64,32)" },
        { ["--iterations", "200"], "--iterations: M = 200 is out of range 0..128 (the configuration's maxIterations)" },
        { ["--iterations", "9n"], "--iterations: 9n is M = 144 for planted/head0 (n = 16), out of range 0..128 (the configuration's maxIterations)" },
        { ["--threshold-percent", "5,0"], "--threshold-percent: T = 0% is out of range (0, 100]" },
        { ["--threshold-percent", "150"], "--threshold-percent: T = 150% is out of range (0, 100]" },
        { ["--threshold-percent", "five"], "--threshold-percent: 'five' is not a number (give percentages such as 1,2.5,5,10,20)" },
        { ["--queries-per-instance", "0"], "--queries-per-instance = 0; give at least 1" },
        { ["--cosim-sample", "-1"], "--cosim-sample = -1; give 0 (none) or more" },
        { ["--area", "x.json", "--no-area"], "--area and --no-area exclude each other" },
    };

    [Theory]
    [MemberData(nameof(BadInputs))]
    public void BadSweepOptionsAreOneLineErrorsAndWriteNothing(string[] extra, string message)
    {
        var dir = TestSupport.TempDir("explore-bad");
        var tracePath = WriteTrace(SmallTrace(), dir);
        var outDir = Path.Combine(dir, "out");
        var (code, stdout, stderr) = Run(["explore", "--config", Config("a3-small"), "--trace", tracePath, "--out", outDir, .. extra]);
        Assert.Equal(1, code);
        Assert.Equal("", stdout);
        Assert.Equal($"a3gen: error: {message}\n", stderr);
        Assert.False(Directory.Exists(outDir));
    }

    [Fact]
    public void ATraceThatDoesNotFitTheConfigurationIsRefused()
    {
        var dir = TestSupport.TempDir("explore-fit");
        var wide = WriteTrace(SyntheticTraces.Gaussian(1, 1, 2, 8, 6), dir, "wide.npz");
        var (code, _, stderr) = Run("explore", "--config", Config("a3-small"), "--trace", wide, "--out", Path.Combine(dir, "out"));
        Assert.Equal(1, code);
        Assert.Equal("a3gen: error: wide.npz: the trace has d = 6; the configuration's dimension d is 4\n", stderr);

        var tall = WriteTrace(SyntheticTraces.Gaussian(1, 2, 2, 20, 4), dir, "tall.npz");
        (code, _, stderr) = Run("explore", "--config", Config("a3-small"), "--trace", tall, "--out", Path.Combine(dir, "out"));
        Assert.Equal(1, code);
        Assert.Equal("a3gen: error: tall.npz: gaussian/head0 has n = 20 key rows; the configuration allows at most maxRows = 16\n", stderr);
        Assert.False(Directory.Exists(Path.Combine(dir, "out")));
    }

    [Fact]
    public void IterationCountsResolvePerInstance()
    {
        var specs = IterationSpec.ParseList("n 3n/4, n/8,64,2n");
        Assert.Equal([128, 96, 16, 64, 256], specs.Select(s => s.Resolve(128)));
        Assert.Equal([1, 1, 1, 64, 2], specs.Select(s => s.Resolve(1)));
        Assert.True(IterationSpec.Parse("2n/4").IsFraction(1, 2));
        Assert.False(IterationSpec.Parse("64").IsFraction(1, 2));
        Assert.Equal([0, 16, 32, 48, 64, 80, 96, 112], Explorer.SampleQueries(128, 8));
        Assert.Equal([0, 1, 2], Explorer.SampleQueries(3, 8));
        Assert.Equal([0, 1, 3], Explorer.SampleQueries(5, 3));
    }

    [Fact]
    public void QuantizationRoundsHalfToEvenAndCountsSaturation()
    {
        var design = TestSupport.ShippedDesign("a3-small"); // s9.4
        var count = new QuantizationCount();
        var raw = Quantizer.Quantize([[0.03125, 0.09375, -0.03125, 0.02], [16.0, -16.5, 15.96, 0]], design.Input, count);
        Assert.Equal([0L, 2, 0, 0], raw[0]);
        Assert.Equal([255L, -256, 255, 0], raw[1]);
        Assert.Equal(8, count.Elements);
        Assert.Equal(2, count.Saturated);
        Assert.Equal(3, count.RoundedToZero);
    }

    [Fact]
    public void ACoSimulatedSampleAgreesWithTheModels()
    {
        var dir = TestSupport.TempDir("explore-cosim");
        var tracePath = WriteTrace(SmallTrace(), dir);
        var outDir = Path.Combine(dir, "out");
        var (code, _, stderr) = Run("explore", "--config", Config("a3-small"), "--trace", tracePath, "--no-area", "--cosim-sample", "2",
            "--iterations", "n/2,n/8", "--threshold-percent", "5,10", "--out", outDir);
        Assert.True(code == 0, stderr);
        var summary = File.ReadAllText(Path.Combine(outDir, "summary.md"));
        Assert.Contains("4 queries run back to back on the generated RTL under verilator: planted/head1, queries 0, 3, at M = n/2, T = 5% (conservative) and M = n/8, T = 10% (aggressive).", summary);
    }
}
