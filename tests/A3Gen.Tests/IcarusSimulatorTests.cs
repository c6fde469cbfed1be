using System.Diagnostics;
using A3Gen.Configuration;
using A3Gen.Elaboration;
using A3Gen.Emission;
using A3Gen.Model;
using A3Gen.Simulation;
using Xunit;
using Xunit.Abstractions;

namespace A3Gen.Tests;

/// <summary>
/// Icarus co-simulation: the generated RTL under the generated self-checking testbench must give the
/// golden model's bits and the cycle model's timing, for random data over the whole input range.
/// </summary>
public sealed class IcarusSimulatorTests(ITestOutputHelper output)
{
    public static TheoryData<string> Configs => new() { "a3-small", "a3-mid" };

    [Theory]
    [MemberData(nameof(Configs))]
    public void MatchesModelBitForBitAndCycleForCycle(string config)
    {
        var design = LoadDesign(config);
        var stimulus = RandomStimulus(design, seed: 11, queries: 6);
        AssertSame(design, stimulus);
    }

    [Theory]
    [MemberData(nameof(Configs))]
    public void MatchesModelWithRandomHandshakePatterns(string config)
    {
        var design = LoadDesign(config);
        foreach (var (seed, offer, ready) in new[] { (21, 60, 40), (22, 25, 80), (23, 90, 15) })
        {
            var stimulus = RandomStimulus(design, seed, queries: 6) with
            {
                QueryOffer = Stimulus.RandomPattern(seed * 7, offer),
                ResultReady = Stimulus.RandomPattern(seed * 13, ready),
            };
            AssertSame(design, stimulus);
        }
    }

    [Theory]
    [MemberData(nameof(Configs))]
    public void MatchesModelAtTheInputExtremes(string config)
    {
        var design = LoadDesign(config);
        long min = design.Input.MinRaw, max = design.Input.MaxRaw;
        int n = design.MaxRows, d = design.Dimension;
        long[][] Fill(Func<int, int, long> f) => Enumerable.Range(0, n).Select(r => Enumerable.Range(0, d).Select(j => f(r, j)).ToArray()).ToArray();
        var keys = Fill((r, j) => r % 2 == 0 ? min : max);
        var values = Fill((r, j) => (r + j) % 2 == 0 ? min : max);
        var queries = new[]
        {
            new QueryBeat(Enumerable.Repeat(min, d).ToArray(), n),
            new QueryBeat(Enumerable.Repeat(max, d).ToArray(), n),
            new QueryBeat(new long[d], n),
            new QueryBeat(Enumerable.Repeat(min, d).ToArray(), 1),
        };
        AssertSame(design, new Stimulus(keys, values, queries));
    }

    [Theory]
    [MemberData(nameof(Configs))]
    public void MeasuredCyclesMatchTheAnalyticLatencyAndInterval(string config)
    {
        var design = LoadDesign(config);
        foreach (int n in new[] { 1, design.MaxRows / 2, design.MaxRows })
        {
            var single = RandomStimulus(design, seed: n, queries: 1) with { Queries = [new QueryBeat(new long[design.Dimension], n)] };
            Assert.Equal(design.Latency(n), new IcarusSimulator(design).Run(single).Queries[0].Timing.Latency);
            var stream = RandomStimulus(design, seed: n, queries: 6);
            stream = stream with { Queries = stream.Queries.Select(q => q with { Rows = n }).ToArray() };
            var timings = new IcarusSimulator(design).Run(stream).Queries.Select(q => q.Timing).ToArray();
            var intervals = timings.Skip(1).Zip(timings, (b, a) => b.ResultValidCycle - a.ResultValidCycle);
            Assert.All(intervals, i => Assert.Equal(design.Interval(n), i));
        }
    }

    [Fact]
    public void SelfCheckNamesTheQueryAndElementOfAWrongExpectedValue()
    {
        var design = LoadDesign("a3-small");
        var stimulus = RandomStimulus(design, seed: 5, queries: 3);
        var expected = new ModelSimulator(design).Run(stimulus).Queries.Select(q => q.Result).ToArray();
        var wrong = expected[1].OutputRaw.ToArray();
        wrong[2] ^= 1;
        expected[1] = expected[1] with { OutputRaw = wrong };
        var e = Assert.Throws<UserException>(() => new IcarusSimulator(design).Run(stimulus, expected));
        output.WriteLine(e.Message);
        Assert.Contains("query 1 element 2", e.Message);
        Assert.DoesNotContain('\n', e.Message);
    }

    [Fact]
    public void SelfCheckNamesAWrongStatistic()
    {
        var design = LoadDesign("a3-mid");
        var stimulus = RandomStimulus(design, seed: 6, queries: 2);
        var expected = new ModelSimulator(design).Run(stimulus).Queries.Select(q => q.Result).ToArray();
        expected[0] = expected[0] with { Kept = expected[0].Kept - 1 };
        var e = Assert.Throws<UserException>(() => new IcarusSimulator(design).Run(stimulus, expected));
        Assert.Contains("query 0 kept", e.Message);
    }

    [Fact]
    public void RunsWithoutExpectedValues()
    {
        var design = LoadDesign("a3-small");
        var stimulus = RandomStimulus(design, seed: 7, queries: 2);
        var run = new IcarusSimulator(design).Run(stimulus);
        var model = new ModelSimulator(design).Run(stimulus);
        Assert.Equal("icarus", run.Simulator);
        Assert.Equal(model.Queries.Select(q => q.Timing), run.Queries.Select(q => q.Timing));
    }

    [Fact]
    public void CycleLimitFailsLoudly()
    {
        var design = LoadDesign("a3-small");
        var stimulus = RandomStimulus(design, seed: 8, queries: 2);
        var e = Assert.Throws<UserException>(() => new IcarusSimulator(design) { MaxCycles = 5 }.Run(stimulus));
        Assert.Contains("cycle limit", e.Message);
    }

