using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using A3Gen.Configuration;
using A3Gen.Elaboration;
using A3Gen.Emission;
using A3Gen.Simulation;

namespace A3Gen.Cli;

/// <summary>
/// <c>a3gen bench</c>: the figures the README quotes, as medians over repeated runs: generate time,
/// Verilator build time (cold and cached), co-simulation speed, and measured cycles per query and
/// latency against the prediction and the paper.
/// </summary>
public static class BenchCommand
{
    public static Command Build(TextWriter stdout, TextWriter stderr)
    {
        var runsOption = new Option<int>("--runs") { Description = "repetitions per figure (the median is printed)", DefaultValueFactory = _ => 5 };
        var lanesOption = new Option<bool>("--lanes-only") { Description = "print only the lane table (P = 1, 2, 4, 8, 16, both softmax kinds, on the paper configuration), from the cycle model (seconds, no RTL build)" };
        var costOption = new Option<bool>("--lanes-cost") { Description = "print only the cost of lanes: Yosys on the paper configuration with P = 1, 2, 4, 8 and both softmax kinds (generic cells, SRAMs as macros; with --xilinx also 7-series resources), two runs at a time; about an hour generic, two more with --xilinx" };
        var xilinxOption = new Option<bool>("--xilinx") { Description = "with --lanes-cost: also synthesize for Xilinx 7-series (memories in block RAM)" };
        var costOutOption = new Option<string>("--cost-out") { Description = "with --lanes-cost: the folder of the synthesis runs; a run whose row.json is there is not repeated", DefaultValueFactory = _ => Path.Combine("synth-out", "lanes-cost") };
        var configOption = new Option<string?>("--config") { Description = "configuration JSON file (default: the built-in paper configuration a3-paper); its lanes and softmax are replaced in the lane tables" };
        var command = new Command("bench", "Measure generate time, Verilator build time, co-simulation speed and cycles per query (medians).") { configOption, runsOption, lanesOption, costOption, xilinxOption, costOutOption };
        command.SetAction(parse => Cli.Guard(stderr, () =>
        {
            int runs = Math.Max(1, parse.GetValue(runsOption));
            var config = Cli.LoadConfig(parse.GetValue(configOption));
            if (parse.GetValue(costOption))
            {
                LaneCost.Run(config, parse.GetValue(xilinxOption), parse.GetValue(costOutOption)!, stdout, stderr);
                return 0;
            }
            if (parse.GetValue(lanesOption))
            {
                LaneCounts(config, false, stdout);
                return 0;
            }
            Run(config, runs, stdout);
            return 0;
        }));
        return command;
    }

    private static double Median(IEnumerable<double> values)
    {
        var sorted = values.Order().ToArray();
        return sorted.Length % 2 == 1 ? sorted[sorted.Length / 2] : (sorted[(sorted.Length / 2) - 1] + sorted[sorted.Length / 2]) / 2;
    }

    private static double Seconds(Action action)
    {
        var watch = Stopwatch.StartNew();
        action();
        return watch.Elapsed.TotalSeconds;
    }

