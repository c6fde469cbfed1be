using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using A3Gen.Elaboration;
using A3Gen.Emission;
using A3Gen.Tools;

namespace A3Gen.Synthesis;

/// <summary>
/// The standard-cell flow: Yosys maps the generated RTL onto the OSU 0.18 um cells (dfflibmap, delay-driven
/// ABC), the SRAMs stay macros with a liberty timing model (<see cref="SramLiberty"/>), OpenSTA times the
/// netlist: worst setup slack, achieved clock, the worst path ending in each instance of the top, cell area
/// and power; every delay also in FO4 of the library, measured on an inverter chain (<see cref="Fo4Chain"/>).
/// </summary>
public sealed partial class AsicFlow
{
    /// <summary>The OSU 0.18 um standard cells of Debian's qflow-tech-osu018.</summary>
    public const string DefaultLiberty = "/usr/share/qflow/tech/osu018/osu018_stdcells.lib";

    /// <summary>Highest clock accepted (MHz): far above anything these cells reach, so a typo is caught.</summary>
    public const double MaxClockMhz = 100_000;

    /// <summary>Switching activity for report_power: toggles per clock of every net, and the time at 1.</summary>
    public const double Activity = 0.1, Duty = 0.5;

    /// <summary>Driving cell and load ABC maps against, and the transition of every input and of the ideal clock (ns).</summary>
    public const string DrivingCell = "INVX1";
    public const double InputTransitionNs = 0.1, OutputLoadPf = 0.01;

    public const string ScriptName = "synth_asic.ys";

    private readonly Design design;
    private readonly TemplateRenderer templates;

    public AsicFlow(Design design, double? clockMhz = null, TemplateRenderer? renderer = null)
    {
        this.design = design;
        templates = renderer ?? TemplateRenderer.Default();
        ClockMhz = clockMhz ?? design.Config.TargetClockMhz;
        if (!double.IsFinite(ClockMhz) || ClockMhz <= 0 || ClockMhz > MaxClockMhz)
        {
            throw new UserException($"--clock-mhz must be a number in (0, {MaxClockMhz.ToString(CultureInfo.InvariantCulture)}], got {ClockMhz.ToString(CultureInfo.InvariantCulture)}");
        }
    }

    public double ClockMhz { get; }

    public double PeriodNs => 1000.0 / ClockMhz;

    public string Liberty { get; init; } = DefaultLiberty;

    /// <summary>Where yosys and sta are looked up; null: PATH.</summary>
    public string? ToolSearchPath { get; init; }

    /// <summary>How long one tool run may take before it is stopped (as <see cref="YosysSynthesis.Timeout"/>).</summary>
    public TimeSpan Timeout { get; init; } = YosysSynthesis.DefaultTimeout;

    /// <summary>Generates, maps and times the design into <paramref name="outDir"/> (all or nothing); writes asic.json and asic.md.</summary>
    public AsicTiming Run(string outDir)
    {
        AsicTiming? timing = null;
        Emitter.Publish(outDir, dir =>
        {
            timing = RunIn(dir);
            File.WriteAllText(Path.Combine(dir, "asic.json"), SynthReportWriter.Json(timing));
            File.WriteAllText(Path.Combine(dir, "asic.md"), AsicReportWriter.Markdown(design.Config.Name, timing));
        });
        return timing!;
    }

