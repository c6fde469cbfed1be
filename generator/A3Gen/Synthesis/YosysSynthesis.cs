using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;
using A3Gen.Elaboration;
using A3Gen.Emission;
using A3Gen.Tools;
using Newtonsoft.Json.Linq;

namespace A3Gen.Synthesis;

/// <summary>
/// Runs the generated Yosys script of a target on the generated RTL and reads back what it wrote:
/// per-module statistics, logic depth (ltp after technology mapping), check results, the flattened
/// netlist; for iCE40 also nextpnr-ice40 on an HX8K when the design fits.
/// </summary>
public sealed partial class YosysSynthesis(Design design, SynthTarget target, MemoryMapping memories, TemplateRenderer? renderer = null)
{
    private readonly TemplateRenderer templates = renderer ?? TemplateRenderer.Default();

    /// <summary>iCE40 HX8K in the CT256 package: the largest HX part nextpnr-ice40 knows.</summary>
    public const string Ice40Device = "hx8k";
    public const string Ice40Package = "ct256";
    private const long Ice40LogicCells = 7680, Ice40Rams = 32, Ice40Ios = 206;

    /// <summary>Where yosys and nextpnr-ice40 are looked up; null: PATH.</summary>
    public string? ToolSearchPath { get; init; }

    /// <summary>
    /// How long one tool run may take before it is stopped, by default: two hours, the generic synthesis of the largest
    /// lane configurations on two busy cores (a3-fast's took more than 30 minutes beside another synthesis).
    /// `a3gen synth --timeout-minutes` sets it.
    /// </summary>
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromHours(2);

    /// <summary>How long one tool run may take before it is stopped (<see cref="DefaultTimeout"/> unless set).</summary>
    public TimeSpan Timeout { get; init; } = DefaultTimeout;

    /// <summary>When set, the standard-cell flow also runs, in the subfolder asic/, and its figures join the report.</summary>
    public AsicFlow? Asic { get; init; }

    /// <summary>The files synthesis runs on: the generated output with the script for this target and memory mapping.</summary>
    public IReadOnlyList<GeneratedFile> Files()
    {
        var files = new Emitter(templates).Render(design).ToList();
        var verilog = Emitter.RtlFiles(files).Select(m => m.Name).ToList();
        var script = FlowFiles.Script(templates, design, Emitter.GeneratorVersion, verilog, target, memories);
        files[files.FindIndex(f => f.Name == script.Name)] = script;
        return files;
    }

    /// <summary>Generates, synthesizes and writes report.json and report.md into <paramref name="outDir"/> (all or nothing).</summary>
    public SynthReport Run(string outDir)
    {
        SynthReport? report = null;
        Emitter.Publish(outDir, dir =>
        {
            foreach (var file in Files())
            {
                File.WriteAllText(Path.Combine(dir, file.Name), file.Text);
            }
            report = RunIn(dir);
            if (Asic is { } asic)
            {
                var asicDir = Directory.CreateDirectory(Path.Combine(dir, "asic")).FullName;
                report = report with { Asic = asic.RunIn(asicDir) };
            }
            File.WriteAllText(Path.Combine(dir, "report.json"), SynthReportWriter.Json(report));
            File.WriteAllText(Path.Combine(dir, "report.md"), SynthReportWriter.Markdown(report));
        });
        return report!;
    }

