using System.Globalization;
using System.Text.RegularExpressions;
using A3Gen.Elaboration;
using A3Gen.Emission;
using A3Gen.Simulation;
using A3Gen.Synthesis;
using A3Gen.Tools;
using Newtonsoft.Json.Linq;
using YamlDotNet.RepresentationModel;

namespace A3Gen.Tests;

/// <summary>The flow files beside the RTL: the FuseSoC core, the SDC file and the file list.</summary>
public class FlowFileTests
{
    public static TheoryData<string> Configs => new(TestSupport.ShippedConfigNames);

    private static IReadOnlyList<GeneratedFile> Render(Design design) => new Emitter(TemplateRenderer.Default()).Render(design);

    private static YamlMappingNode Map(YamlNode node, string key) => (YamlMappingNode)((YamlMappingNode)node).Children[new YamlScalarNode(key)];

    private static string Scalar(YamlNode node, string key) => ((YamlScalarNode)((YamlMappingNode)node).Children[new YamlScalarNode(key)]).Value!;

    [Theory]
    [MemberData(nameof(Configs))]
    public void CoreFileIsYamlWithLintSimAndSynthTargets(string name)
    {
        var design = TestSupport.ShippedDesign(name);
        var files = Render(design);
        var text = files.Single(f => f.Name == FlowFiles.CoreName(design)).Text;
        Assert.StartsWith("CAPI=2:\n", text);
        var yaml = new YamlStream();
        yaml.Load(new StringReader(text));
        var root = (YamlMappingNode)yaml.Documents.Single().RootNode;
        Assert.Equal($"a3gen:a3:{design.Prefix}:{Emitter.GeneratorVersion}", Scalar(root, "name"));
        var rtl = Map(Map(root, "filesets"), "rtl");
        var listed = ((YamlSequenceNode)rtl.Children[new YamlScalarNode("files")]).Select(n => ((YamlScalarNode)n).Value).ToArray();
        var filelist = files.Single(f => f.Name == "filelist.f").Text.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(filelist, listed);
        Assert.All(listed, f => Assert.Contains(files, g => g.Name == f));
        var targets = Map(root, "targets");
        foreach (var (target, tool) in new[] { ("lint", "verilator"), ("sim", "icarus"), ("synth", "yosys") })
        {
            var t = Map(targets, target);
            Assert.Equal(tool, Scalar(t, "default_tool"));
            Assert.Equal($"{design.Prefix}_top", Scalar(t, "toplevel"));
            Assert.True(Map(t, "tools").Children.ContainsKey(new YamlScalarNode(tool)), $"{target} has no options for {tool}");
        }
        var synthFilesets = ((YamlSequenceNode)Map(targets, "synth").Children[new YamlScalarNode("filesets")]).Select(n => ((YamlScalarNode)n).Value);
        Assert.Contains("constraints", synthFilesets);
    }

    [Theory]
    [InlineData("a3-small", 1000, "1.000")]
    [InlineData("a3-mid", 400, "2.500")]
    [InlineData("a3-paper", 300, "3.333333")]
    public void SdcConstrainsTheRealClockPortAtTheTargetPeriod(string name, int mhz, string period)
    {
        var design = new Design(TestSupport.Shipped(name) with { TargetClockMhz = mhz });
        var files = Render(design);
        var sdc = files.Single(f => f.Name == FlowFiles.SdcName(design)).Text;
        var m = Regex.Match(sdc, @"^create_clock -name (\w+) -period ([0-9.]+) \[get_ports \{(\w+)\}\]$", RegexOptions.Multiline);
        Assert.True(m.Success, sdc);
        Assert.Equal(period, m.Groups[2].Value);
        Assert.Equal(1000.0 / mhz, double.Parse(m.Groups[2].Value, CultureInfo.InvariantCulture), 5);
        var port = m.Groups[3].Value;
        Assert.Contains(design.Ports, p => p.Name == port && p.Direction == "input" && p.Width == 1);
        var top = files.Single(f => f.Name == $"{design.Prefix}_top.v").Text;
        Assert.Matches($@"\n  input\s+wire {port},", top);
        Assert.Matches($@"\.clk_i\s+\({port}\)", top);
    }