    public static void Run(A3Config config, int runs, TextWriter output)
    {
        var inv = CultureInfo.InvariantCulture;
        var design = new Design(config);
        var emitter = new Emitter(TemplateRenderer.Default());
        var scratch = Path.Combine(Path.GetTempPath(), $"a3gen-bench-{Environment.ProcessId}");
        Directory.CreateDirectory(scratch);
        try
        {
            output.WriteLine($"# A3Gen benchmark: {config.Name} (N = {config.MaxRows}, d = {config.Dimension}), medians of {runs} runs");
            output.WriteLine();
            output.WriteLine("| figure | median | runs |");
            output.WriteLine("|---|---:|---:|");

            emitter.Render(design); // warm up the templates and the JIT
            double generate = Median(Enumerable.Range(0, runs).Select(k => Seconds(() =>
                Emitter.Write(emitter.Render(new Design(config)), Path.Combine(scratch, "rtl-" + k)))));
            output.WriteLine(string.Create(inv, $"| generate (elaborate, render, write {emitter.Render(design).Count} files) | {generate * 1000:0.0} ms | {runs} |"));

            int buildRuns = Math.Min(runs, 3);
            double cold = Median(Enumerable.Range(0, buildRuns).Select(k =>
                VerilatorBuild.Build(design, cacheRoot: Path.Combine(scratch, "cache-" + k)).BuildTime.TotalSeconds));
            output.WriteLine(string.Create(inv, $"| Verilator build, cold (empty cache) | {cold:0.0} s | {buildRuns} |"));
            var cacheRoot = Path.Combine(scratch, "cache-0");
            double cached = Median(Enumerable.Range(0, runs).Select(_ => Seconds(() => VerilatorBuild.Build(design, cacheRoot: cacheRoot))));
            output.WriteLine(string.Create(inv, $"| Verilator build, cached | {cached * 1000:0.0} ms | {runs} |"));

            // Co-simulation speed: 8 back-to-back queries of N rows.
            var stimulus = Random(design, config.MaxRows, 8, 1);
            // One untimed run first: the simulator's model is built (or loaded) on its first use, not in a timed one.
            new VerilatorSimulator(design).Run(stimulus);
            var speeds = Enumerable.Range(0, runs).Select(_ =>
            {
                var sim = new VerilatorSimulator(design);
                double s = Seconds(() => sim.Run(stimulus));
                return sim.LastRunCycles / s;
            }).ToArray();
            output.WriteLine(string.Create(inv, $"| Verilator co-simulation speed (8 queries, n = N, driven from C#) | {Median(speeds) / 1000:0} kcycles/s | {runs} |"));

            var icarus = new IcarusSimulator(design);
            var small = Random(design, config.MaxRows, 2, 2);
            var icarusSpeeds = Enumerable.Range(0, Math.Min(runs, 3)).Select(_ =>
            {
                icarus.Run(small);
                return icarus.LastRunCycles / icarus.LastRunTime.TotalSeconds;
            }).ToArray();
            output.WriteLine(string.Create(inv, $"| Icarus co-simulation speed (2 queries, n = N, vvp only) | {Median(icarusSpeeds) / 1000:0.0} kcycles/s | {icarusSpeeds.Length} |"));
            output.WriteLine();

            output.WriteLine("Measured under Verilator (a single query for the latency; 7 back to back for the mean interval):");
            output.WriteLine();
            output.WriteLine("| n | latency measured | predicted | paper 3n + 27 | cycles per query measured | predicted | paper n + 9 |");
            output.WriteLine("|---:|---:|---:|---:|---:|---:|---:|");
            foreach (int n in new[] { 16, 64, 320 }.Where(n => n <= config.MaxRows))
            {
                var one = new VerilatorSimulator(design).Run(Random(design, n, 1, n)).Queries[0].Timing.Latency;
                var burst = new VerilatorSimulator(design).Run(Random(design, n, 7, n + 1)).CyclesPerQuery;
                output.WriteLine(string.Create(inv, $"| {n} | {one} | {design.Latency(n)} | {(3 * n) + 27} | {burst:0.##} | {design.MeanInterval(n):0.##} | {n + 9} |"));
            }
            output.WriteLine();
            Approximate(design, runs, output);
            output.WriteLine();
            SoftmaxKinds(config, output);
            output.WriteLine();
            LaneCounts(config, true, output);
        }
        finally
        {
            Directory.Delete(scratch, true);
        }
    }

