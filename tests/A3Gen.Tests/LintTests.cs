using A3Gen.Elaboration;
using A3Gen.Emission;

namespace A3Gen.Tests;

/// <summary>The three lint gates on the generated RTL of every configuration the tests use: zero warnings, no waivers.</summary>
public static class Lint
{
    public static TheoryData<string> AllConfigs => new([.. TestSupport.ShippedConfigNames, .. EdgeConfigs.All.Keys]);

    public static Design DesignFor(string name) =>
        EdgeConfigs.All.ContainsKey(name) ? EdgeConfigs.Design(name) : TestSupport.ShippedDesign(name);

    /// <summary>Generates the configuration into a fresh folder and returns it with its file list.</summary>
    public static (string Dir, string[] Files, string Top) Generate(string name)
    {
        var design = DesignFor(name);
        var dir = TestSupport.TempDir("lint-" + name);
        var files = new Emitter(TemplateRenderer.Default()).Render(design);
        Emitter.Write(files, dir);
        var verilog = File.ReadAllLines(Path.Combine(dir, "filelist.f"));
        return (dir, verilog, design.Prefix + "_top");
    }
}

public class VerilatorLintTests
{
    [Theory]
    [MemberData(nameof(Lint.AllConfigs), MemberType = typeof(Lint))]
    public void VerilatorLintIsClean(string name)
    {
        var (dir, _, top) = Lint.Generate(name);
        var (code, output) = TestSupport.RunTool("verilator", ["--lint-only", "-Wall", "-f", "filelist.f", "--top-module", top], dir);
        Assert.True(code == 0 && output.Trim().Length == 0, $"verilator --lint-only -Wall on {name}:\n{output}");
        Directory.Delete(dir, true);
    }
}

public class IcarusLintTests
{
    [Theory]
    [MemberData(nameof(Lint.AllConfigs), MemberType = typeof(Lint))]
    public void IcarusCompilesWithoutWarnings(string name)
    {
        var (dir, files, top) = Lint.Generate(name);
        var (code, output) = TestSupport.RunTool("iverilog", ["-g2012", "-Wall", "-o", "lint.vvp", "-s", top, .. files], dir);
        Assert.True(code == 0 && output.Trim().Length == 0, $"iverilog -g2012 -Wall on {name}:\n{output}");
        Directory.Delete(dir, true);
    }
}

public class YosysLintTests
{
    [Theory]
    [MemberData(nameof(Lint.AllConfigs), MemberType = typeof(Lint))]
    public void YosysSynthesizesAndChecksClean(string name)
    {
        var (dir, files, top) = Lint.Generate(name);
        var script = $"read_verilog {string.Join(' ', files)}; synth -top {top}; check -assert";
        var (code, _) = TestSupport.RunTool("yosys", ["-q", "-l", "yosys.log", "-p", script], dir, timeoutSeconds: 1200);
        var log = File.ReadAllText(Path.Combine(dir, "yosys.log"));
        Assert.True(code == 0, $"yosys synth/check on {name} failed:\n{log[^Math.Min(log.Length, 4000)..]}");
        var warnings = log.Split('\n').Where(l => l.Contains("Warning", StringComparison.OrdinalIgnoreCase)).ToArray();
        Assert.True(warnings.Length == 0, $"yosys warnings on {name}:\n{string.Join('\n', warnings)}");
        Directory.Delete(dir, true);
    }
}