    [Fact]
    public void FileListCompilesAsGiven()
    {
        var (dir, _, top) = Lint.Generate("a3-small");
        var (code, output) = TestSupport.RunTool("iverilog", ["-g2012", "-Wall", "-s", top, "-o", "filelist.vvp", "-c", "filelist.f"], dir);
        Assert.True(code == 0 && output.Trim().Length == 0, $"iverilog -c filelist.f:\n{output}");
        Directory.Delete(dir, true);
    }
}

/// <summary>scripts/a3gen synth on the small configuration: report, netlist, gate-level equivalence; iCE40 place and route of a tinier one.</summary>
public class SynthesisTests
{
    /// <summary>
    /// The configuration of the generic synthesis tests. Its synthesis with every memory in flip-flops is also its Yosys
    /// lint gate (<see cref="YosysLint"/>): one Yosys run for both.
    /// </summary>
    public const string GateLevelConfig = "a3-small";

    /// <summary>One run per configuration, target and mapping for all the tests (<see cref="SharedSynthesis"/>): read the folder, never delete it.</summary>
    private static (SynthReport Report, string Dir) Synthesize(string name, SynthTarget target, MemoryMapping memories) =>
        SharedSynthesis.Get(TestSupport.ShippedDesign(name), target, memories);

    /// <summary>
    /// Small enough for an iCE40 HX8K with the approximate path (a3-small, N = 16 and d = 4, needs about
    /// 8,300 LUTs for 7,680 logic cells since the candidate search was added), and for a short place and route:
    /// N = 8, d = 2, 5-bit elements, about 3,000 LUTs (`scripts/a3gen synth --target ice40` on it: 28 s here, where
    /// N = 16 with 7-bit elements took 44 s).
    /// </summary>
    public static Configuration.A3Config Ice40Tiny { get; } = new()
    {
        Name = "a3-ice40",
        MaxRows = 8,
        Dimension = 2,
        IntegerBits = 2,
        FractionBits = 2,
    };

    [Fact]
    public void GenericSynthesisReportsEveryModuleAndTheMacros()
    {
        var design = TestSupport.ShippedDesign(GateLevelConfig);
        var (r, dir) = Synthesize(GateLevelConfig, SynthTarget.Generic, MemoryMapping.Macro);
        Assert.Equal(0, r.CheckProblems);
        Assert.Equal(0, r.Total.Latches);
        foreach (var instance in new[] { "u_candidate", "u_dot_product", "u_exponent", "u_output", "u_query_queue", "u_result_queue", "(top glue)" })
        {
            var i = r.Instances.Single(x => x.Instance == instance);
            Assert.True(i.Total.Cells > 0 && i.Total.Transistors > 0 && i.Depth > 0, $"{instance}: {i}");
        }
        // Each multiplier of the dot product (d), the output (d) and the exponent (1) is split into two
        // registered halves; 2d whole ones in the column-sides of the candidate search.
        Assert.Equal((2 * design.Dimension) + (2 * design.Dimension) + 2 + (2 * design.Dimension), r.Total.Multipliers);
        Assert.Equal(design.Memories.Select(m => (m.Instance, m.Bits)), r.Macros.Select(m => (m.Instance, m.Bits)));
        Assert.All(design.Memories, m => Assert.Equal(m.Bits, r.Instances.Single(i => i.Instance == m.Instance).Total.MacroBits));
        Assert.Equal(r.Instances.Sum(i => i.Total.Cells), r.Total.Cells);
        Assert.True(r.LongestPath.Depth >= r.Instances.Max(i => i.Depth), $"flattened depth {r.LongestPath.Depth} below a module's");
        Assert.StartsWith("u_", r.LongestPath.Instance);
        var json = JObject.Parse(File.ReadAllText(Path.Combine(dir, "report.json")));
        Assert.Equal(r.Total.Cells, (long)json["total"]!["cells"]!);
        Assert.Contains("## Memories", File.ReadAllText(Path.Combine(dir, "report.md")));
        var netlist = File.ReadAllText(Path.Combine(dir, "netlist.v"));
        Assert.Equal([$"{design.Prefix}_top"], Regex.Matches(netlist, @"^module (\S+)\(", RegexOptions.Multiline).Select(m => m.Groups[1].Value));
        Assert.Equal(design.Memories.Count, Regex.Matches(netlist, $@"^\s+{design.Prefix}_sram #\(", RegexOptions.Multiline).Count);
        Assert.True(File.Exists(Path.Combine(dir, FlowFiles.ScriptName(SynthTarget.Generic))));
    }