    private SynthReport RunIn(string dir)
    {
        var clock = Stopwatch.StartNew();
        var script = FlowFiles.ScriptName(target);
        var yosys = ExternalTool.Require("yosys", "install Yosys (apt-get install -y yosys)", ToolSearchPath);
        var (exit, output) = ExternalTool.Run(yosys, ["-q", "-l", "yosys.log", "-s", script], dir, Timeout);
        if (exit != 0)
        {
            throw new UserException($"yosys failed on {design.Config.Name} ({FlowFiles.TargetName(target)}, exit status {exit}): {ExternalTool.FailureTail(exit, output)}");
        }
        var stat = ReadJson(dir, "stat.json")["modules"] as JObject ?? [];
        var rtlStat = ReadJson(dir, "rtl_stat.json")["modules"] as JObject ?? [];
        var topName = $"{design.Prefix}_top";
        var topCells = (JObject.Parse(File.ReadAllText(Path.Combine(dir, "rtl_top.json")))["modules"]?[topName]?["cells"] as JObject) ?? [];
        var depths = ParseDepths(File.ReadAllText(Path.Combine(dir, "ltp.txt")));

        // Own counts of every synthesized module; instances of other modules are counted through the tree.
        var own = new Dictionary<string, CellCounts>(StringComparer.Ordinal);
        var children = new Dictionary<string, List<(string Type, long Count)>>(StringComparer.Ordinal);
        foreach (var (name, value) in stat)
        {
            var byType = (value?["num_cells_by_type"] as JObject ?? []).Properties().ToDictionary(p => p.Name, p => (long)p.Value, StringComparer.Ordinal);
            var rtl = rtlStat[name];
            own[name] = Classify(byType.Where(t => !IsModuleType(t.Key, stat)), value, rtl);
            children[name] = byType.Where(t => IsModuleType(t.Key, stat)).Select(t => (t.Key, t.Value)).ToList();
        }
        if (!own.ContainsKey(topName))
        {
            throw new UserException($"yosys statistics of {design.Config.Name} name no module {topName}");
        }
        var totals = new Dictionary<string, CellCounts>(StringComparer.Ordinal);
        CellCounts Total(string module)
        {
            if (totals.TryGetValue(module, out var t))
            {
                return t;
            }
            if (!own.TryGetValue(module, out var counts))
            {
                // A black box: an SRAM macro (memories = macro).
                return new CellCounts { Macros = 1 };
            }
            foreach (var (type, count) in children[module])
            {
                counts = counts.Plus(Total(type), count);
            }
            return totals[module] = counts;
        }
        int Depth(string module) =>
            Math.Max(depths.GetValueOrDefault(module), children.TryGetValue(module, out var c) ? c.Select(x => Depth(x.Type)).DefaultIfEmpty(0).Max() : 0);

        var macroBits = design.Memories.ToDictionary(m => m.Instance, m => m.Bits, StringComparer.Ordinal);
        var instances = new List<InstanceReport>();
        foreach (var cell in topCells.Properties().Where(c => IsModuleType((string)c.Value["type"]!, stat)).OrderBy(c => c.Name, StringComparer.Ordinal))
        {
            var type = (string)cell.Value["type"]!;
            var total = Total(type);
            if (total.Macros > 0 && macroBits.TryGetValue(cell.Name, out var bits))
            {
                total = total with { MacroBits = bits };
            }
            instances.Add(new InstanceReport(cell.Name, BaseName(type), total, Depth(type)));
        }
        instances.Add(new InstanceReport("(top glue)", BaseName(topName), own[topName], depths.GetValueOrDefault(topName)));
        var grand = instances.Aggregate(new CellCounts(), (a, i) => a.Plus(i.Total));

        var usedBy = new Dictionary<string, List<string>>(StringComparer.Ordinal);
        foreach (var (parent, list) in children)
        {
            foreach (var (type, count) in list)
            {
                if (!usedBy.TryGetValue(type, out var users))
                {
                    usedBy[type] = users = [];
                }
                var names = parent == topName
                    ? topCells.Properties().Where(c => (string?)c.Value["type"] == type).Select(c => c.Name).ToList()
                    : [];
                users.Add(names.Count > 0 ? $"top ({string.Join(", ", names)})" : count == 1 ? BaseName(parent) : $"{BaseName(parent)} x{count}");
            }
        }
        var modules = own.OrderBy(m => BaseName(m.Key), StringComparer.Ordinal).ThenBy(m => m.Key, StringComparer.Ordinal)
            .Select(m => new ModuleReport(BaseName(m.Key), m.Key, usedBy.GetValueOrDefault(m.Key) ?? [], m.Value, depths.GetValueOrDefault(m.Key)))
            .ToList();

        var checkText = File.ReadAllText(Path.Combine(dir, "check.txt"));
        var problems = Regex.Match(checkText, @"Found and reported (\d+) problems");
        int checkProblems = problems.Success ? int.Parse(problems.Groups[1].Value, CultureInfo.InvariantCulture) : -1;
        if (checkProblems != 0)
        {
            var first = checkText.Split('\n').FirstOrDefault(l => l.Contains("Warning", StringComparison.Ordinal))?.Trim() ?? "no summary line";
            throw new UserException($"yosys check found {(checkProblems < 0 ? "problems" : $"{checkProblems} problems")} in {design.Config.Name} (multiple drivers or a combinational loop): {first}");
        }
        if (grand.Latches > 0)
        {
            throw new UserException($"synthesis of {design.Config.Name} inferred {grand.Latches} latches");
        }
        var longest = ParseLongestPath(File.ReadAllText(Path.Combine(dir, "ltp_flat.txt")), topCells);
        var macros = design.Memories.Select(m => new MacroReport(m.Instance, $"{design.Prefix}_{m.ModuleSuffix}", m.Depth, m.Width, m.AddressWidth, m.Bits,
            m.PortsDescription, m.Purpose, MappingOf(m.Instance, instances))).ToList();
        var pnr = target == SynthTarget.Ice40 ? PlaceAndRoute(dir, grand) : null;
        return new SynthReport(design.Config.Name, topName, FlowFiles.TargetName(target), memories.ToString().ToLowerInvariant(), script,
            Math.Round(clock.Elapsed.TotalSeconds, 1), modules, instances, grand, longest, checkProblems, macros, pnr);
    }

