using System.Text.RegularExpressions;
using A3Gen.Elaboration;
using A3Gen.Synthesis;
using A3Gen.Tools;

namespace A3Gen.Tests;

/// <summary>a3-small mapped onto the OSU 0.18 um cells and timed by OpenSTA once, shared by the tests that read it.</summary>
public sealed class AsicSmallFixture : IDisposable
{
    public AsicSmallFixture()
    {
        ExternalTool.Require("yosys", "run scripts/test.sh, which installs Yosys");
        ExternalTool.Require("sta", "run scripts/test.sh, which installs OpenSTA (opensta)");
        Design = TestSupport.ShippedDesign("a3-small");
        Dir = Path.Combine(TestSupport.TempDir("asic-a3-small"), "out");
        Timing = new AsicFlow(Design).Run(Dir);
    }

    public Design Design { get; }

    public string Dir { get; }

    public AsicTiming Timing { get; }

    public void Dispose() => Directory.Delete(Path.GetDirectoryName(Dir)!, true);
}

/// <summary>The pieces of the standard-cell flow: FO4 measured on the library, the SRAM timing model, the clock option.</summary>
public class AsicModelTests
{
    internal static string Sta => ExternalTool.Require("sta", "run scripts/test.sh, which installs OpenSTA (opensta)");

    [Theory]
    [InlineData("0", "--clock-mhz must be a number in (0, 100000], got 0")]
    [InlineData("fast", "--clock-mhz must be a number in (0, 100000], got 'fast'")]
    [InlineData("-3", "--clock-mhz must be a number in (0, 100000], got -3")]
    public void SynthCommandRejectsABadClockInOneLineWritingNothing(string value, string message)
    {
        var outDir = Path.Combine(TestSupport.TempDir("asic-clock"), "out");
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        int code = Cli.Cli.Run(["synth", "--target", "asic", "--config", Path.Combine(TestSupport.RepoRoot, "configs", "a3-small.json"), "--clock-mhz", value, "--out", outDir], stdout, stderr);
        Assert.NotEqual(0, code);
        Assert.Equal($"a3gen: error: {message}", stderr.ToString().Trim());
        Assert.False(Directory.Exists(outDir));
    }

    [Theory]
    [InlineData("0", "--timeout-minutes must be a whole number of minutes in 1..10080, got '0'")]
    [InlineData("1.5", "--timeout-minutes must be a whole number of minutes in 1..10080, got '1.5'")]
    [InlineData("-2", "--timeout-minutes must be a whole number of minutes in 1..10080, got '-2'")]
    [InlineData("10081", "--timeout-minutes must be a whole number of minutes in 1..10080, got '10081'")]
    public void SynthCommandRejectsABadTimeoutInOneLineWritingNothing(string value, string message)
    {
        var outDir = Path.Combine(TestSupport.TempDir("synth-timeout"), "out");
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        int code = Cli.Cli.Run(["synth", "--config", Path.Combine(TestSupport.RepoRoot, "configs", "a3-small.json"), "--timeout-minutes", value, "--out", outDir], stdout, stderr);
        Assert.NotEqual(0, code);
        Assert.Equal($"a3gen: error: {message}", stderr.ToString().Trim());
        Assert.False(Directory.Exists(outDir));
    }

    [Fact]
    public void Fo4IsMeasuredFromTheLibraryInASaneRange()
    {
        var dir = TestSupport.TempDir("fo4");
        var fo4 = Fo4Chain.Measure(Sta, dir, AsicFlow.DefaultLiberty, TimeSpan.FromMinutes(1));
        // A fanout-of-4 inverter in a 0.18 um process: 60 to 150 ps (about 99 ps for the OSU cells at typical corner).
        Assert.InRange(fo4.Ps, 60, 150);
        Directory.Delete(dir, true);
    }

