using A3Gen.Elaboration;
using A3Gen.Emission;
using A3Gen.Synthesis;

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
    public static (string Dir, string[] Files, string Top) Generate(string name) => Generate(DesignFor(name));

    /// <summary>Generates the design into a fresh folder and returns it with its file list.</summary>
    public static (string Dir, string[] Files, string Top) Generate(Design design)
    {
        var dir = TestSupport.TempDir("lint-" + design.Config.Name);
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

/// <summary>
/// The dot product's adder tree where a registered stage of several levels gets fewer operands than its span at the end
/// (d not a multiple of it): two operands grow by the stage's levels, not by one carry, and must be extended (a random
/// configuration, d = 6 with two levels a stage, failed Verilator's WIDTH check). Small designs, Verilator only: the
/// tree is the same under the other gates.
/// </summary>
public class AdderTreeLintTests
{
    [Theory]
    [InlineData(6, 2)]
    [InlineData(5, 2)]
    [InlineData(7, 3)]
    [InlineData(10, 3)]
    [InlineData(6, 3)]
    public void PartialStagesOfTheAdderTreeLintClean(int dimension, int levels)
    {
        var config = TestSupport.ShippedDesign("a3-small").Config with { Name = $"tree-d{dimension}-l{levels}", MaxRows = 4, Dimension = dimension, AdderLevelsPerStage = levels };
        var (dir, _, top) = Lint.Generate(new Design(config));
        var (code, output) = TestSupport.RunTool("verilator", ["--lint-only", "-Wall", "-f", "filelist.f", "--top-module", top], dir);
        Assert.True(code == 0 && output.Trim().Length == 0, $"verilator --lint-only -Wall on d = {dimension}, {levels} levels a stage:\n{output}");
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

/// <summary>
/// The Yosys gate: <c>yosys synth; check -assert</c> with zero warnings on every configuration of
/// <see cref="YosysConfigs"/>. xUnit runs the theories of one class one after another and the classes side by side,
/// so the configurations are dealt over <see cref="Parts"/> classes (<see cref="YosysLintTests"/>,
/// <see cref="YosysLintTests2"/>, ...) of about the same measured Yosys time: one class of them all took 9.5 minutes
/// here alone, longer than every other class together on the other thread.
/// </summary>
public static class YosysLint
{
    /// <summary>
    /// Every lint configuration but a3-onepass, a3-lanes4 and a3-fast: a full synthesis takes Yosys about 6 to 9 minutes
    /// here for each (546,455 and 679,429 generic cells for the first two), and their modules are the ones the one-pass and
    /// lane configurations below run through this gate at small scale; `scripts/a3gen synth --config configs/<it>.json`
    /// runs the same check on it (check.txt).
    /// </summary>
    public static TheoryData<string> YosysConfigs => new(ConfigNames);

    public static string[] ConfigNames => [.. TestSupport.ShippedConfigNames, .. EdgeConfigs.All.Keys];

    public const int Parts = 4;

    /// <summary>
    /// Seconds of this gate per configuration, measured alone on the 2-core test machine (Yosys 0.23): only used to deal
    /// the configurations over the classes and to start the longest class first (<see cref="LongestFirstOrderer"/>).
    /// A configuration not listed counts <see cref="UnmeasuredSeconds"/>.
    /// </summary>
    public static IReadOnlyDictionary<string, double> MeasuredSeconds { get; } = new Dictionary<string, double>
    {
        ["a3-paper"] = 126,
        ["onepass-lanes"] = 55,
        ["edge-onepass-lanes-odd"] = 37,
        ["a3-mid"] = 35,
        ["edge-sort-wide"] = 27,
        ["edge-onepass-lanes-wide"] = 24,
        ["lanes-small"] = 23,
        ["edge-lanes-odd"] = 22,
        ["edge-lanes-wide"] = 20,
        ["edge-onepass-odd"] = 20,
        ["edge-onepass-sort"] = 19,
        ["onepass-small"] = 17,
        ["edge-sort"] = 13,
        ["edge-odd"] = 13,
        ["a3-small"] = 11,
        ["edge-onepass-tiny"] = 6,
        ["edge-tiny"] = 5,
        ["edge-onepass-lanes-tiny"] = 4,
        ["edge-sort-tiny"] = 3,
        ["edge-lanes-tiny"] = 3,
    };

    public const double UnmeasuredSeconds = 30;

    public static double Seconds(string name) => MeasuredSeconds.GetValueOrDefault(name, UnmeasuredSeconds);

    private static readonly Lazy<string[][]> Partition = new(() =>
    {
        // Longest first, each to the part with the least time so far (ties: the lower part).
        var parts = Enumerable.Range(0, Parts).Select(_ => new List<string>()).ToArray();
        var load = new double[Parts];
        foreach (var name in ConfigNames.OrderByDescending(Seconds).ThenBy(n => n, StringComparer.Ordinal))
        {
            int k = Array.IndexOf(load, load.Min());
            parts[k].Add(name);
            load[k] += Seconds(name);
        }
        return [.. parts.Select(p => p.ToArray())];
    });

    /// <summary>The configurations of part <paramref name="k"/> (0 to <see cref="Parts"/> - 1).</summary>
    public static string[] Part(int k) => Partition.Value[k];

    public static double PartSeconds(int k) => Part(k).Sum(Seconds);

    public const long MacroThresholdBits = 50_000;

    public static void Check(string name)
    {
        if (name == SynthesisTests.GateLevelConfig)
        {
            CheckSharedSynthesis(name);
            return;
        }
        var (dir, files, top) = Lint.Generate(name);
        var design = Lint.DesignFor(name);
        string sram = $"{design.Prefix}_sram.v";
        // Above MacroThresholdBits of memory (the paper configuration: about 1 Mbit; a3-mid 94 Kbit) the SRAM module is
        // read as a black box in the full synthesis, as `synth --memories macro` does, and synthesized on its own below:
        // mapping every memory to flip-flops takes Yosys over 8 minutes here on a3-paper (a3-mid: 48 s against 34 s)
        // and checks no line of Verilog more.
        bool macros = design.Memories.Sum(m => m.Bits) > MacroThresholdBits;
        var reads = files.Select(f => macros && f == sram ? $"read_verilog -lib {f}" : $"read_verilog {f}");
        Run(dir, name, $"{string.Join("; ", reads)}; synth -top {top}; check -assert", "yosys.log");
        if (macros)
        {
            Run(dir, name + " (SRAM module alone)", $"read_verilog {sram}; synth -top {design.Prefix}_sram; check -assert", "yosys-sram.log");
        }
        Directory.Delete(dir, true);
    }

    /// <summary>
    /// The configuration the gate-level simulation reads synthesized (generic gates, every memory in flip-flops) passes
    /// this gate on that same Yosys run: its script reads every file of the file list, runs `synth -top` and `check`
    /// (a problem it reports is an exception, as `check -assert`'s error would be), and its log has no warning.
    /// </summary>
    private static void CheckSharedSynthesis(string name)
    {
        var design = Lint.DesignFor(name);
        var filelist = new Emitter(TemplateRenderer.Default()).Render(design).Single(f => f.Name == "filelist.f").Text
            .Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        SynthReport report;
        string dir;
        try
        {
            (report, dir) = SharedSynthesis.Get(design, SynthTarget.Generic, MemoryMapping.Logic);
        }
        catch (UserException e)
        {
            Assert.Fail($"yosys synth/check on {name} failed: {e.Message}");
            return;
        }
        var script = File.ReadAllLines(Path.Combine(dir, FlowFiles.ScriptName(SynthTarget.Generic)));
        var reads = script.Where(l => l.StartsWith("read_verilog ", StringComparison.Ordinal)).Select(l => l["read_verilog ".Length..]).ToArray();
        Assert.Equal(filelist.Order(StringComparer.Ordinal), reads.Order(StringComparer.Ordinal));
        Assert.Contains($"synth -top {design.Prefix}_top", script);
        Assert.Equal(0, report.CheckProblems);
        var log = File.ReadAllText(Path.Combine(dir, "yosys.log"));
        var warnings = log.Split('\n').Where(l => l.Contains("Warning", StringComparison.OrdinalIgnoreCase)).ToArray();
        Assert.True(warnings.Length == 0, $"yosys warnings on {name}:\n{string.Join('\n', warnings)}");
    }

    private static void Run(string dir, string what, string script, string logName)
    {
        var (code, _) = TestSupport.RunTool("yosys", ["-q", "-l", logName, "-p", script], dir, timeoutSeconds: 1200);
        var log = File.ReadAllText(Path.Combine(dir, logName));
        Assert.True(code == 0, $"yosys synth/check on {what} failed:\n{log[^Math.Min(log.Length, 4000)..]}");
        var warnings = log.Split('\n').Where(l => l.Contains("Warning", StringComparison.OrdinalIgnoreCase)).ToArray();
        Assert.True(warnings.Length == 0, $"yosys warnings on {what}:\n{string.Join('\n', warnings)}");
    }
}

public class YosysLintTests
{
    public static TheoryData<string> Configs => new(YosysLint.Part(0));

    [Theory]
    [MemberData(nameof(Configs))]
    public void YosysSynthesizesAndChecksClean(string name) => YosysLint.Check(name);

    [Fact]
    public void ThePartsHoldEveryConfigurationOnce()
    {
        var dealt = Enumerable.Range(0, YosysLint.Parts).SelectMany(YosysLint.Part).ToArray();
        Assert.Equal(YosysLint.ConfigNames.Order(StringComparer.Ordinal), dealt.Order(StringComparer.Ordinal));
    }
}

public class YosysLintTests2
{
    public static TheoryData<string> Configs => new(YosysLint.Part(1));

    [Theory]
    [MemberData(nameof(Configs))]
    public void YosysSynthesizesAndChecksClean(string name) => YosysLint.Check(name);
}

public class YosysLintTests3
{
    public static TheoryData<string> Configs => new(YosysLint.Part(2));

    [Theory]
    [MemberData(nameof(Configs))]
    public void YosysSynthesizesAndChecksClean(string name) => YosysLint.Check(name);
}

public class YosysLintTests4
{
    public static TheoryData<string> Configs => new(YosysLint.Part(3));

    [Theory]
    [MemberData(nameof(Configs))]
    public void YosysSynthesizesAndChecksClean(string name) => YosysLint.Check(name);
}