    /// <summary>
    /// The approximate path against the exact one on n = N rows: host preprocessing time, then for random
    /// Gaussian data and for data with a few dominant rows, the exact path, the paper's conservative
    /// (M = n/2, T = 5%) and aggressive (M = n/8, T = 10%) settings: C, K, latency and cycles per query,
    /// measured under Verilator and predicted by the cycle model.
    /// </summary>
    private static void Approximate(Design design, int runs, TextWriter output)
    {
        var inv = CultureInfo.InvariantCulture;
        int n = design.MaxRows;
        var keys = Gaussian(design, n, 1, 7);
        Model.SortedKeys.Build(design, keys, n); // warm up
        double sortSeconds = Median(Enumerable.Range(0, Math.Max(runs, 5)).Select(_ => Seconds(() => Model.SortedKeys.Build(design, keys, n))));
        output.WriteLine(string.Create(inv, $"Host preprocessing (sort every key column of n = {n} rows, d = {design.Dimension}; `SortedKeys.Build`): {sortSeconds * 1e6:0} us median of {Math.Max(runs, 5)}."));
        output.WriteLine();
        EndToEndHead(design, keys, sortSeconds, output);
        output.WriteLine();
        output.WriteLine("Approximate path, n = N, 8 queries back to back (cycles per query) and the first query alone (latency), Verilator = cycle model:");
        output.WriteLine();
        output.WriteLine("| data | setting | M | T | mean C | mean K | fallbacks | latency measured | predicted | cycles per query measured | predicted | speed-up over exact | paper (Fig. 15) |");
        output.WriteLine("|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|");
        foreach (var (data, dominant) in new[] { ("random Gaussian", false), ("3 dominant rows", true) })
        {
            var baseStimulus = DataFor(design, n, 8, dominant, 11);
            double exactCycles = 0;
            foreach (var (setting, m, t, paper) in new[]
            {
                ("exact", 0, 0.0, "1x"),
                ("conservative", Math.Max(1, n / 2), 5.0, "1.4-2.0x"),
                ("aggressive", Math.Max(1, n / 8), 10.0, "2.6-7.0x"),
            })
            {
                var settings = setting == "exact" ? Model.QuerySettings.Exact : Model.QuerySettings.ApproximateFor(design, Math.Min(m, design.MaxIterations), t);
                var stimulus = baseStimulus with { Queries = baseStimulus.Queries.Select(q => q with { Settings = settings }).ToArray() };
                var burst = new VerilatorSimulator(design).Run(stimulus);
                var predicted = new ModelSimulator(design).Run(stimulus);
                var single = stimulus with { Queries = [stimulus.Queries[0]] };
                int latency = new VerilatorSimulator(design).Run(single).Queries[0].Timing.Latency;
                int latencyPredicted = new ModelSimulator(design).Run(single).Queries[0].Timing.Latency;
                double c = burst.Queries.Average(q => q.Result.Candidates), k = burst.Queries.Average(q => q.Result.Kept);
                int fallbacks = burst.Queries.Count(q => q.Result.Fallback);
                if (setting == "exact")
                {
                    exactCycles = burst.CyclesPerQuery;
                }
                string mText = setting == "exact" ? "-" : settings.Iterations.ToString(inv);
                string tText = setting == "exact" ? "-" : $"{t:0.#}%";
                output.WriteLine(string.Create(inv, $"| {data} | {setting} | {mText} | {tText} | {c:0.#} | {k:0.#} | {fallbacks} | {latency} | {latencyPredicted} | {burst.CyclesPerQuery:0.#} | {predicted.CyclesPerQuery:0.#} | {exactCycles / burst.CyclesPerQuery:0.00}x | {paper} |"));
            }
        }
    }