    /// <summary>Runs the flow in <paramref name="dir"/> (an existing folder).</summary>
    public AsicTiming RunIn(string dir)
    {
        var clock = Stopwatch.StartNew();
        if (!File.Exists(Liberty))
        {
            throw new UserException($"the OSU 0.18 um liberty file {Liberty} is missing (apt-get install -y qflow-tech-osu018)");
        }
        var yosys = ExternalTool.Require("yosys", "install Yosys (apt-get install -y yosys)", ToolSearchPath);
        var sta = ExternalTool.Require("sta", "install OpenSTA (apt-get install -y opensta)", ToolSearchPath);
        var p = design.Prefix;
        var emitter = new Emitter(templates);
        // The emitted file set's Verilog, but the SRAM module: the macro wrapper below stands in for it.
        var verilog = Emitter.RtlFiles(emitter.Render(design)).Where(f => f.Name != $"{p}_sram.v" && f.Name != $"{p}_sram_dp.v").ToList();
        foreach (var file in verilog)
        {
            File.WriteAllText(Path.Combine(dir, file.Name), file.Text);
        }
        File.WriteAllText(Path.Combine(dir, SramLiberty.FileName(design)), SramLiberty.Liberty(design));
        File.WriteAllText(Path.Combine(dir, SramLiberty.WrapperFileName(design)), SramLiberty.Wrapper(design));
        File.WriteAllText(Path.Combine(dir, "abc_constr.txt"), $"set_driving_cell {DrivingCell}\nset_load {Num(OutputLoadPf)}\n");
        var periodPs = (int)Math.Round(PeriodNs * 1000);
        File.WriteAllText(Path.Combine(dir, ScriptName), templates.Render("flow/asic.ys.scriban", new
        {
            ConfigName = design.Config.Name,
            Top = $"{p}_top",
            Liberty,
            PeriodPs = periodPs,
            WrapperFile = SramLiberty.WrapperFileName(design),
            SramLiberty = SramLiberty.FileName(design),
            OtherFiles = verilog.Select(f => f.Name).ToList(),
            InlineModules = InlinedModules(design),
            ScriptName,
            ConstrFile = "abc_constr.txt",
            AbcScript = AbcScript(periodPs),
            BufferCell = "BUFX2",
            BufferIn = "A",
            BufferOut = "Y",
        }));

        var (exit, output) = ExternalTool.Run(yosys, ["-q", "-l", "yosys_asic.log", "-s", ScriptName], dir, Timeout);
        if (exit != 0)
        {
            throw new UserException($"yosys failed mapping {design.Config.Name} onto the standard cells (exit status {exit}): {ExternalTool.FailureTail(exit, output)}");
        }
        var check = File.ReadAllText(Path.Combine(dir, "asic_check.txt"));
        var problems = Regex.Match(check, @"Found and reported (\d+) problems");
        if (!problems.Success || problems.Groups[1].Value != "0")
        {
            throw new UserException($"yosys check found problems in the mapped {design.Config.Name}: {check.Split('\n').FirstOrDefault(l => l.Contains("Warning", StringComparison.Ordinal))?.Trim() ?? "no summary"}");
        }
        var stat = File.ReadAllText(Path.Combine(dir, "asic_stat.txt"));
        var yosysCells = long.Parse(Regex.Match(stat, @"Number of cells:\s+(\d+)").Groups[1].Value, CultureInfo.InvariantCulture);
        var byType = new SortedDictionary<string, long>(StringComparer.Ordinal);
        foreach (Match m in Regex.Matches(stat, @"^\s{5}(\S+)\s+(\d+)$", RegexOptions.Multiline))
        {
            byType[m.Groups[1].Value] = long.Parse(m.Groups[2].Value, CultureInfo.InvariantCulture);
        }
        var cellArea = double.Parse(Regex.Match(stat, @"Chip area for module '[^']+': ([0-9.]+)").Groups[1].Value, CultureInfo.InvariantCulture);
        var shapes = SramLiberty.Shapes(design).ToDictionary(s => s.CellName(p), s => s.Bits);
        var macroArea = byType.Where(t => shapes.ContainsKey(t.Key)).Sum(t => t.Value * shapes[t.Key] * SramLiberty.AreaPerBitUm2);

        var netlist = new AsicNetlist(File.ReadAllText(Path.Combine(dir, "netlist_asic_yosys.v")));
        File.WriteAllText(Path.Combine(dir, "netlist_asic.v"), netlist.Text);
        File.WriteAllText(Path.Combine(dir, "netlist_asic.names"), netlist.NameMap());
        File.Delete(Path.Combine(dir, "netlist_asic_yosys.v"));
        if (netlist.Cells.Count != yosysCells)
        {
            throw new UserException($"the renamed netlist of {design.Config.Name} has {netlist.Cells.Count} instances, Yosys counted {yosysCells}");
        }

        var fo4 = Fo4Chain.Measure(sta, dir, Liberty, Timeout);
        var groups = Groups(netlist);
        File.WriteAllText(Path.Combine(dir, "sta.tcl"), StaScript(netlist, groups));
        var (staExit, staOut) = ExternalTool.Run(sta, ["-exit", "sta.tcl"], dir, Timeout);
        File.WriteAllText(Path.Combine(dir, "sta.log"), staOut);
        var bad = staOut.Split('\n').FirstOrDefault(l => l.StartsWith("Error", StringComparison.Ordinal) || l.StartsWith("Warning", StringComparison.Ordinal));
        if (staExit != 0 || bad is not null)
        {
            throw new UserException($"OpenSTA failed on the netlist of {design.Config.Name} (exit status {staExit}): {bad?.Trim() ?? ExternalTool.FailureTail(staExit, staOut)}");
        }
        var linked = Regex.Match(staOut, @"^A3GEN instances (\d+)$", RegexOptions.Multiline);
        long staCells = linked.Success ? long.Parse(linked.Groups[1].Value, CultureInfo.InvariantCulture) : -1;
        if (staCells != yosysCells)
        {
            throw new UserException($"OpenSTA linked {staCells} instances of {design.Config.Name}, Yosys mapped {yosysCells}: logic would be missing from the timing");
        }
        var report = new StaReport(staOut, netlist, fo4.Ps, PeriodNs);
        var stages = groups.Select(g => new AsicStageTiming(g.Stage, g.Label, report.Path($"{g.Key}:any"), report.Path($"{g.Key}:reg"))).ToList();
        var worst = stages.Select(s => s.Worst).OfType<AsicPath>().MaxBy(x => x.CycleNs)
            ?? throw new UserException($"OpenSTA reported no timed path in {design.Config.Name}");
        var worstReg = stages.Select(s => s.WorstRegisterToRegister).OfType<AsicPath>().MaxBy(x => x.CycleNs);
        var power = report.Power();
        return new AsicTiming(Path.GetFileName(Liberty), ClockMhz, PeriodNs, fo4.Ps, fo4.Method, Math.Round(PeriodNs - worst.CycleNs, 4),
            Math.Round(1000.0 / worst.CycleNs, 1), worst, worstReg, stages, staCells, Math.Round(cellArea, 1), Math.Round(macroArea, 1),
            power.Total, power.Internal, power.Switching, power.Leakage,
            $"global activity {Num(Activity)} toggles a net a cycle, duty {Num(Duty)}, at {Num(ClockMhz)} MHz (OpenSTA set_power_activity -global; the SRAM macros carry no power model)",
            $"liberty cell a shape: clock to read data {Num(SramLiberty.AccessNs)} ns, setup {Num(SramLiberty.SetupNs)} ns, {Num(SramLiberty.AreaPerBitUm2)} um^2 a bit",
            byType, Math.Round(clock.Elapsed.TotalSeconds, 1));
    }

