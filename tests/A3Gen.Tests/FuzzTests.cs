using System.Diagnostics;
using A3Gen.Configuration;
using A3Gen.Elaboration;
using A3Gen.Emission;
using A3Gen.Model;
using A3Gen.Simulation;
using CsCheck;
using Newtonsoft.Json.Linq;

namespace A3Gen.Tests;

/// <summary>Random valid configurations: every one elaborates, renders within 2 s, round-trips and keeps its formats.</summary>
public class FuzzConfigurationTests
{
    private static readonly TemplateRenderer Renderer = TemplateRenderer.Default();

    [Fact]
    public void RandomValidConfigurationsElaborateRenderAndKeepTheirFormats()
    {
        long count = 0;
        double slowest = 0;
        Fuzz.ValidConfig().Sample(config =>
        {
            var watch = Stopwatch.StartNew();
            var design = new Design(config);
            var files = new Emitter(Renderer).Render(design);
            watch.Stop();
            double limit = Fuzz.LoadScaled(2);
            Assert.True(watch.Elapsed.TotalSeconds < limit, $"elaborate and render took {watch.Elapsed.TotalSeconds:0.00} s (limit {limit:0.0} s: 2 s scaled by the load)");
            Assert.Equal(config, A3Config.Parse(Fuzz.Json(config).ToString()));
            var manifest = JObject.Parse(files.Single(f => f.Name == "manifest.json").Text);
            Fuzz.CheckFormats(design, manifest);
            Assert.All(files, f => Assert.DoesNotContain('\n', f.Name));
            lock (Renderer)
            {
                count++;
                slowest = Math.Max(slowest, watch.Elapsed.TotalSeconds);
            }
        }, seed: Fuzz.Seed, iter: Fuzz.Iterations("CONFIGS", 40), threads: 1, print: c => c.ToCanonicalJson());
        Fuzz.Count("valid configurations elaborated, rendered and checked", count);
        Fuzz.Count("slowest elaborate + render (ms)", (long)(slowest * 1000));
    }

    [Fact]
    public void RandomValidConfigurationsPassTheLintGates()
    {
        // Small N and d (the gates' time grows with them), every other field over its whole range; tables of at most 2^10 entries.
        long count = 0;
        Fuzz.ValidConfig(smallRows: 12, maxRows: 24, smallDimension: 3, maxDimension: 5)
            .Where(c => c.ExpTables.LoBits <= 10 && c.ExpTables.HiBits <= 10)
            .Sample(config =>
            {
                var design = new Design(config);
                var dir = TestSupport.TempDir("fuzz-lint");
                Emitter.Write(new Emitter(Renderer).Render(design), dir);
                var top = design.Prefix + "_top";
                var verilog = File.ReadAllLines(Path.Combine(dir, "filelist.f"));
                var (code, output) = TestSupport.RunTool("verilator", ["--lint-only", "-Wall", "-f", "filelist.f", "--top-module", top], dir);
                Assert.True(code == 0 && output.Trim().Length == 0, $"verilator --lint-only -Wall:\n{output}");
                (code, output) = TestSupport.RunTool("iverilog", ["-g2012", "-Wall", "-o", "lint.vvp", "-s", top, .. verilog], dir);
                Assert.True(code == 0 && output.Trim().Length == 0, $"iverilog -g2012 -Wall:\n{output}");
                (code, output) = TestSupport.RunTool("yosys", ["-q", "-p", $"read_verilog {string.Join(' ', verilog)}; synth -top {top}; check -assert"], dir);
                Assert.True(code == 0 && !output.Contains("Warning", StringComparison.OrdinalIgnoreCase), $"yosys synth; check -assert:\n{output}");
                Directory.Delete(dir, true);
                Interlocked.Increment(ref count);
            }, seed: Fuzz.Seed, iter: Fuzz.Iterations("LINT", 1), threads: 1, print: c => c.ToCanonicalJson());
        Fuzz.Count("random configurations through the three lint gates", count);
    }
}

