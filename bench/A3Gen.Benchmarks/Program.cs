using System.Globalization;
using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Reports;
using BenchmarkDotNet.Running;
using Perfolizer.Horology;

namespace A3Gen.Benchmarks;

/// <summary>
/// <c>A3Gen.Benchmarks [--check] [BenchmarkDotNet arguments]</c>: with --check, runs every
/// implementation once per size against double-precision attention and exits (non-zero on a
/// mismatch); with --cpu-time, prints the thread-CPU-time cross-check; otherwise runs the
/// benchmarks (one job: 1 launch, 5 warm-up and 31 measured iterations of about 50 ms each;
/// Vector&lt;float&gt; at 512 bits, tiered compilation off) and prints a Markdown table of medians next to the accelerator's
/// exact-path figures.
/// </summary>
public static class Program
{
    public static int Main(string[] args)
    {
        if (args.Contains("--check"))
        {
            return Check();
        }
        if (args.Contains("--cpu-time"))
        {
            CpuTime(Console.Out);
            return 0;
        }
        var job = Job.Default
            .WithLaunchCount(1)
            .WithWarmupCount(5)
            .WithIterationCount(31)
            .WithIterationTime(TimeInterval.FromMilliseconds(50))
            .WithEnvironmentVariable("DOTNET_MaxVectorTBitWidth", "512")
            // Every method compiled fully optimized on its first call. Under the default tiering some
            // benchmark processes kept a kernel in a slow tier for the whole measurement (10x spreads
            // between runs of the same code); without it the runs agree. It costs Dynamic PGO, which
            // matters only to the per-row TensorPrimitives variant (about 1.5-2x, see bench/README.md).
            .WithEnvironmentVariable("DOTNET_TieredCompilation", "0")
            .WithId("A3Gen");
        var config = DefaultConfig.Instance
            .AddJob(job.AsDefault())
            .AddColumn(StatisticColumn.Median, StatisticColumn.Q1, StatisticColumn.Q3, StatisticColumn.Min)
            .WithArtifactsPath(Path.Combine(Path.GetTempPath(), "a3gen-bench-cpu"))
            .WithOptions(ConfigOptions.JoinSummary);
        var summaries = BenchmarkSwitcher.FromTypes([typeof(AttentionBenchmarks)]).Run(args, config).ToArray();
        if (summaries.Length == 0 || summaries.Any(s => s.HasCriticalValidationErrors || s.Reports.Any(r => !r.Success)))
        {
            Console.Error.WriteLine("A3Gen.Benchmarks: a benchmark failed (see the log above)");
            return 1;
        }
        PrintTable(summaries.SelectMany(s => s.Reports), Console.Out);
        return 0;
    }

    private static int Check()
    {
        foreach (var shape in AttentionBenchmarks.Shapes)
        {
            var bench = new AttentionBenchmarks { Size = shape };
            try
            {
                bench.Setup();
            }
            catch (InvalidOperationException e)
            {
                Console.Error.WriteLine($"A3Gen.Benchmarks: {e.Message}");
                return 1;
            }
            finally
            {
                bench.Cleanup();
            }
        }
        return 0;
    }

    /// <summary>
    /// A cross-check without BenchmarkDotNet that does not count the time the thread waits for a core:
    /// per size and implementation, 21 samples of about 20 ms (after 200 ms of warm-up), each timed by
    /// the wall clock and by the thread's CPU time; prints the medians per query and their ratio.
    /// </summary>
    public static IReadOnlyList<(string Name, Shape Shape, double WallNs, double CpuNs)> CpuTime(TextWriter output)
    {
        var inv = CultureInfo.InvariantCulture;
        var results = new List<(string, Shape, double, double)>();
        output.WriteLine($"## Thread CPU time per query (Vector<float>.Count = {System.Numerics.Vector<float>.Count}): medians of 21 samples of about 20 ms");
        output.WriteLine();
        output.WriteLine("| implementation | n | d | CPU ns per query | wall ns per query | wall / CPU |");
        output.WriteLine("|---|---:|---:|---:|---:|---:|");
        foreach (var shape in AttentionBenchmarks.Shapes)
        {
            var bench = new AttentionBenchmarks { Size = shape, Quiet = true };
            bench.Setup();
            (string, Action, int)[] cases =
            [
                ("Vectorized", bench.Vectorized, 1),
                ("TensorPrimitives", bench.TensorPrimitivesPerRow, 1),
                ("OnnxRuntime", bench.OnnxRuntime, 1),
                ("Vectorized batch", bench.VectorizedBatch, AttentionBenchmarks.BatchSize),
                ("OnnxRuntime batch", bench.OnnxRuntimeBatch, AttentionBenchmarks.BatchSize),
            ];
            foreach (var (name, action, perCall) in cases)
            {
                var warm = System.Diagnostics.Stopwatch.StartNew();
                while (warm.ElapsedMilliseconds < 200)
                {
                    action();
                }
                var wall = new List<double>();
                var cpu = new List<double>();
                for (int sample = 0; sample < 21; sample++)
                {
                    long calls = 0;
                    long cpuStart = ThreadCpuClock.Nanoseconds();
                    var watch = System.Diagnostics.Stopwatch.StartNew();
                    while (watch.ElapsedMilliseconds < 20)
                    {
                        action();
                        calls++;
                    }
                    double elapsed = watch.Elapsed.TotalNanoseconds;
                    long cpuNs = ThreadCpuClock.Nanoseconds() - cpuStart;
                    wall.Add(elapsed / (calls * perCall));
                    cpu.Add((double)cpuNs / (calls * perCall));
                }
                wall.Sort();
                cpu.Sort();
                double w = wall[wall.Count / 2];
                double c = cpu[cpu.Count / 2];
                results.Add((name, shape, w, c));
                output.WriteLine(string.Create(inv, $"| {name} | {shape.Rows} | {shape.Dimension} | {c:0.0} | {w:0.0} | {w / c:0.00} |"));
            }
            bench.Cleanup();
        }
        output.WriteLine();
        return results;
    }

