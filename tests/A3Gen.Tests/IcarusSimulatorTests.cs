using A3Gen.Emission;
using A3Gen.Simulation;

namespace A3Gen.Tests;

/// <summary>The Icarus runner and its generated testbench: self-check failures, limits, lint, missing tool.</summary>
public sealed class IcarusSimulatorTests
{
    [Fact]
    public void SelfCheckNamesTheQueryAndElementOfAWrongExpectedValue()
    {
        var design = TestSupport.ShippedDesign("a3-small");
        var stimulus = TestSupport.RandomStimulus(design, 5, design.MaxRows, 3);
        var expected = new ModelSimulator(design).Run(stimulus).Queries.Select(q => q.Result).ToArray();
        var wrong = expected[1].OutputRaw.ToArray();
        wrong[2] ^= 1;
        expected[1] = expected[1] with { OutputRaw = wrong };
        var e = Assert.Throws<UserException>(() => new IcarusSimulator(design).Run(stimulus, expected));
        Assert.Contains("query 1 element 2", e.Message);
        Assert.DoesNotContain('\n', e.Message);
    }

    [Fact]
    public void SelfCheckNamesAWrongStatistic()
    {
        var design = TestSupport.ShippedDesign("a3-mid");
        var stimulus = TestSupport.RandomStimulus(design, 6, design.MaxRows, 2);
        var expected = new ModelSimulator(design).Run(stimulus).Queries.Select(q => q.Result).ToArray();
        expected[0] = expected[0] with { Kept = expected[0].Kept - 1 };
        var e = Assert.Throws<UserException>(() => new IcarusSimulator(design).Run(stimulus, expected));
        Assert.Contains("query 0 kept", e.Message);
    }

    [Fact]
    public void RunsWithoutExpectedValues()
    {
        var design = TestSupport.ShippedDesign("a3-small");
        var stimulus = TestSupport.RandomStimulus(design, 7, design.MaxRows, 2);
        var run = new IcarusSimulator(design).Run(stimulus);
        var model = new ModelSimulator(design).Run(stimulus);
        Assert.Equal("icarus", run.Simulator);
        Assert.Equal(model.Queries.Select(q => q.Timing), run.Queries.Select(q => q.Timing));
    }

    [Fact]
    public void CycleLimitFailsLoudly()
    {
        var design = TestSupport.ShippedDesign("a3-small");
        var stimulus = TestSupport.RandomStimulus(design, 8, design.MaxRows, 2);
        var e = Assert.Throws<UserException>(() => new IcarusSimulator(design) { MaxCycles = 5 }.Run(stimulus));
        Assert.Contains("cycle limit", e.Message);
    }

    [Theory]
    [InlineData("a3-small")]
    [InlineData("a3-mid")]
    [InlineData("a3-paper")]
    public void TestbenchCompilesWithoutWarnings(string config)
    {
        var design = TestSupport.ShippedDesign(config);
        var renderer = TemplateRenderer.Default();
        var dir = Directory.CreateTempSubdirectory("a3gen-tb-lint-").FullName;
        try
        {
            var files = Emitter.RtlFiles(new Emitter(renderer).Render(design)).Select(f => f.Name).ToList();
            foreach (var f in Emitter.RtlFiles(new Emitter(renderer).Render(design)))
            {
                File.WriteAllText(Path.Combine(dir, f.Name), f.Text);
            }
            var tb = $"{design.Prefix}_tb.v";
            File.WriteAllText(Path.Combine(dir, tb), new IcarusSimulator(design, renderer).RenderTestbench());
            files.Add(tb);
            var (exit, text) = TestSupport.RunTool("iverilog", ["-g2012", "-Wall", "-s", $"{design.Prefix}_tb", "-o", "tb.vvp", .. files], dir);
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
        var design = TestSupport.ShippedDesign("a3-small");
        var stimulus = TestSupport.RandomStimulus(design, 9, design.MaxRows, 1);
        var e = Assert.Throws<UserException>(() => new IcarusSimulator(design) { ToolSearchPath = "/nonexistent" }.Run(stimulus));
        // Both tools are checked before the (cached) compile, so the message does not depend on test order.
        Assert.StartsWith("iverilog is not on PATH: install Icarus Verilog", e.Message);
    }
}
