using A3Gen.Simulation;

namespace A3Gen.Tests;

/// <summary>The Verilator driver itself: reset mid-run, two models in one process, the build cache, tracing, missing tool.</summary>
public sealed class VerilatorSimulatorTests
{
    [Fact]
    public void ResetInTheMiddleOfARunStartsAfreshAndKeepsTheMemories()
    {
        var design = TestSupport.ShippedDesign("a3-mid");
        var stimulus = TestSupport.RandomStimulus(design, seed: 5, rows: 60, queries: 4);
        using var device = A3Device.Create(design);
        device.Reset();
        device.Load(stimulus.Keys, stimulus.Values);
        // Queue a query and let the pipeline fill, then reset with work in flight.
        device.SetResultReady(false);
        device.SetQuery(true, device.PackRow(stimulus.Queries[0].Query), stimulus.Queries[0].Rows);
        for (int c = 0; c < design.Latency(stimulus.Queries[0].Rows) / 2; c++)
        {
            device.Step();
        }
        device.Reset(cycles: 2);
        // K and V are not reloaded: memories survive reset; the pipeline starts empty (same cycles as fresh).
        var after = new SimulationRun("verilator", device.RunQueries(stimulus.Queries));
        CoSimCases.AssertMatchesModel(design, stimulus, after, "a3-mid after reset");
    }

    [Fact]
    public void TwoConfigurationsRunInOneProcess()
    {
        var small = TestSupport.ShippedDesign("a3-small");
        var mid = TestSupport.ShippedDesign("a3-mid");
        var s1 = TestSupport.RandomStimulus(small, 21, small.MaxRows, 3);
        var s2 = TestSupport.RandomStimulus(mid, 22, mid.MaxRows, 3);
        using var a = A3Device.Create(small);
        using var b = A3Device.Create(mid);
        a.Reset();
        b.Reset();
        a.Load(s1.Keys, s1.Values);
        b.Load(s2.Keys, s2.Values);
        var ra = a.RunQueries(s1.Queries);
        var rb = b.RunQueries(s2.Queries);
        CoSimCases.AssertMatchesModel(small, s1, new SimulationRun("verilator", ra), "a3-small beside a3-mid");
        CoSimCases.AssertMatchesModel(mid, s2, new SimulationRun("verilator", rb), "a3-mid beside a3-small");
    }

    [Fact]
    public void SecondBuildComesFromTheCache()
    {
        var design = TestSupport.ShippedDesign("a3-small");
        VerilatorBuild.Build(design);
        var again = VerilatorBuild.Build(design);
        Assert.False(again.Built);
        Assert.True(File.Exists(again.Path));
    }

    [Fact]
    public void ParallelBuildsOfOneConfigurationBuildOnce()
    {
        var design = EdgeConfigs.Design("edge-tiny");
        var root = TestSupport.TempDir("cache");
        var builds = Enumerable.Range(0, 3).AsParallel().Select(_ => VerilatorBuild.Build(design, cacheRoot: root)).ToArray();
        Assert.Single(builds, b => b.Built);
        Assert.Single(builds.Select(b => b.Path).Distinct());
        Assert.True(File.Exists(builds[0].Path));
        Assert.Single(Directory.GetDirectories(Path.Combine(root, "verilator"), $"{design.Prefix}-*", SearchOption.TopDirectoryOnly));
        Assert.Single(Directory.GetDirectories(Path.Combine(root, "verilator"), "runtime-*", SearchOption.TopDirectoryOnly));
        Assert.Equal(2, Directory.GetDirectories(Path.Combine(root, "verilator")).Length);
    }

    [Fact]
    public void ALaterBuildLinksTheRuntimeTheFirstKeptAndSimulatesAlike()
    {
        var root = TestSupport.TempDir("cache");
        var first = VerilatorBuild.Build(EdgeConfigs.Design("edge-tiny"), cacheRoot: root);
        Assert.True(first.Built);
        Assert.False(first.RuntimeReused);
        var runtime = Assert.Single(Directory.GetDirectories(Path.Combine(root, "verilator"), "runtime-*"));
        Assert.Equal(["verilated.o", "verilated_threads.o"], Directory.GetFiles(runtime, "*.o").Select(Path.GetFileName).Order(StringComparer.Ordinal));
        var design = TestSupport.ShippedDesign("a3-small");
        var second = VerilatorBuild.Build(design, cacheRoot: root);
        Assert.True(second.Built && second.RuntimeReused, second.ToString());
        var stimulus = TestSupport.RandomStimulus(design, seed: 7, rows: design.MaxRows, queries: 4);
        using var device = A3Device.Create(design, cacheRoot: root);
        device.Reset();
        device.Load(stimulus.Keys, stimulus.Values);
        CoSimCases.AssertMatchesModel(design, stimulus, new SimulationRun("verilator", device.RunQueries(stimulus.Queries)), "a3-small on the kept runtime");
        Directory.Delete(root, true);
    }

    [Fact]
    public void MissingVerilatorIsAUserError()
    {
        var e = Assert.Throws<UserException>(() => VerilatorBuild.FindVerilator(searchPath: "/nonexistent-a3gen"));
        Assert.StartsWith("verilator is not on PATH", e.Message);
    }

    [Fact]
    public void TraceWritesAnFstFileAndChangesNothing()
    {
        var design = TestSupport.ShippedDesign("a3-small");
        var path = Path.Combine(TestSupport.TempDir("trace"), "run.fst");
        var stimulus = TestSupport.RandomStimulus(design, 3, design.MaxRows, 2);
        var run = new VerilatorSimulator(design, new VerilatorOptions(TracePath: path)).Run(stimulus);
        CoSimCases.AssertMatchesModel(design, stimulus, run, "a3-small traced");
        Assert.True(new FileInfo(path).Length > 0);
    }

    [Theory]
    [InlineData(0, 1)]
    [InlineData(127, 100)]
    public void IllegalRowCountsRunAsOneOrN(int requested, int effective)
    {
        // a3-mid: N = 100, query_rows_i is 7 bits. The contract is 1..N; out of range must not hang.
        var design = TestSupport.ShippedDesign("a3-mid");
        Assert.Equal(effective, design.EffectiveRows(requested));
        var stimulus = TestSupport.RandomStimulus(design, 31, design.MaxRows, 1, small: true);
        using var device = A3Device.Create(design);
        device.Reset();
        device.Load(stimulus.Keys, stimulus.Values);
        device.SetResultReady(true);
        device.SetQuery(true, device.PackRow(stimulus.Queries[0].Query), requested);
        while (!device.Step().QueryTaken)
        {
        }
        device.SetQuery(false);
        Model.QueryResult? result = null;
        for (int c = 0; c < 2 * design.Latency(design.MaxRows) && result is null; c++)
        {
            result = device.Step().Result;
        }
        Assert.NotNull(result);
        var expected = new Model.GoldenModel(design).Run(stimulus.Keys, stimulus.Values, stimulus.Queries[0].Query, effective);
        Assert.Equal(expected.OutputRaw, result.OutputRaw);
        Assert.Equal(effective, result.Candidates);
    }
}