    /// <summary>
    /// The two softmax kinds side by side on the same shape (docs/one-pass-softmax.md): for each, exact,
    /// conservative and aggressive queries on n = N rows of Gaussian data, 8 back to back (cycles per query) and the
    /// first alone (latency), measured under Verilator and predicted by the cycle model, with the closed forms.
    /// </summary>
    private static void SoftmaxKinds(A3Config config, TextWriter output)
    {
        var inv = CultureInfo.InvariantCulture;
        output.WriteLine("Softmax kinds on the same shape, n = N, Gaussian data, 8 queries back to back and the first alone, Verilator = cycle model:");
        output.WriteLine();
        output.WriteLine("| softmax | closed forms (exact) | setting | latency measured | predicted | cycles per query measured | predicted | paper (exact) |");
        output.WriteLine("|---|---|---|---:|---:|---:|---:|---|");
        foreach (var kind in new[] { Softmax.ThreePass, Softmax.OnePass })
        {
            var design = new Design(config with { Softmax = kind });
            int n = design.MaxRows;
            var baseStimulus = DataFor(design, n, 8, false, 11);
            string name = kind == Softmax.OnePass ? "one-pass" : "three-pass";
            foreach (var (setting, m, t) in new[] { ("exact", 0, 0.0), ("conservative", Math.Max(1, n / 2), 5.0), ("aggressive", Math.Max(1, n / 8), 10.0) })
            {
                var settings = setting == "exact" ? Model.QuerySettings.Exact : Model.QuerySettings.ApproximateFor(design, Math.Min(m, design.MaxIterations), t);
                var stimulus = baseStimulus with { Queries = baseStimulus.Queries.Select(q => q with { Settings = settings }).ToArray() };
                var burst = new VerilatorSimulator(design).Run(stimulus);
                var predicted = new ModelSimulator(design).Run(stimulus);
                var single = stimulus with { Queries = [stimulus.Queries[0]] };
                int latency = new VerilatorSimulator(design).Run(single).Queries[0].Timing.Latency;
                int latencyPredicted = new ModelSimulator(design).Run(single).Queries[0].Timing.Latency;
                string forms = setting == "exact" ? $"latency {design.LatencyFormula}, interval {design.IntervalFormula}" : "";
                string paper = setting == "exact" ? $"{(3 * n) + 27}, {n + 9}" : "";
                output.WriteLine(string.Create(inv, $"| {name} | {forms} | {setting} | {latency} | {latencyPredicted} | {burst.CyclesPerQuery:0.#} | {predicted.CyclesPerQuery:0.#} | {paper} |"));
            }
        }
    }