    [Fact]
    public void SramMacroModelStartsAPathAtTheClockEdge()
    {
        var design = TestSupport.ShippedDesign("a3-small");
        var shape = SramLiberty.Shapes(design)[0];
        var cell = shape.CellName(design.Prefix);
        var dir = TestSupport.TempDir("sram-lib");
        File.WriteAllText(Path.Combine(dir, "sram.lib"), SramLiberty.Liberty(design));
        var pins = string.Join(", ", new[] { ".clk_i(clk)", ".we_i(a)", ".re_i(a)" }
            .Concat(Enumerable.Range(0, shape.AddressWidth).SelectMany(i => new[] { $".waddr_i_{i}(a)", $".raddr_i_{i}(a)" }))
            .Concat(Enumerable.Range(0, shape.Width).Select(i => $".wdata_i_{i}(a)"))
            .Append(".rdata_o_0(r)"));
        File.WriteAllText(Path.Combine(dir, "t.v"),
            $"module t (clk, a, q);\n  input clk, a;\n  output q;\n  wire r, n;\n  {cell} m ({pins});\n  INVX1 i (.A(r), .Y(n));\n  DFFPOSX1 f (.CLK(clk), .D(n), .Q(q));\nendmodule\n");
        File.WriteAllText(Path.Combine(dir, "t.tcl"),
            $"read_liberty {AsicFlow.DefaultLiberty}\nread_liberty sram.lib\nread_verilog t.v\nlink_design t\ncreate_clock -name clk -period 5 [get_ports clk]\n" +
            "set_input_delay 0 -clock clk [get_ports a]\nreport_checks -path_delay max -to [get_pins f/D] -digits 4\nreport_checks -path_delay max -to [get_pins m/raddr_i_0] -digits 4\n");
        var (code, output) = ExternalTool.Run(Sta, ["-exit", "t.tcl"], dir);
        Assert.True(code == 0 && !output.Contains("Error", StringComparison.Ordinal) && !output.Contains("Warning", StringComparison.Ordinal), output);
        // Read data starts at the macro's clock edge and arrives the access time later.
        Assert.Matches(@"Startpoint: m \(rising edge-triggered", output);
        var arrival = Regex.Match(output, @"\s([0-9.]+) \^ m/rdata_o_0 \(" + cell + @"\)|\s([0-9.]+) v m/rdata_o_0 \(" + cell + @"\)");
        Assert.True(arrival.Success, output);
        Assert.Equal(SramLiberty.AccessNs, double.Parse(arrival.Groups[1].Success ? arrival.Groups[1].Value : arrival.Groups[2].Value, System.Globalization.CultureInfo.InvariantCulture), 3);
        // An address pin is an end point with the model's setup.
        Assert.Matches(@"Endpoint: m \(rising edge-triggered", output);
        Assert.Contains($"-{SramLiberty.SetupNs:0.0000}", output);
        Directory.Delete(dir, true);
    }

    [Theory]
    [InlineData(0.0)]
    [InlineData(-250.0)]
    [InlineData(double.NaN)]
    [InlineData(1e9)]
    public void BadClockIsAOneLineError(double mhz)
    {
        var e = Assert.Throws<UserException>(() => new AsicFlow(TestSupport.ShippedDesign("a3-small"), mhz));
        Assert.Equal($"--clock-mhz must be a number in (0, 100000], got {mhz.ToString(System.Globalization.CultureInfo.InvariantCulture)}", e.Message);
        Assert.DoesNotContain('\n', e.Message);
    }

}

/// <summary>a3-small on the standard cells: every mapped instance timed, every stage reported, and the FO4 budget of every register-to-register path.</summary>
public class AsicTimingTests(AsicSmallFixture small) : IClassFixture<AsicSmallFixture>
{
    /// <summary>Every register-to-register path must fit in this many FO4 of the library (about 250 MHz on OSU 0.18 um).</summary>
    public const double Fo4Budget = 40;