    /// <summary>The table bench-cpu.sh prints: per size, every implementation and the accelerator.</summary>
    public static void PrintTable(IEnumerable<BenchmarkReport> reports, TextWriter output)
    {
        var inv = CultureInfo.InvariantCulture;
        var rows = reports
            .Where(r => r.ResultStatistics is not null)
            .Select(r => (Name: r.BenchmarkCase.Descriptor.WorkloadMethodDisplayInfo.Trim('\''),
                Shape: (Shape)r.BenchmarkCase.Parameters["Size"]!,
                Stats: r.ResultStatistics!))
            .ToList();
        output.WriteLine();
        output.WriteLine("## Single-head attention o = softmax(q K^T) V per query: CPU (one core, float32) and the A3 exact path");
        output.WriteLine();
        output.WriteLine("| implementation | n | d | median ns per query | Q1 - Q3 ns | min ns | queries per second (median) | CPU median / A3 exact |");
        output.WriteLine("|---|---:|---:|---:|---:|---:|---:|---:|");
        foreach (var shape in AttentionBenchmarks.Shapes)
        {
            var hw = HardwareBaseline.For(shape);
            foreach (var row in rows.Where(r => r.Shape == shape))
            {
                double median = row.Stats.Median;
                output.WriteLine(string.Create(inv,
                    $"| {row.Name} | {shape.Rows} | {shape.Dimension} | {median:0.0} | {row.Stats.Q1:0.0} - {row.Stats.Q3:0.0} | {row.Stats.Min:0.0} | {1e9 / median:N0} | {median / hw.NanosecondsPerQuery:0.00} |"));
            }
            output.WriteLine(string.Create(inv,
                $"| A3 exact ({hw.ConfigName}: {hw.CyclesPerQuery} cycles at {hw.ClockMhz} MHz) | {shape.Rows} | {shape.Dimension} | {hw.NanosecondsPerQuery:0.0} | - | - | {hw.QueriesPerSecond:N0} | 1.00 |"));
        }
        output.WriteLine();
        output.WriteLine("Medians are per query (batch rows: time of m = " + AttentionBenchmarks.BatchSize.ToString(inv)
            + " queries against the same K and V, divided by m). A3 exact: cycles between back-to-back results from the");
        output.WriteLine("elaboration (Design.Interval, what `a3gen info` prints and co-simulation measures) at the configuration's targetClockMhz.");
        output.WriteLine();
        output.WriteLine("A3 approximate path: interval 4 + M cycles when the candidate stage sets the pace (docs/approximation-design.md, \"Timing\"; `scripts/a3gen bench` measures it on the paper configuration)");
        output.WriteLine();
        output.WriteLine("| n | d | conservative M = n/2: cycles | ns | queries per second | aggressive M = n/8: cycles | ns | queries per second |");
        output.WriteLine("|---:|---:|---:|---:|---:|---:|---:|---:|");
        foreach (var shape in AttentionBenchmarks.Shapes)
        {
            var hw = HardwareBaseline.For(shape);
            int conservative = hw.ApproximateCycles(shape.Rows / 2);
            int aggressive = hw.ApproximateCycles(Math.Max(1, shape.Rows / 8));
            double ns(int cycles) => cycles * 1000.0 / hw.ClockMhz;
            output.WriteLine(string.Create(inv,
                $"| {shape.Rows} | {shape.Dimension} | {conservative} | {ns(conservative):0.0} | {1e9 / ns(conservative):N0} | {aggressive} | {ns(aggressive):0.0} | {1e9 / ns(aggressive):N0} |"));
        }
    }
}