    /// <summary>
    /// Lanes on the same shape, both softmax kinds, P = 1, 2, 4, 8, 16: the closed forms, then exact, conservative and
    /// aggressive queries on n = N rows of Gaussian data, 8 back to back (cycles per query) and the first alone
    /// (latency), predicted by the cycle model and, when <paramref name="measure"/>, measured under Verilator.
    /// </summary>
    private static void LaneCounts(A3Config config, bool measure, TextWriter output)
    {
        var inv = CultureInfo.InvariantCulture;
        output.WriteLine($"Lanes on the same shape, both softmax kinds, n = N, Gaussian data, 8 queries back to back and the first alone{(measure ? ", Verilator = cycle model" : ", cycle model")}; throughput against the three-pass pipeline with one lane:");
        output.WriteLine();
        output.WriteLine(measure
            ? "| softmax | lanes P | closed forms (exact) | setting | mean C | mean K | latency measured | predicted | cycles per query measured | predicted | throughput over three-pass P = 1 |"
            : "| softmax | lanes P | closed forms (exact) | setting | mean C | mean K | latency | cycles per query | throughput over three-pass P = 1 |");
        output.WriteLine(measure ? "|---|---:|---|---|---:|---:|---:|---:|---:|---:|---:|" : "|---|---:|---|---|---:|---:|---:|---:|---:|");
        var baseline = new Dictionary<string, double>();
        foreach (var (kind, lanes) in new[] { Softmax.ThreePass, Softmax.OnePass }.SelectMany(k => new[] { 1, 2, 4, 8, 16 }.Where(p => p <= config.MaxRows).Select(p => (k, p))))
        {
            var design = new Design(config with { Lanes = lanes, Softmax = kind });
            string name = kind == Softmax.OnePass ? "one-pass" : "three-pass";
            int n = design.MaxRows;
            var baseStimulus = DataFor(design, n, 8, false, 11);
            foreach (var (setting, m, t) in new[] { ("exact", 0, 0.0), ("conservative", Math.Max(1, n / 2), 5.0), ("aggressive", Math.Max(1, n / 8), 10.0) })
            {
                var settings = setting == "exact" ? Model.QuerySettings.Exact : Model.QuerySettings.ApproximateFor(design, Math.Min(m, design.MaxIterations), t);
                var stimulus = baseStimulus with { Queries = baseStimulus.Queries.Select(q => q with { Settings = settings }).ToArray() };
                var single = stimulus with { Queries = [stimulus.Queries[0]] };
                var predicted = new ModelSimulator(design).Run(stimulus);
                int latencyPredicted = new ModelSimulator(design).Run(single).Queries[0].Timing.Latency;
                double c = predicted.Queries.Average(q => q.Result.Candidates), k = predicted.Queries.Average(q => q.Result.Kept);
                string forms = setting == "exact" ? $"latency {design.LatencyFormula}, interval {design.IntervalFormula}" : "";
                if (lanes == 1 && kind == Softmax.ThreePass)
                {
                    baseline[setting] = predicted.CyclesPerQuery;
                }
                string gain = string.Create(inv, $"{baseline[setting] / predicted.CyclesPerQuery:0.00}x");
                if (measure)
                {
                    var burst = new VerilatorSimulator(design).Run(stimulus);
                    int latency = new VerilatorSimulator(design).Run(single).Queries[0].Timing.Latency;
                    output.WriteLine(string.Create(inv, $"| {name} | {lanes} | {forms} | {setting} | {c:0.#} | {k:0.#} | {latency} | {latencyPredicted} | {burst.CyclesPerQuery:0.#} | {predicted.CyclesPerQuery:0.#} | {gain} |"));
                }
                else
                {
                    output.WriteLine(string.Create(inv, $"| {name} | {lanes} | {forms} | {setting} | {c:0.#} | {k:0.#} | {latencyPredicted} | {predicted.CyclesPerQuery:0.#} | {gain} |"));
                }
            }
        }
    }

    /// <summary>
    /// One self-attention head end to end, preprocessing counted: n = N rows of Gaussian K and V, n Gaussian
    /// queries back to back (golden and cycle models). Exact: K and V loads (2n) and the queries. Approximate with
    /// the host's sort: the loads, the measured sort converted at the configured clock, the sorted-key loads (n),
    /// the queries. With the on-chip sort (keySort = "on-chip"): the sorter's closed form (K load and sort, V
    /// loaded during it) and the queries.
    /// </summary>
    private static void EndToEndHead(Design design, long[][] keys, double sortSeconds, TextWriter output)
    {
        var inv = CultureInfo.InvariantCulture;
        int n = design.MaxRows;
        var sorter = design.Sorter ?? new Design(design.Config with { KeySort = Configuration.KeySort.OnChip }).Sorter!;
        var values = Gaussian(design, n, 1, 8);
        var queries = Gaussian(design, n, 1, 9);
        var sorted = Model.SortedKeys.Build(design, keys, n);
        var model = new Model.ApproximateModel(design);
        double hostSort = sortSeconds * design.Config.TargetClockMhz * 1e6;
        long load = 2L * n, onChip = sorter.LoadAndSortCycles(n);
        output.WriteLine(string.Create(inv, $"One self-attention head end to end (n = {n} rows, {n} Gaussian queries back to back; golden and cycle models): exact = K and V loads ({load} cycles) + queries; host sort = loads + the sort above at {design.Config.TargetClockMhz} MHz ({hostSort:0} cycles, measured time converted) + {n} sorted-key loads + queries; on-chip sort (keySort \"on-chip\") = K load and sort, V during the sort ({onChip} cycles, closed form) + queries."));
        output.WriteLine();
        output.WriteLine("| setting | query cycles | speed-up, queries only | total, host sort | speed-up | total, on-chip sort | speed-up |");
        output.WriteLine("|---|---:|---:|---:|---:|---:|---:|");
        long exactQueries = 0, exactTotal = 0;
        foreach (var (setting, m, t) in new[] { ("exact", 0, 0.0), ("conservative", Math.Max(1, n / 2), 5.0), ("aggressive", Math.Max(1, n / 8), 10.0) })
        {
            var settings = setting == "exact" ? Model.QuerySettings.Exact : Model.QuerySettings.ApproximateFor(design, Math.Min(m, design.MaxIterations), t);
            var work = queries.Select(q =>
            {
                model.Run(keys, values, sorted, q, n, settings, out var trace);
                return model.Work(n, settings, trace);
            }).ToArray();
            long q = new Model.CycleModel(design).Run(work)[^1].ResultTakenCycle + 1;
            if (setting == "exact")
            {
                exactQueries = q;
                exactTotal = load + q;
                output.WriteLine(string.Create(inv, $"| exact (K and V loads, no sort) | {q:N0} | 1x | {exactTotal:N0} | 1x | {exactTotal:N0} | 1x |"));
                continue;
            }
            double host = load + hostSort + n + q;
            long chip = onChip + q;
            output.WriteLine(string.Create(inv, $"| {setting} | {q:N0} | {(double)exactQueries / q:0.00}x | {host:N0} | {exactTotal / host:0.00}x | {chip:N0} | {(double)exactTotal / chip:0.00}x |"));
        }
    }