    /// <summary>A group of end points: the sequential cells (flip-flops, SRAM macros) of one or more instances of the top.</summary>
    private sealed record EndpointGroup(string Key, string Stage, string Label, IReadOnlyList<string> DataPins, IReadOnlyList<string> ClockPins);

    private static readonly (string Stage, Func<string, bool> Match)[] StageOf =
    [
        ("candidate selection", i => i == "u_candidate"),
        ("dot product", i => i == "u_dot_product"),
        ("exponent", i => i == "u_exponent"),
        ("output (with the divider)", i => i == "u_output"),
        ("online stage (one-pass softmax, with the normalizer)", i => i == "u_online"),
        ("queues", i => i.EndsWith("_queue", StringComparison.Ordinal)),
        ("buffer control", i => i.EndsWith("_buffer_ctrl", StringComparison.Ordinal)),
        (MacroStage, i => false),
        ("top glue", i => i == ""),
    ];

    /// <summary>The group of the SRAM macros' inputs (by name: the stage list's order may change).</summary>
    private const string MacroStage = "SRAM macro inputs (address, enables, write data)";

    private List<EndpointGroup> Groups(AsicNetlist netlist)
    {
        var macroTypes = SramLiberty.Shapes(design).Select(s => s.CellName(design.Prefix)).ToHashSet(StringComparer.Ordinal);
        var byStage = new Dictionary<string, (SortedSet<string> Instances, List<string> Data, List<string> Clocks)>(StringComparer.Ordinal);
        foreach (var cell in netlist.Cells)
        {
            bool macro = macroTypes.Contains(cell.Type);
            bool flop = cell.Type.StartsWith("DFF", StringComparison.Ordinal) || cell.Type == "LATCH";
            if (!macro && !flop)
            {
                continue;
            }
            var instance = AsicNetlist.TopInstance(cell.Original);
            var stage = macro ? MacroStage : StageOf.FirstOrDefault(s => s.Match(instance)).Stage ?? $"other ({instance})";
            if (!byStage.TryGetValue(stage, out var g))
            {
                byStage[stage] = g = (new SortedSet<string>(StringComparer.Ordinal), [], []);
            }
            g.Instances.Add(instance == "" ? "(top)" : instance);
            foreach (var (pin, _) in cell.Pins)
            {
                bool clockPin = pin is "CLK" or "clk_i";
                bool data = macro ? !clockPin && !pin.StartsWith("rdata_o", StringComparison.Ordinal) : pin == "D";
                if (clockPin)
                {
                    g.Clocks.Add($"{cell.Name}/{pin}");
                }
                else if (data)
                {
                    g.Data.Add($"{cell.Name}/{pin}");
                }
            }
        }
        int k = 0;
        return StageOf.Select(s => s.Stage).Concat(byStage.Keys.Where(s => !StageOf.Any(x => x.Stage == s)).Order(StringComparer.Ordinal))
            .Where(byStage.ContainsKey)
            .Select(s => new EndpointGroup($"g{k++}", s, Summarize(byStage[s].Instances), byStage[s].Data, byStage[s].Clocks))
            .Append(new EndpointGroup("ports", "output ports", "(outputs of the top)", [], []))
            .ToList();
    }

