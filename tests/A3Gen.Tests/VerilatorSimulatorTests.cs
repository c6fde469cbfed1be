using System.Diagnostics;
using A3Gen.Configuration;
using A3Gen.Elaboration;
using A3Gen.Model;
using A3Gen.Simulation;
using Xunit;
using Xunit.Abstractions;

namespace A3Gen.Tests;

/// <summary>Co-simulation of the generated RTL under Verilator against the golden and cycle models.</summary>
public sealed class VerilatorSimulatorTests(ITestOutputHelper output)
{
    public static TheoryData<string> Configs => new() { "a3-small", "a3-mid" };

    [Theory]
    [MemberData(nameof(Configs))]
    public void RandomQueriesMatchTheModel(string config)
    {
        var design = LoadDesign(config);
        var stimulus = RandomStimulus(design, seed: 1, queries: 8);
        AssertSameAsModel(design, stimulus);
    }

    [Theory]
    [MemberData(nameof(Configs))]
    public void RandomHandshakePatternsMatchTheModel(string config)
    {
        var design = LoadDesign(config);
        for (int seed = 10; seed < 13; seed++)
        {
            var stimulus = RandomStimulus(design, seed, queries: 10) with
            {
                QueryOffer = Stimulus.RandomPattern(seed * 7, 35),
                ResultReady = Stimulus.RandomPattern((seed * 7) + 1, 25),
            };
            AssertSameAsModel(design, stimulus);
        }
    }

    [Theory]
    [MemberData(nameof(Configs))]
    public void ExtremeValuesMatchTheModel(string config)
    {
        var design = LoadDesign(config);
        int n = design.MaxRows, d = design.Dimension;
        long min = design.Input.MinRaw, max = design.Input.MaxRaw;
        long[][] Fill(Func<int, int, long> f) => Enumerable.Range(0, n).Select(r => Enumerable.Range(0, d).Select(j => f(r, j)).ToArray()).ToArray();
        var keys = Fill((r, j) => (r + j) % 2 == 0 ? min : max);
        var values = Fill((r, _) => r % 3 == 0 ? min : max);
        var queries = new[]
        {
            new QueryBeat(Enumerable.Repeat(min, d).ToArray(), n),
            new QueryBeat(Enumerable.Repeat(max, d).ToArray(), n),
            new QueryBeat(new long[d], n),
            new QueryBeat(Enumerable.Range(0, d).Select(j => j % 2 == 0 ? min : max).ToArray(), 1),
            new QueryBeat(Enumerable.Repeat(min, d).ToArray(), 1),
        };
        AssertSameAsModel(design, new Stimulus(keys, values, queries));
        // All rows equal: the largest possible expsum.
        var same = Fill((_, _) => min);
        AssertSameAsModel(design, new Stimulus(same, Fill((_, _) => max), [new QueryBeat(Enumerable.Repeat(min, d).ToArray(), n)]));
    }

    [Fact]
    public void ResetInTheMiddleOfARunStartsAfresh()
    {
        var design = LoadDesign("a3-mid");
        var stimulus = RandomStimulus(design, seed: 5, queries: 4);
        var expected = new ModelSimulator(design).Run(stimulus).Queries;
        using var device = A3Device.Create(design);
        device.Reset();
        device.Load(stimulus.Keys, stimulus.Values);
        // Queue queries and let the pipeline fill, then reset with queries and results in flight.
        device.SetResultReady(false);
        var packed = device.PackRow(stimulus.Queries[0].Query);
        device.SetQuery(true, packed, stimulus.Queries[0].Rows);
        for (int c = 0; c < design.Latency(stimulus.Queries[0].Rows) / 2; c++)
        {
            device.Step();
        }
        device.Reset(cycles: 2);
        var after = device.RunQueries(stimulus.Queries);
        Assert.Equal(expected.Count, after.Count);
        for (int k = 0; k < expected.Count; k++)
        {
            Assert.Equal(expected[k].Result.OutputRaw, after[k].Result.OutputRaw);
            Assert.Equal(expected[k].Timing, after[k].Timing);
        }
    }

    [Fact]
    public void TwoConfigurationsRunInOneProcess()
    {
        var small = LoadDesign("a3-small");
        var mid = LoadDesign("a3-mid");
        var s1 = RandomStimulus(small, seed: 21, queries: 3);
        var s2 = RandomStimulus(mid, seed: 22, queries: 3);
        using var a = A3Device.Create(small);
        using var b = A3Device.Create(mid);
        a.Reset();
        b.Reset();
        a.Load(s1.Keys, s1.Values);
        b.Load(s2.Keys, s2.Values);
        var ra = a.RunQueries(s1.Queries);
        var rb = b.RunQueries(s2.Queries);
        AssertSame(small.Config.Name, new ModelSimulator(small).Run(s1), new SimulationRun("verilator", ra));
        AssertSame(mid.Config.Name, new ModelSimulator(mid).Run(s2), new SimulationRun("verilator", rb));
    }

