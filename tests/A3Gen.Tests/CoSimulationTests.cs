using A3Gen.Elaboration;
using A3Gen.Simulation;

namespace A3Gen.Tests;

/// <summary>
/// The generated RTL of every shipped configuration under Verilator, on random and edge data:
/// bit-exact against the golden model and cycle-exact against the cycle model.
/// </summary>
public class VerilatorCoSimulationTests
{
    /// <summary>Every case on the shipped configurations, plus the approximate cases on the edge configurations.</summary>
    public static TheoryData<string, string> Cases
    {
        get
        {
            var data = CoSimCases.All();
            foreach (var config in EdgeConfigs.All.Keys)
            {
                // edge-tiny: N = d = 1, S = 256 > N; edge-odd: d = 7 (pass-through comparator nodes), c = 3, S = 2.
                foreach (var name in new[] { "approx-paper-settings", "approx-max-iterations", "approx-ties", "approx-negative-products", "approx-mixed-with-exact" })
                {
                    data.Add(config, name);
                }
            }
            return data;
        }
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void MatchesTheModels(string config, string name)
    {
        var design = Lint.DesignFor(config);
        var stimulus = CoSimCases.Build(design, name);
        var run = new VerilatorSimulator(design).Run(stimulus);
        CoSimCases.AssertMatchesModel(design, stimulus, run, $"{config}/{name}");
    }

    [Theory]
    [MemberData(nameof(TestSupport.ShippedConfigTheory), MemberType = typeof(TestSupport))]
    public void ApproximateTimingIsTheClosedForm(string config)
    {
        // The conservative and aggressive settings on random data: one query alone takes Design.Latency of its
        // StageWork; seven identical ones back to back come out Design.MeanInterval apart on average.
        var design = TestSupport.ShippedDesign(config);
        int n = design.MaxRows;
        foreach (var (m, t) in new[] { (Math.Max(1, n / 2), 5.0), (Math.Max(1, n / 8), 10.0) })
        {
            var settings = Model.QuerySettings.ApproximateFor(design, m, t);
            var random = TestSupport.RandomStimulus(design, m, n, 1, small: true);
            var query = random.Queries[0] with { Settings = settings };
            var model = new Model.ApproximateModel(design);
            var sorted = random.Sorted(design);
            model.Run(random.Keys, random.Values, sorted, query.Query, n, settings, out var trace);
            var work = model.Work(n, settings, trace);
            Assert.True(work.Scored < n, $"{config}: M = {m} should select fewer than n rows ({work})");

            var one = new VerilatorSimulator(design).Run(random with { Queries = [query] }).Queries[0].Timing;
            Assert.Equal(design.Latency(work), one.Latency);
            var burst = new VerilatorSimulator(design).Run(random with { Queries = Enumerable.Repeat(query, 7).ToArray() });
            Assert.Equal(design.MeanInterval(work), burst.CyclesPerQuery, 9);
            // M-bound when the candidates are few: the candidate stage sets the pace.
            Assert.Equal(design.StagePeriods(work)[0], design.MeanInterval(work));
        }
    }

    [Theory]
    [InlineData("a3-small", 1)]
    [InlineData("a3-small", 2)]
    [InlineData("a3-mid", 3)]
    public void RandomApproximateQueriesMatchTheModels(string config, int seed)
    {
        // Random differential: 60 queries of random n, M (0..maxIterations, weighted to small M) and T on
        // data of three kinds (whole input range, |x| <= 1, coarse values full of ties), back to back.
        var design = TestSupport.ShippedDesign(config);
        var rng = new Random(seed * 104729);
        int n = design.MaxRows;
        var random = TestSupport.RandomStimulus(design, seed, n, 60, small: seed % 2 == 0);
        if (seed == 3)
        {
            long Coarse() => Math.Clamp((long)(rng.Next(-2, 3) * design.Input.Scale), design.Input.MinRaw, design.Input.MaxRaw);
            random = random with { Keys = random.Keys.Select(r => r.Select(_ => Coarse()).ToArray()).ToArray() };
        }
        double[] percents = [0.5, 1, 2.5, 5, 10, 20, 50, 100];
        var stimulus = random with
        {
            Queries = random.Queries.Select(q => q with
            {
                Rows = rng.Next(1, n + 1),
                Settings = Model.QuerySettings.ApproximateFor(design,
                    rng.Next(4) == 0 ? rng.Next(0, design.MaxIterations + 1) : rng.Next(0, (2 * n) + 1),
                    percents[rng.Next(percents.Length)]),
            }).ToArray(),
        };
        var run = new VerilatorSimulator(design).Run(stimulus);
        CoSimCases.AssertMatchesModel(design, stimulus, run, $"{config}/random approximate seed {seed}");
    }

    [Theory]
    [MemberData(nameof(Lint.CycleConfigs), MemberType = typeof(Lint))]
    public void CycleContractHoldsForEveryConfiguration(string config)
    {
        // One query alone: the predicted latency. Seven back to back: the predicted mean interval between
        // results; for the shipped configurations both within the paper's 3n + 27 and n + 9 (the edge
        // configurations choose a deeper divider on purpose).
        var design = Lint.DesignFor(config);
        foreach (int n in new[] { 1, Math.Min(16, design.MaxRows), design.MaxRows }.Distinct())
        {
            var single = TestSupport.RandomStimulus(design, n, n, 1);
            var one = new VerilatorSimulator(design).Run(single).Queries[0].Timing;
            Assert.Equal(design.Latency(n), one.Latency);
            if (design.IsOnePass)
            {
                Assert.True(one.Latency < (3 * n) + 27 || n < design.Dimension, $"{config}: one-pass latency {one.Latency} at n = {n}");
            }
            else
            {
                bool shipped = TestSupport.ShippedConfigNames.Contains(config);
                Assert.True(!shipped || one.Latency <= (3 * n) + 27);
                Assert.True(!shipped || design.MeanInterval(n) <= n + 9);
            }
            // The interval is a mean (Design.MeanInterval), whose gaps may alternate when a pipeline's depth rather
            // than its issue bounds a stage (small n): 7 queries, 6 gaps, whole periods of 2 or 3 gaps; every
            // query's cycles against the cycle model below.
            var burst = TestSupport.RandomStimulus(design, n + 1, n, 7);
            var run = new VerilatorSimulator(design).Run(burst);
            Assert.Equal(design.MeanInterval(n), run.CyclesPerQuery, 9);
            CoSimCases.AssertMatchesModel(design, burst, run, $"{config}/burst n = {n}");
        }
    }
}

/// <summary>
/// The same cases under Icarus, with the generated testbench checking itself against the golden model:
/// every case on a3-small and a3-mid; on a3-paper (about 1 kcycle/s under Icarus) one exact and one
/// mixed exact/approximate burst, the rest of its cases running under Verilator.
/// </summary>
public class IcarusCoSimulationTests
{
    public static TheoryData<string, string> Cases
    {
        get
        {
            var data = new TheoryData<string, string>();
            foreach (var config in TestSupport.ShippedConfigNames)
            {
                foreach (var name in config == "a3-paper" ? ["random-softmax", "approx-mixed-with-exact"] : CoSimCases.Names)
                {
                    data.Add(config, name);
                }
            }
            return data;
        }
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void MatchesTheModels(string config, string name)
    {
        var design = TestSupport.ShippedDesign(config);
        var stimulus = CoSimCases.Build(design, name);
        var run = new IcarusSimulator(design).Run(stimulus, CoSimCases.Expected(design, stimulus));
        CoSimCases.AssertMatchesModel(design, stimulus, run, $"{config}/{name}");
    }
}

/// <summary>Seeded random configurations across the allowed ranges: generated, linted and co-simulated under Verilator.</summary>
public class RandomConfigurationTests
{
    public static TheoryData<int> Seeds => new(Enumerable.Range(1, int.Parse(Environment.GetEnvironmentVariable("A3GEN_RANDOM_CONFIGS") ?? "3")));