    /// <summary>
    /// ABC's delay-oriented mapping at the clock period, as Yosys's inline script (commands separated by
    /// ';', arguments by ','): structural choices (<c>dch</c>), the delay-driven standard-cell mapper
    /// (<c>map -D</c>), then buffering (after <c>topo</c>: <c>buffer</c> stops at a node left without fanout)
    /// and gate sizing against the period with the constraint file's driver and load. Yosys 0.23's default script for <c>abc -D</c> (<c>&amp;nf</c>) maps Yosys's Brent-Kung carry
    /// logic into a ripple of AOI/OAI gates: a registered 27-bit subtraction took 3.27 ns with it and
    /// 1.37 ns with this one; an 11 x 11 multiplier 3.96 ns and 3.14 ns.
    /// </summary>
    public static string AbcScript(int periodPs) =>
        $"+strash;dch;map,-D,{periodPs};topo;buffer;upsize,-D,{periodPs};dnsize,-D,{periodPs};stime,-p";

    /// <summary>
    /// Modules mapped as part of their parent (the candidate module): the column-sides and the merge-tree
    /// nodes (Yosys names a parameterized module's copies <c>$paramod\&lt;name&gt;\...</c>, hence the pattern).
    /// </summary>
    private static IReadOnlyList<string> InlinedModules(Design design) =>
        [$"{design.Prefix}_column_side", $"$paramod*{design.Prefix}_merge_node*"];

    private static string Summarize(SortedSet<string> instances) =>
        instances.Count <= 4 ? string.Join(", ", instances) : $"{string.Join(", ", instances.Take(3))} and {instances.Count - 3} more";

    private string StaScript(AsicNetlist netlist, IReadOnlyList<EndpointGroup> groups)
    {
        var inv = CultureInfo.InvariantCulture;
        var sb = new StringBuilder();
        sb.Append(inv, $"# generated by A3Gen from {design.Config.Name} - do not edit\n# OpenSTA: static timing of netlist_asic.v at {Num(ClockMhz)} MHz; ideal clock, inputs and outputs timed against the same clock.\n");
        sb.Append(inv, $"read_liberty {Liberty}\nread_liberty {SramLiberty.FileName(design)}\nread_verilog netlist_asic.v\nlink_design {design.Prefix}_top\n");
        sb.Append("puts \"A3GEN instances [llength [get_cells *]]\"\n");
        var clk = design.ClockPort;
        sb.Append(inv, $"create_clock -name {clk} -period {Num(PeriodNs)} [get_ports {clk}]\n");
        sb.Append(inv, $"set_clock_transition {Num(InputTransitionNs)} [get_clocks {clk}]\n");
        sb.Append(inv, $"set_input_delay 0 -clock {clk} [delete_from_list [all_inputs] [get_ports {clk}]]\n");
        sb.Append(inv, $"set_output_delay 0 -clock {clk} [all_outputs]\n");
        sb.Append(inv, $"set_input_transition {Num(InputTransitionNs)} [all_inputs]\nset_load {Num(OutputLoadPf)} [all_outputs]\n");
        var allClocks = groups.SelectMany(g => g.ClockPins).ToList();
        sb.Append("set a3gen_launch [get_pins {").Append(string.Join(' ', allClocks)).Append("}]\n");
        foreach (var g in groups)
        {
            var to = g.Key == "ports" ? "[all_outputs]" : "[get_pins {" + string.Join(' ', g.DataPins) + "}]";
            if (g.Key != "ports" && g.DataPins.Count == 0)
            {
                continue;
            }
            sb.Append(inv, $"set a3gen_to {to}\n");
            sb.Append(inv, $"puts \"A3GEN path {g.Key}:any\"\nreport_checks -path_delay max -to $a3gen_to -digits 4\n");
            sb.Append(inv, $"puts \"A3GEN path {g.Key}:reg\"\nreport_checks -path_delay max -from $a3gen_launch -to $a3gen_to -digits 4\n");
        }
        sb.Append(inv, $"set_power_activity -global -activity {Num(Activity)} -duty {Num(Duty)}\n");
        sb.Append("puts \"A3GEN power\"\nreport_power -digits 6\n");
        return sb.ToString();
    }

    internal static string Num(double v) => v.ToString("0.######", CultureInfo.InvariantCulture);
}