    private string MappingOf(string instance, IReadOnlyList<InstanceReport> instances)
    {
        var i = instances.FirstOrDefault(x => x.Instance == instance);
        if (i is null || i.Total.Macros > 0)
        {
            return "macro (black box)";
        }
        var t = i.Total;
        return target switch
        {
            SynthTarget.Generic => $"{t.FlipFlops} flip-flops",
            _ => $"{t.BlockRams} block RAM, {t.LutRams} LUT RAM, {t.FlipFlops} flip-flops",
        };
    }

    private CellCounts Classify(IEnumerable<KeyValuePair<string, long>> cells, JToken? stat, JToken? rtl)
    {
        long ff = 0, latch = 0, lut = 0, dsp = 0, bram = 0, lutram = 0, total = 0;
        var byType = new SortedDictionary<string, long>(StringComparer.Ordinal);
        foreach (var (type, count) in cells)
        {
            byType[type] = count;
            total += count;
            switch (target)
            {
                case SynthTarget.Xilinx:
                    ff += Regex.IsMatch(type, "^FD[RSCP]E?$") ? count : 0;
                    latch += Regex.IsMatch(type, "^LD[CP]E?$") ? count : 0;
                    lut += Regex.IsMatch(type, "^LUT[1-6]$") ? count : 0;
                    dsp += type.StartsWith("DSP48", StringComparison.Ordinal) ? count : 0;
                    bram += Regex.IsMatch(type, "^RAMB(18|36)") ? count : 0;
                    lutram += Regex.IsMatch(type, "^RAM(32|64|128|256)") ? count : 0;
                    break;
                case SynthTarget.Ice40:
                    ff += type.StartsWith("SB_DFF", StringComparison.Ordinal) ? count : 0;
                    lut += type == "SB_LUT4" ? count : 0;
                    dsp += type == "SB_MAC16" ? count : 0;
                    bram += type.StartsWith("SB_RAM40", StringComparison.Ordinal) ? count : 0;
                    break;
                default:
                    ff += type.Contains("DFF", StringComparison.Ordinal) ? count : 0;
                    latch += type.Contains("DLATCH", StringComparison.Ordinal) ? count : 0;
                    break;
            }
        }
        var transistors = (string?)stat?["estimated_num_transistors"];
        long mul = (long?)rtl?["num_cells_by_type"]?["$mul"] ?? 0;
        return new CellCounts
        {
            Cells = total,
            FlipFlops = ff,
            Latches = latch,
            Luts = lut,
            Dsps = dsp,
            BlockRams = bram,
            LutRams = lutram,
            Transistors = transistors is null ? 0 : long.Parse(transistors.TrimEnd('+'), CultureInfo.InvariantCulture),
            Multipliers = mul,
            MemoryBits = (long?)rtl?["num_memory_bits"] ?? 0,
            ByType = byType,
        };
    }

