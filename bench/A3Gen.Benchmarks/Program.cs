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
/// mismatch); otherwise runs the benchmarks (one job: 1 launch, 5 warm-up and 15 measured
/// iterations of about 100 ms each; Vector&lt;float&gt; at 512 bits) and prints a Markdown table of
/// medians next to the accelerator's exact-path figures.
/// </summary>
public static class Program
{
    public static int Main(string[] args)
    {
        if (args.Contains("--check"))
        {
            return Check();
        }
        var job = Job.Default
            .WithLaunchCount(1)
            .WithWarmupCount(5)
            .WithIterationCount(15)
            .WithIterationTime(TimeInterval.FromMilliseconds(100))
            .WithEnvironmentVariable("DOTNET_MaxVectorTBitWidth", "512")
            .WithId("A3Gen");
        var config = DefaultConfig.Instance
            .AddJob(job.AsDefault())
            .AddColumn(StatisticColumn.Median, StatisticColumn.Q1, StatisticColumn.Q3)
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

    /// <summary>The table bench-cpu.sh prints: per size, every implementation and the accelerator.</summary>
    public static void PrintTable(IEnumerable<BenchmarkReport> reports, TextWriter output)
    {
        var inv = CultureInfo.InvariantCulture;
        var rows = reports
            .Where(r => r.ResultStatistics is not null)
            .Select(r => (Name: r.BenchmarkCase.Descriptor.WorkloadMethodDisplayInfo,
                Shape: (Shape)r.BenchmarkCase.Parameters["Size"]!,
                Stats: r.ResultStatistics!))
            .ToList();
        output.WriteLine();
        output.WriteLine("## Single-head attention o = softmax(q K^T) V per query: CPU (one core, float32) and the A3 exact path");
        output.WriteLine();
        output.WriteLine("| implementation | n | d | median ns per query | Q1 - Q3 ns | queries per second | A3 exact is x faster |");
        output.WriteLine("|---|---:|---:|---:|---:|---:|---:|");
        foreach (var shape in AttentionBenchmarks.Shapes)
        {
            var hw = HardwareBaseline.For(shape);
            foreach (var row in rows.Where(r => r.Shape == shape))
            {
                double median = row.Stats.Median;
                output.WriteLine(string.Create(inv,
                    $"| {row.Name} | {shape.Rows} | {shape.Dimension} | {median:0.0} | {row.Stats.Q1:0.0} - {row.Stats.Q3:0.0} | {1e9 / median:N0} | {median / hw.NanosecondsPerQuery:0.00} |"));
            }
            output.WriteLine(string.Create(inv,
                $"| A3 exact ({hw.ConfigName}: {hw.CyclesPerQuery} cycles at {hw.ClockMhz} MHz) | {shape.Rows} | {shape.Dimension} | {hw.NanosecondsPerQuery:0.0} | - | {hw.QueriesPerSecond:N0} | 1.00 |"));
        }
        output.WriteLine();
        output.WriteLine("Medians are per query (batch rows: time of m = " + AttentionBenchmarks.BatchSize.ToString(inv)
            + " queries against the same K and V, divided by m). A3 exact: cycles between back-to-back results from the");
        output.WriteLine("elaboration (Design.Interval, what `a3gen info` prints and co-simulation measures) at the configuration's targetClockMhz.");
        output.WriteLine();
        output.WriteLine("A3 approximate path (not in the RTL yet): interval about M + 9 cycles per the timing plan in docs/approximation-design.md");
        output.WriteLine();
        output.WriteLine("| n | d | conservative M = n/2: cycles | ns | queries per second | aggressive M = n/8: cycles | ns | queries per second |");
        output.WriteLine("|---:|---:|---:|---:|---:|---:|---:|---:|");
        foreach (var shape in AttentionBenchmarks.Shapes)
        {
            var hw = HardwareBaseline.For(shape);
            int conservative = HardwareBaseline.PlannedApproximateCycles(shape.Rows / 2);
            int aggressive = HardwareBaseline.PlannedApproximateCycles(Math.Max(1, shape.Rows / 8));
            double ns(int cycles) => cycles * 1000.0 / hw.ClockMhz;
            output.WriteLine(string.Create(inv,
                $"| {shape.Rows} | {shape.Dimension} | {conservative} | {ns(conservative):0.0} | {1e9 / ns(conservative):N0} | {aggressive} | {ns(aggressive):0.0} | {1e9 / ns(aggressive):N0} |"));
        }
    }
}