    [Fact]
    public void OpenStaTimesEveryInstanceYosysMapped()
    {
        var t = small.Timing;
        Assert.Equal(t.CellsByType.Values.Sum(), t.Instances);
        var netlist = File.ReadAllText(Path.Combine(small.Dir, "netlist_asic.v"));
        Assert.Equal(t.Instances, Regex.Matches(netlist, @"^  [A-Za-z_][A-Za-z0-9_]* [A-Za-z_][A-Za-z0-9_]* \($", RegexOptions.Multiline).Count);
        Assert.DoesNotContain("\\", netlist);
        Assert.DoesNotContain("assign", netlist);
        Assert.Equal(small.Design.Memories.Count, SramLiberty.Shapes(small.Design).Sum(s => t.CellsByType.GetValueOrDefault(s.CellName(small.Design.Prefix))));
        Assert.True(t.CellAreaUm2 > 0 && t.MacroAreaUm2 == small.Design.Memories.Sum(m => m.Bits) * SramLiberty.AreaPerBitUm2, $"{t.CellAreaUm2} {t.MacroAreaUm2}");
        Assert.True(t.PowerW > 0, $"power {t.PowerW}");
        foreach (var stage in new[] { "candidate selection", "dot product", "exponent", "output (with the divider)", "queues", "buffer control", "SRAM macro inputs (address, enables, write data)" })
        {
            var s = t.Stages.Single(x => x.Stage == stage);
            Assert.True(s.WorstRegisterToRegister is { CycleNs: > 0 }, $"{stage}: no register-to-register path");
        }
        Assert.Equal(Math.Round(1000.0 / t.Worst.CycleNs, 1), t.AchievedMhz);
        Assert.InRange(t.Fo4Ps, 60, 150);
    }

    [Fact]
    public void EveryRegisterToRegisterPathFitsTheFo4Budget()
    {
        var over = small.Timing.Stages.Select(s => (s.Stage, Path: s.WorstRegisterToRegister)).Where(x => x.Path is { } p && p.CycleFo4 > Fo4Budget).ToList();
        Assert.True(over.Count == 0, string.Join("\n", over.Select(x =>
            $"{small.Design.Config.Name}: {x.Stage}: {x.Path!.CycleFo4:0.#} FO4 ({x.Path.CycleNs:0.###} ns, FO4 {small.Timing.Fo4Ps:0.#} ps) > budget {Fo4Budget} FO4, from {x.Path.From} to {x.Path.To}")));
    }
}

/// <summary>The widest scan window on the cells: the dot product finds the window's lowest candidate flag in log2 S levels.</summary>
public class ScanWindowAsicTests
{
    [Fact]
    public void TheWidestScanWindowMeetsTheFo4Budget()
    {
        // edge-tiny scans S = 256 flags a cycle. With the lowest flag found by a chain of S selects (and the rest by an
        // S-bit subtract) its worst path was 109.4 FO4, from the window load flag to the issued row's register.
        ExternalTool.Require("yosys", "run scripts/test.sh, which installs Yosys");
        ExternalTool.Require("sta", "run scripts/test.sh, which installs OpenSTA (opensta)");
        var design = EdgeConfigs.Design("edge-tiny");
        Assert.Equal(256, design.ScanWidth);
        var dir = Path.Combine(TestSupport.TempDir("asic-edge-tiny"), "out");
        var t = new AsicFlow(design).Run(dir);
        var dot = t.Stages.Single(s => s.Stage == "dot product");
        Assert.True(dot.WorstRegisterToRegister is { } p && p.CycleFo4 <= AsicTimingTests.Fo4Budget, $"the dot product's worst path: {dot.WorstRegisterToRegister}");
        Assert.True(t.Worst.CycleFo4 <= AsicTimingTests.Fo4Budget, $"edge-tiny's worst path: {t.Worst.CycleFo4:0.#} FO4");
        Directory.Delete(Path.GetDirectoryName(dir)!, true);
    }
}