    private bool IsModuleType(string type, JObject stat) =>
        stat.ContainsKey(type) || type.StartsWith("$paramod", StringComparison.Ordinal) || type.StartsWith(design.Prefix + "_", StringComparison.Ordinal);

    /// <summary>"$paramod$hash\a3_small_fifo" or "$paramod\a3_small_pingpong\MetaWidth=..." -> "fifo", "pingpong".</summary>
    private string BaseName(string yosysName)
    {
        var m = ParamodName().Match(yosysName);
        var name = m.Success ? m.Groups[1].Value : yosysName;
        return name.StartsWith(design.Prefix + "_", StringComparison.Ordinal) ? name[(design.Prefix.Length + 1)..] : name;
    }

    [GeneratedRegex(@"^\$paramod(?:\$[0-9a-f]+)?\\([^\\]+)")]
    private static partial Regex ParamodName();

    [GeneratedRegex(@"Longest topological path in (.+) \(length=(\d+)\):")]
    private static partial Regex LtpHeader();

    private static Dictionary<string, int> ParseDepths(string text) =>
        LtpHeader().Matches(text).ToDictionary(m => m.Groups[1].Value, m => int.Parse(m.Groups[2].Value, CultureInfo.InvariantCulture), StringComparer.Ordinal);

    /// <summary>The flattened path's nodes carry instance prefixes (u_output.u_divider....): the most frequent one names where it lies.</summary>
    private LongestPath ParseLongestPath(string text, JObject topCells)
    {
        var header = LtpHeader().Match(text);
        int depth = header.Success ? int.Parse(header.Groups[2].Value, CultureInfo.InvariantCulture) : 0;
        var nodes = text.Split('\n').Select(l => Regex.Match(l, @"^\s+\d+: (\S+(?: \[\d+\])?)")).Where(m => m.Success).Select(m => m.Groups[1].Value).ToList();
        var prefixes = nodes.Select(n =>
        {
            var parts = Regex.Matches(n, @"\\?(u_[A-Za-z0-9_]+)\.").Select(x => x.Groups[1].Value).ToList();
            return parts.Count == 0 ? "(top glue)" : string.Join('.', parts);
        }).ToList();
        var instance = prefixes.GroupBy(p => p).OrderByDescending(g => g.Count()).Select(g => g.Key).FirstOrDefault() ?? "(top glue)";
        var first = instance.Split('.')[0];
        var module = topCells[first]?["type"] is { } t ? BaseName((string)t!) : "top";
        if (instance.Contains('.'))
        {
            module = instance.Split('.')[^1].Replace("u_", "", StringComparison.Ordinal);
        }
        return new LongestPath(depth, instance, module, nodes.FirstOrDefault() ?? "", nodes.LastOrDefault() ?? "");
    }