    public static Configuration.A3Config RandomConfig(int seed)
    {
        var rng = new Random(seed * 7919);
        int i = rng.Next(0, 7), f = rng.Next(1, 8);
        f = Math.Min(f, 15 - i);
        int fw = rng.Next(0, 2) == 0 ? 2 * f : rng.Next(1, 15);
        int? fo = 3 * f > fw + f || rng.Next(0, 3) == 0 ? rng.Next(0, fw + f + 1) : null;
        int rows = new[] { 1, 2, 3, 5, 8, 31, 64, 100 }[rng.Next(8)];
        int dim = new[] { 1, 2, 3, 5, 8, 9, 16 }[rng.Next(7)];
        bool onePass = new Random(seed + 7).Next(2) == 1;
        // Lanes: 1 to 16, at most the largest power of two within N.
        int lanes = Math.Min(1 << new Random(seed + 13).Next(5), 1 << (31 - System.Numerics.BitOperations.LeadingZeroCount((uint)rows)));
        return new Configuration.A3Config
        {
            Name = $"rnd{seed}",
            MaxRows = rows,
            Dimension = dim,
            IntegerBits = i,
            FractionBits = f,
            WeightFractionBits = fw,
            OutputFractionBits = fo,
            ExpFractionBits = rng.Next(0, 2) == 0 ? null : rng.Next(1, 13),
            DividerLatency = rng.Next(1, fw + 3),
            AdderLevelsPerStage = rng.Next(1, 4),
            ExpTableGuardBits = rng.Next(0, 4),
            Reset = rng.Next(0, 3) == 0 ? Configuration.ResetStyle.SyncHigh : Configuration.ResetStyle.AsyncLow,
            QueryQueueDepth = rng.Next(1, 5),
            ResultQueueDepth = rng.Next(1, 5),
            ProductQueueDepth = rng.Next(5, 9),
            ScanWidth = 1 << rng.Next(1, 6),
            MaxIterations = rng.Next(0, 2) == 0 ? null : rng.Next(1, (2 * rows * dim) + 1),
            // Drawn apart so that the other fields stay what they were for every seed: the on-chip sorter on half of them,
            // the one-pass softmax on half of them, lanes on all.
            KeySort = rows >= 2 && new Random(seed).Next(2) == 1 ? Configuration.KeySort.OnChip : Configuration.KeySort.Host,
            Softmax = onePass ? Configuration.Softmax.OnePass : Configuration.Softmax.ThreePass,
            Lanes = lanes,
        };
    }