/// <summary>Random configurations under Verilator: random exact and approximate queries, gaps, back-pressure and a reset in flight.</summary>
public class FuzzCoSimulationTests
{
    [Fact]
    public void RandomConfigurationsCoSimulateBitAndCycleExact()
    {
        long configs = 0, queries = 0;
        var gen =
            from config in Fuzz.ValidConfig(smallRows: 20, maxRows: 40, smallDimension: 4, maxDimension: 6)
                .Where(c => c.ExpTables.LoBits <= 10 && c.ExpTables.HiBits <= 10)
            from seed in Gen.Int[0, int.MaxValue]
            select new CoSimCase(config, seed);
        gen.Sample(t =>
        {
            int count = CoSimulate(new Design(t.Config), t.Seed, (int)Fuzz.Iterations("COSIM_QUERIES", 20));
            Interlocked.Increment(ref configs);
            Interlocked.Add(ref queries, count);
        }, seed: Fuzz.Seed, iter: Fuzz.Iterations("COSIM_CONFIGS", 2), threads: 1, print: t => $"{t.Config.ToCanonicalJson()} data seed {t.Seed}");
        Fuzz.Count("random configurations co-simulated under Verilator", configs);
        Fuzz.Count("random queries co-simulated under Verilator", queries);
    }

    public sealed record CoSimCase(A3Config Config, int Seed);

    /// <summary>
    /// Two runs on one device: random queries (exact and approximate, random n, M and T, random data kind) with
    /// random gaps and back-pressure, then a reset with a query in flight and more random queries. Both against
    /// the golden and cycle models, query by query. Returns the number of queries.
    /// </summary>
    public static int CoSimulate(Design design, int seed, int queriesPerRun)
    {
        var rng = new Random(seed);
        int n = design.MaxRows;
        using var device = A3Device.Create(design);
        var first = RandomStimulus(design, rng, queriesPerRun);
        var run = new SimulationRun("verilator", device.Run(first));
        CoSimCases.AssertMatchesModel(design, first, run, $"seed {seed}, first run");

        var second = RandomStimulus(design, rng, queriesPerRun) with { Keys = first.Keys, Values = first.Values };
        device.SetResultReady(false);
        var q = second.Queries[0];
        device.SetQuery(true, device.PackRow(q.Query), q.Rows, q.Settings);
        int inFlight = rng.Next(1, design.Latency(q.Rows) + 2);
        for (int c = 0; c < inFlight; c++)
        {
            device.Step();
        }
        device.Reset(cycles: rng.Next(1, 4));
        // Memories survive the reset (K, V and the sorted keys): the second run starts from an empty pipeline.
        var after = new SimulationRun("verilator", device.RunQueries(second.Queries, second.Offer, second.Ready));
        CoSimCases.AssertMatchesModel(design, second, after, $"seed {seed}, after a reset {inFlight} cycles into a query");
        return first.Queries.Count + second.Queries.Count;
    }

    private static Stimulus RandomStimulus(Design design, Random rng, int count)
    {
        int n = design.MaxRows;
        long lo = design.Input.MinRaw, hi = design.Input.MaxRaw;
        int kind = rng.Next(3);
        long Element() => kind switch
        {
            0 => rng.NextInt64(lo, hi + 1),
            1 => Math.Clamp(rng.NextInt64(-(1L << design.Input.FractionBits), (1L << design.Input.FractionBits) + 1), lo, hi),
            _ => Math.Clamp((long)(rng.Next(-2, 3) * design.Input.Scale), lo, hi),
        };
        long[] Row() => Enumerable.Range(0, design.Dimension).Select(_ => Element()).ToArray();
        double[] percents = [0.5, 1, 2.5, 5, 10, 20, 50, 100];
        var queries = Enumerable.Range(0, count).Select(_ =>
        {
            int rows = rng.Next(1, n + 1);
            var settings = rng.Next(3) == 0 ? QuerySettings.Exact
                : QuerySettings.ApproximateFor(design, rng.Next(4) == 0 ? rng.Next(0, design.MaxIterations + 1) : Math.Min(design.MaxIterations, rng.Next(0, (2 * rows) + 1)),
                    percents[rng.Next(percents.Length)]);
            return new QueryBeat(Row(), rows, settings);
        }).ToArray();
        return new Stimulus(Enumerable.Range(0, n).Select(_ => Row()).ToArray(), Enumerable.Range(0, n).Select(_ => Row()).ToArray(), queries)
        {
            QueryOffer = Stimulus.RandomPattern(rng.Next(), rng.Next(20, 101)),
            ResultReady = Stimulus.RandomPattern(rng.Next(), rng.Next(20, 101)),
        };
    }
}
