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
        var command = new Command("bench", "Measure generate time, Verilator build time, co-simulation speed and cycles per query (medians).") { runsOption };
        command.SetAction(parse => Cli.Guard(stderr, () =>
        {
            int runs = Math.Max(1, parse.GetValue(runsOption));
            Run(A3Config.Paper, runs, stdout);
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

            output.WriteLine("Measured under Verilator (a single query for the latency; 6 back to back for the interval):");
            output.WriteLine();
            output.WriteLine("| n | latency measured | predicted | paper 3n + 27 | cycles per query measured | predicted | paper n + 9 |");
            output.WriteLine("|---:|---:|---:|---:|---:|---:|---:|");
            foreach (int n in new[] { 16, 64, 320 }.Where(n => n <= config.MaxRows))
            {
                var one = new VerilatorSimulator(design).Run(Random(design, n, 1, n)).Queries[0].Timing.Latency;
                var burst = new VerilatorSimulator(design).Run(Random(design, n, 6, n + 1)).CyclesPerQuery;
                output.WriteLine(string.Create(inv, $"| {n} | {one} | {design.Latency(n)} | {(3 * n) + 27} | {burst:0.##} | {design.Interval(n)} | {n + 9} |"));
            }
        }
        finally
        {
            Directory.Delete(scratch, true);
        }
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