    /// <summary>Gaussian rows (sigma = 1, rounded and clamped to the input format).</summary>
    private static long[][] Gaussian(Design design, int rows, double sigma, int seed)
    {
        var rng = new Random(seed);
        return Enumerable.Range(0, rows).Select(_ => Enumerable.Range(0, design.Dimension).Select(_ =>
        {
            double u1 = 1 - rng.NextDouble(), u2 = rng.NextDouble();
            double z = sigma * Math.Sqrt(-2 * Math.Log(u1)) * Math.Cos(2 * Math.PI * u2);
            return Math.Clamp((long)Math.Round(z * design.Input.Scale), design.Input.MinRaw, design.Input.MaxRaw);
        }).ToArray()).ToArray();
    }

    /// <summary>Gaussian K, V and queries; with <paramref name="dominant"/>, each query has three rows of its own whose key is the query scaled by 2.</summary>
    private static Stimulus DataFor(Design design, int rows, int queries, bool dominant, int seed)
    {
        var keys = Gaussian(design, rows, 1, seed);
        var values = Gaussian(design, rows, 1, seed + 1);
        var qs = Gaussian(design, queries, 1, seed + 2);
        if (dominant)
        {
            for (int k = 0; k < queries; k++)
            {
                for (int i = 0; i < 3; i++)
                {
                    int r = (((3 * k) + i) * rows) / (3 * queries);
                    keys[r] = qs[k].Select(x => Math.Clamp(2 * x, design.Input.MinRaw, design.Input.MaxRaw)).ToArray();
                }
            }
        }
        return new Stimulus(keys, values, qs.Select(q => new QueryBeat(q, rows)).ToArray());
    }

    private static Stimulus Random(Design design, int rows, int queries, int seed)
    {
        var rng = new Random(seed);
        long[] Row() => Enumerable.Range(0, design.Dimension).Select(_ => rng.NextInt64(design.Input.MinRaw, design.Input.MaxRaw + 1)).ToArray();
        var keys = Enumerable.Range(0, rows).Select(_ => Row()).ToArray();
        var values = Enumerable.Range(0, rows).Select(_ => Row()).ToArray();
        return new Stimulus(keys, values, Enumerable.Range(0, queries).Select(_ => new QueryBeat(Row(), rows)).ToArray());
    }
}