    [Theory]
    [MemberData(nameof(Seeds))]
    public void GeneratesLintsAndCoSimulates(int seed)
    {
        var design = new Elaboration.Design(RandomConfig(seed));
        var dir = TestSupport.TempDir("rnd");
        var files = new Emission.Emitter(Emission.TemplateRenderer.Default()).Render(design);
        Emission.Emitter.Write(files, dir);
        var (code, output) = TestSupport.RunTool("verilator", ["--lint-only", "-Wall", "-f", "filelist.f", "--top-module", design.Prefix + "_top"], dir);
        Assert.True(code == 0 && output.Trim().Length == 0, $"{design.Config.ToCanonicalJson()}\n{output}");
        var verilog = File.ReadAllLines(Path.Combine(dir, "filelist.f"));
        (code, output) = TestSupport.RunTool("iverilog", ["-g2012", "-Wall", "-o", "lint.vvp", "-s", design.Prefix + "_top", .. verilog], dir);
        Assert.True(code == 0 && output.Trim().Length == 0, $"{design.Config.ToCanonicalJson()}\n{output}");
        (code, output) = TestSupport.RunTool("yosys", ["-q", "-p", $"read_verilog {string.Join(' ', verilog)}; synth -top {design.Prefix}_top; check -assert"], dir);
        Assert.True(code == 0 && !output.Contains("Warning", StringComparison.OrdinalIgnoreCase), $"{design.Config.ToCanonicalJson()}\n{output}");
        // Exact and approximate queries (random M and T) mixed, random n, gaps and back-pressure.
        var rng = new Random(seed);
        var random = TestSupport.RandomStimulus(design, seed, design.MaxRows, 8, small: seed % 2 == 0);
        var stimulus = random with
        {
            Queries = random.Queries.Select(q => q with
            {
                Rows = rng.Next(1, design.MaxRows + 1),
                Settings = rng.Next(3) == 0 ? default
                    : Model.QuerySettings.ApproximateFor(design, rng.Next(0, design.MaxIterations + 1), new[] { 1, 2.5, 5, 10, 20, 100 }[rng.Next(6)]),
            }).ToArray(),
            QueryOffer = Stimulus.RandomPattern(seed, 70),
            ResultReady = Stimulus.RandomPattern(seed + 1, 60),
        };
        var run = new VerilatorSimulator(design).Run(stimulus);
        CoSimCases.AssertMatchesModel(design, stimulus, run, design.Config.ToCanonicalJson());
    }
}