    private PlaceAndRoute PlaceAndRoute(string dir, CellCounts total)
    {
        int mhz = design.Config.TargetClockMhz;
        long ios = design.Ports.Sum(p => (long)p.Width);
        string? misfit =
            total.Luts > Ice40LogicCells ? $"{total.Luts} LUTs > {Ice40LogicCells} logic cells"
            : total.FlipFlops > Ice40LogicCells ? $"{total.FlipFlops} flip-flops > {Ice40LogicCells} logic cells"
            : total.BlockRams > Ice40Rams ? $"{total.BlockRams} block RAMs > {Ice40Rams}"
            : ios > Ice40Ios ? $"{ios} I/O pins > {Ice40Ios}"
            : null;
        if (misfit is not null)
        {
            return new PlaceAndRoute($"{Ice40Device}-{Ice40Package}", false, $"does not fit: {misfit}; no place and route", 0, mhz, total.Luts, Ice40LogicCells, total.BlockRams, Ice40Rams, ios, Ice40Ios);
        }
        var nextpnr = ExternalTool.Require("nextpnr-ice40", "install nextpnr-ice40 (apt-get install -y nextpnr-ice40 fpga-icestorm)", ToolSearchPath);
        string[] args = [$"--{Ice40Device}", "--package", Ice40Package, "--json", "netlist.json", "--report", "pnr.json", "--freq", mhz.ToString(CultureInfo.InvariantCulture),
            "--timing-allow-fail", "--pcf-allow-unconstrained", "--seed", "1", "-q", "-l", "pnr.log"];
        var (exit, output) = ExternalTool.Run(nextpnr, args, dir, Timeout);
        if (exit != 0 || !File.Exists(Path.Combine(dir, "pnr.json")))
        {
            throw new UserException($"nextpnr-ice40 failed on {design.Config.Name} (exit status {exit}): {ExternalTool.FailureTail(exit, output)}");
        }
        var report = JObject.Parse(File.ReadAllText(Path.Combine(dir, "pnr.json")));
        double fmax = report["fmax"] is JObject f ? f.Properties().Select(p => (double?)p.Value["achieved"] ?? 0).DefaultIfEmpty(0).Min() : 0;
        long Used(string k) => (long?)report["utilization"]?[k]?["used"] ?? 0;
        long Available(string k) => (long?)report["utilization"]?[k]?["available"] ?? 0;
        return new PlaceAndRoute($"{Ice40Device}-{Ice40Package}", true, "nextpnr-ice40 --seed 1, I/O placed automatically", Math.Round(fmax, 2), mhz,
            Used("ICESTORM_LC"), Available("ICESTORM_LC"), Used("ICESTORM_RAM"), Available("ICESTORM_RAM"), Used("SB_IO"), Available("SB_IO"));
    }

    /// <summary>Yosys's simulation models of its internal gate cells (share/yosys/simcells.v beside the yosys binary).</summary>
    public static string SimulationCells(string? searchPath = null)
    {
        var yosys = new FileInfo(ExternalTool.Require("yosys", "install Yosys (apt-get install -y yosys)", searchPath));
        var binary = yosys.ResolveLinkTarget(returnFinalTarget: true)?.FullName ?? yosys.FullName;
        var path = Path.Combine(Path.GetDirectoryName(Path.GetDirectoryName(binary)!)!, "share", "yosys", "simcells.v");
        return File.Exists(path) ? path : throw new UserException($"Yosys's simulation cell library is not at {path}");
    }

    /// <summary>The first JSON object of a file: Yosys 0.23's stat -json appends the hierarchy as text after it.</summary>
    private static JObject ReadJson(string dir, string name)
    {
        using var reader = new Newtonsoft.Json.JsonTextReader(new StringReader(File.ReadAllText(Path.Combine(dir, name))));
        var root = JObject.Load(reader);
        // Module names are RTLIL identifiers there (\name), cell types are not: use the cell-type spelling.
        if (root["modules"] is JObject modules)
        {
            root["modules"] = new JObject(modules.Properties().Select(p => new JProperty(p.Name.StartsWith('\\') ? p.Name[1..] : p.Name, p.Value)));
        }
        return root;
    }
}