    [Theory]
    [InlineData("a3-small")]
    [InlineData("a3-mid")]
    [InlineData("a3-paper")]
    public void TestbenchCompilesWithoutWarnings(string config)
    {
        var design = LoadDesign(config);
        var renderer = TemplateRenderer.Default();
        var dir = Directory.CreateTempSubdirectory("a3gen-tb-lint-").FullName;
        try
        {
            var files = new Emitter(renderer).RenderModules(design).Select(f => f.Name).ToList();
            foreach (var f in new Emitter(renderer).RenderModules(design))
            {
                File.WriteAllText(Path.Combine(dir, f.Name), f.Text);
            }
            var tb = $"{design.Prefix}_tb.v";
            File.WriteAllText(Path.Combine(dir, tb), new IcarusSimulator(design, renderer).RenderTestbench());
            files.Add(tb);
            var (exit, text) = RunTool("iverilog", ["-g2012", "-Wall", "-s", $"{design.Prefix}_tb", "-o", Path.Combine(dir, "tb.vvp"), .. files], dir);
            Assert.True(exit == 0 && text.Trim().Length == 0, $"iverilog -g2012 -Wall on {config}: exit {exit}\n{text}");
        }
        finally
        {
            Directory.Delete(dir, true);
        }
    }

    [Fact]
    public void MissingIcarusIsAUserError()
    {
        var design = LoadDesign("a3-small");
        var stimulus = RandomStimulus(design, seed: 9, queries: 1);
        var e = Assert.Throws<UserException>(() => new IcarusSimulator(design) { ToolSearchPath = "/nonexistent" }.Run(stimulus));
        Assert.Contains("not found", e.Message);
    }

    /// <summary>Speed of the Icarus run (vvp only, compile excluded), written to the test output.</summary>
    [Theory]
    [InlineData("a3-small", 4)]
    [InlineData("a3-paper", 2)]
    public void MeasuresSpeed(string config, int queries)
    {
        var design = LoadDesign(config);
        var stimulus = RandomStimulus(design, seed: 31, queries, fullRows: true);
        var expected = new ModelSimulator(design).Run(stimulus);
        var icarus = new IcarusSimulator(design);
        icarus.Run(stimulus with { Queries = stimulus.Queries.Take(1).ToArray() }); // compile
        var run = icarus.Run(stimulus, expected.Queries.Select(q => q.Result).ToArray());
        Assert.Equal(expected.Queries.Select(q => q.Timing), run.Queries.Select(q => q.Timing));
        int loadCycles = stimulus.Keys.Length + stimulus.Values.Length + 4;
        double seconds = icarus.LastRunTime.TotalSeconds;
        output.WriteLine($"{config}: {queries} queries, {icarus.LastRunCycles} query cycles + {loadCycles} reset/load cycles in {seconds:F3} s of vvp: " +
            $"{(icarus.LastRunCycles + loadCycles) / seconds:F0} cycles/s");
    }

    private void AssertSame(Design design, Stimulus stimulus)
    {
        var model = new ModelSimulator(design).Run(stimulus);
        var icarus = new IcarusSimulator(design).Run(stimulus, model.Queries.Select(q => q.Result).ToArray());
        Assert.Equal(model.Queries.Count, icarus.Queries.Count);
        for (int k = 0; k < model.Queries.Count; k++)
        {
            var m = model.Queries[k];
            var s = icarus.Queries[k];
            Assert.True(m.Result.OutputRaw.SequenceEqual(s.Result.OutputRaw),
                $"{design.Config.Name} query {k}: output {string.Join(",", s.Result.OutputRaw)}, model {string.Join(",", m.Result.OutputRaw)}");
            Assert.Equal((m.Result.Candidates, m.Result.Kept, m.Result.Fallback), (s.Result.Candidates, s.Result.Kept, s.Result.Fallback));
            Assert.True(m.Timing == s.Timing, $"{design.Config.Name} query {k}: icarus {s.Timing}, model {m.Timing}");
        }
    }

    private static Stimulus RandomStimulus(Design design, int seed, int queries, bool fullRows = false)
    {
        var rng = new Random(seed);
        int n = design.MaxRows, d = design.Dimension;
        long min = design.Input.MinRaw, max = design.Input.MaxRaw;
        long[] Row() => Enumerable.Range(0, d).Select(_ => rng.NextInt64(min, max + 1)).ToArray();
        var keys = Enumerable.Range(0, n).Select(_ => Row()).ToArray();
        var values = Enumerable.Range(0, n).Select(_ => Row()).ToArray();
        var beats = Enumerable.Range(0, queries)
            .Select(k => new QueryBeat(Row(), fullRows || k == 0 ? n : rng.Next(1, n + 1)))
            .ToArray();
        return new Stimulus(keys, values, beats);
    }

    private static Design LoadDesign(string config) => new(A3Config.Load(Path.Combine(RepoRoot(), "configs", config + ".json")));

    private static string RepoRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "A3Gen.sln")))
            {
                return dir.FullName;
            }
        }
        throw new DirectoryNotFoundException("cannot find the repository root (A3Gen.sln)");
    }

    private static (int Exit, string Output) RunTool(string tool, IEnumerable<string> args, string dir)
    {
        var info = new ProcessStartInfo(tool) { WorkingDirectory = dir, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in args)
        {
            info.ArgumentList.Add(a);
        }
        using var p = Process.Start(info) ?? throw new InvalidOperationException($"cannot start {tool}");
        var err = p.StandardError.ReadToEndAsync();
        var text = p.StandardOutput.ReadToEnd();
        p.WaitForExit();
        return (p.ExitCode, text + err.Result);
    }
}
