using A3Gen.Elaboration;
using A3Gen.Emission;

namespace A3Gen.Tests;

/// <summary>The three lint gates on the generated RTL of every configuration the tests use: zero warnings, no waivers.</summary>
public static class Lint
{
    public static TheoryData<string> AllConfigs => new([.. TestSupport.ShippedConfigNames, "a3-onepass", "a3-lanes4", "a3-fast", .. EdgeConfigs.All.Keys]);

    /// <summary>
    /// The configurations the cycle contract runs on: all of <see cref="AllConfigs"/> but a3-onepass, whose online stage is
    /// a3-small's shape's at paper scale (its closed forms are checked by the bench), and a3-lanes4 and a3-fast, whose lane
    /// parts are the eight lane configurations' at paper scale (a Verilator build of four lanes of 64 multipliers takes minutes).
    /// </summary>
    public static TheoryData<string> CycleConfigs => new([.. TestSupport.ShippedConfigNames, .. EdgeConfigs.All.Keys]);

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
    /// <summary>
    /// Every lint configuration but a3-onepass, a3-lanes4 and a3-fast: a full synthesis takes Yosys about 6 to 9 minutes
    /// here for each (546,455 and 679,429 generic cells for the first two), and their modules are the ones the one-pass and
    /// lane configurations below run through this gate at small scale; `scripts/a3gen synth --config configs/<it>.json`
    /// runs the same check on it (check.txt).
    /// </summary>
    public static TheoryData<string> YosysConfigs => new([.. TestSupport.ShippedConfigNames, .. EdgeConfigs.All.Keys]);

    [Theory]
    [MemberData(nameof(YosysConfigs))]
    public void YosysSynthesizesAndChecksClean(string name)
    {
        var (dir, files, top) = Lint.Generate(name);
        var design = Lint.DesignFor(name);
        string sram = $"{design.Prefix}_sram.v";
        // Above MacroThresholdBits of memory (the paper configuration: about 1 Mbit) the SRAM module is read as a
        // black box in the full synthesis, as `synth --memories macro` does, and synthesized on its own below:
        // mapping every memory to flip-flops takes Yosys over 8 minutes here and checks no line of Verilog more.
        bool macros = design.Memories.Sum(m => m.Bits) > MacroThresholdBits;
        var reads = files.Select(f => macros && f == sram ? $"read_verilog -lib {f}" : $"read_verilog {f}");
        Run(dir, name, $"{string.Join("; ", reads)}; synth -top {top}; check -assert", "yosys.log");
        if (macros)
        {
            Run(dir, name + " (SRAM module alone)", $"read_verilog {sram}; synth -top {design.Prefix}_sram; check -assert", "yosys-sram.log");
        }
        Directory.Delete(dir, true);
    }

    public const long MacroThresholdBits = 200_000;

    private static void Run(string dir, string what, string script, string logName)
    {
        var (code, _) = TestSupport.RunTool("yosys", ["-q", "-l", logName, "-p", script], dir, timeoutSeconds: 1200);
        var log = File.ReadAllText(Path.Combine(dir, logName));
        Assert.True(code == 0, $"yosys synth/check on {what} failed:\n{log[^Math.Min(log.Length, 4000)..]}");
        var warnings = log.Split('\n').Where(l => l.Contains("Warning", StringComparison.OrdinalIgnoreCase)).ToArray();
        Assert.True(warnings.Length == 0, $"yosys warnings on {what}:\n{string.Join('\n', warnings)}");
    }
}