    [Fact]
    public void SecondBuildComesFromTheCache()
    {
        var design = LoadDesign("a3-small");
        VerilatorBuild.Build(design);
        var again = VerilatorBuild.Build(design);
        Assert.False(again.Built);
        Assert.True(File.Exists(again.Path));
    }

    [Fact]
    public void ParallelBuildsOfOneConfigurationBuildOnce()
    {
        var design = LoadDesign("a3-small");
        var root = Path.Combine(Path.GetTempPath(), $"a3gen-cache-test-{Environment.ProcessId}-{Guid.NewGuid():N}");
        try
        {
            var builds = Enumerable.Range(0, 3).AsParallel().Select(_ => VerilatorBuild.Build(design, cacheRoot: root)).ToArray();
            Assert.Single(builds, b => b.Built);
            Assert.Single(builds.Select(b => b.Path).Distinct());
            Assert.True(File.Exists(builds[0].Path));
            Assert.Single(Directory.GetDirectories(Path.Combine(root, "verilator"), "*", SearchOption.TopDirectoryOnly));
        }
        finally
        {
            Directory.Delete(root, true);
        }
    }

    [Fact]
    public void MissingVerilatorIsAUserError()
    {
        var e = Assert.Throws<UserException>(() => VerilatorBuild.FindVerilator(searchPath: "/nonexistent-a3gen"));
        Assert.Contains("verilator is not on PATH", e.Message);
    }

    [Fact]
    public void TraceWritesAnFstFile()
    {
        var design = LoadDesign("a3-small");
        var path = Path.Combine(Path.GetTempPath(), $"a3gen-trace-{Environment.ProcessId}.fst");
        try
        {
            var stimulus = RandomStimulus(design, seed: 3, queries: 2);
            var run = new VerilatorSimulator(design, new VerilatorOptions(TracePath: path)).Run(stimulus);
            AssertSame(design.Config.Name, new ModelSimulator(design).Run(stimulus), run);
            Assert.True(new FileInfo(path).Length > 0);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void PaperConfigurationMatchesTheModel()
    {
        var design = LoadDesign("a3-paper");
        var stimulus = RandomStimulus(design, seed: 7, queries: 4, allRows: true);
        AssertSameAsModel(design, stimulus);
    }

    private void AssertSameAsModel(Design design, Stimulus stimulus)
    {
        var expected = new ModelSimulator(design).Run(stimulus);
        var simulator = new VerilatorSimulator(design);
        VerilatorBuild.Build(design); // outside the timed part
        var watch = Stopwatch.StartNew();
        var actual = simulator.Run(stimulus);
        watch.Stop();
        output.WriteLine($"{design.Config.Name}: {simulator.LastRunCycles} cycles in {watch.Elapsed.TotalMilliseconds:F1} ms = {simulator.LastRunCycles / watch.Elapsed.TotalSeconds:F0} cycles/s");
        AssertSame(design.Config.Name, expected, actual);
    }

    private static void AssertSame(string config, SimulationRun expected, SimulationRun actual)
    {
        Assert.Equal(expected.Queries.Count, actual.Queries.Count);
        for (int k = 0; k < expected.Queries.Count; k++)
        {
            var e = expected.Queries[k];
            var a = actual.Queries[k];
            Assert.True(e.Result.OutputRaw.SequenceEqual(a.Result.OutputRaw),
                $"{config} query {k}: output model [{string.Join(", ", e.Result.OutputRaw)}] verilator [{string.Join(", ", a.Result.OutputRaw)}]");
            Assert.True((e.Result.Candidates, e.Result.Kept, e.Result.Fallback) == (a.Result.Candidates, a.Result.Kept, a.Result.Fallback),
                $"{config} query {k}: statistics model {e.Result} verilator {a.Result}");
            Assert.True(e.Timing == a.Timing, $"{config} query {k}: timing model {e.Timing} verilator {a.Timing}");
        }
    }

    /// <summary>Seeded random K, V and queries over the whole input range; n loaded rows and each query's rows at most N.</summary>
    private static Stimulus RandomStimulus(Design design, int seed, int queries, bool allRows = false)
    {
        var rng = new Random(seed);
        int n = allRows ? design.MaxRows : rng.Next(1, design.MaxRows + 1);
        long Value() => rng.NextInt64(design.Input.MinRaw, design.Input.MaxRaw + 1);
        long[] Row() => Enumerable.Range(0, design.Dimension).Select(_ => Value()).ToArray();
        var keys = Enumerable.Range(0, n).Select(_ => Row()).ToArray();
        var values = Enumerable.Range(0, n).Select(_ => Row()).ToArray();
        var beats = Enumerable.Range(0, queries).Select(k => new QueryBeat(Row(), k == 0 ? n : rng.Next(1, n + 1))).ToArray();
        return new Stimulus(keys, values, beats);
    }

    private static Design LoadDesign(string name)
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var path = Path.Combine(dir.FullName, "configs", name + ".json");
            if (File.Exists(path))
            {
                return new Design(A3Config.Load(path));
            }
        }
        throw new FileNotFoundException($"configs/{name}.json not found above {AppContext.BaseDirectory}");
    }
}