    [Theory]
    [InlineData(MemoryMapping.Logic)]
    [InlineData(MemoryMapping.Macro)]
    public void GateLevelNetlistMatchesTheGoldenModel(MemoryMapping memories)
    {
        var design = TestSupport.ShippedDesign(GateLevelConfig);
        var (_, dir) = Synthesize(GateLevelConfig, SynthTarget.Generic, memories);
        var files = new List<string> { Path.Combine(dir, "netlist.v"), YosysSynthesis.SimulationCells() };
        if (memories == MemoryMapping.Macro)
        {
            // The black-box SRAM macros are simulated with the SRAM module, as a memory compiler's model would be.
            files.Add(Path.Combine(dir, $"{design.Prefix}_sram.v"));
        }
        var sim = new IcarusSimulator(design) { DesignFiles = files };
        foreach (var stimulus in new[]
        {
            TestSupport.RandomStimulus(design, 4101, design.MaxRows, 4),
            TestSupport.RandomStimulus(design, 4102, design.MaxRows, 4, small: true),
            CoSimCases.Build(design, "mixed-row-counts"),
            CoSimCases.Build(design, "backpressure-and-gaps"),
        })
        {
            var run = sim.Run(stimulus, CoSimCases.Expected(design, stimulus));
            CoSimCases.AssertMatchesModel(design, stimulus, run, $"gate-level netlist ({memories} memories)");
        }
    }

    [Fact]
    public void Ice40PlaceAndRouteGivesFmax()
    {
        ExternalTool.Require("nextpnr-ice40", "run scripts/test.sh, which installs nextpnr-ice40");
        var (r, dir) = SharedSynthesis.Get(new Design(Ice40Tiny), SynthTarget.Ice40, MemoryMapping.Logic);
        var p = r.PlaceAndRoute!;
        Assert.True(p.Ran, p.Note);
        Assert.True(p.FmaxMhz > 1 && p.FmaxMhz < 1000, $"Fmax {p.FmaxMhz}");
        Assert.True(p.LogicCells > 0 && p.LogicCells <= p.LogicCellsAvailable);
        Assert.True(r.Total.Luts > 0 && r.Total.FlipFlops > 0 && r.Total.BlockRams > 0, r.Total.ToString());
        Assert.Contains("Fmax", File.ReadAllText(Path.Combine(dir, "report.md")));
    }

    [Fact]
    public void XilinxMapsTheKeyAndValueMemoriesToBlockRam()
    {
        // a3-mid: K and V are 100 x 144 bits each, large enough for block RAM; the small buffers may go to LUT RAM.
        var (r, dir) = Synthesize("a3-mid", SynthTarget.Xilinx, MemoryMapping.Logic);
        Assert.Equal(0, r.CheckProblems);
        Assert.True(r.Total.Luts > 0 && r.Total.Dsps > 0, r.Total.ToString());
        foreach (var instance in new[] { "u_key_sram", "u_value_sram" })
        {
            var i = r.Instances.Single(x => x.Instance == instance);
            Assert.True(i.Total.BlockRams > 0, $"{instance} uses no block RAM: {i.Total}");
            Assert.Equal(0, i.Total.FlipFlops);
        }
        Assert.Contains("block RAM", File.ReadAllText(Path.Combine(dir, "report.md")));
    }
}
