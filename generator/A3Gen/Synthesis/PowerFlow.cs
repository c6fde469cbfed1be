using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using A3Gen.Elaboration;
using A3Gen.Model;
using A3Gen.Simulation;
using A3Gen.Tools;

namespace A3Gen.Synthesis;

/// <summary>A query setting the energy is measured for: exact, or approximate with M = n / <see cref="IterationDivisor"/> and T percent.</summary>
public sealed record EnergyMode(string Name, bool Approximate, int IterationDivisor, double ThresholdPercent)
{
    public static IReadOnlyList<EnergyMode> Standard { get; } =
    [
        new("exact", false, 0, 0),
        new("conservative", true, 2, 5),
        new("aggressive", true, 8, 10),
    ];

    public QuerySettings Settings(Design design, int rows) =>
        Approximate ? QuerySettings.ApproximateFor(design, Math.Max(0, rows / IterationDivisor), ThresholdPercent) : QuerySettings.Exact;

    public string Describe => Approximate ? $"{Name} (M = n/{IterationDivisor}, T = {ThresholdPercent.ToString(CultureInfo.InvariantCulture)}%)" : Name;
}

/// <summary>Energy of one stage over a query: standard cells (internal, switching, leakage) and SRAM macros (accesses and leakage). Joules.</summary>
public sealed record StageEnergy(string Stage, long Instances, PowerSplit Cells, double SramDynamic, double SramLeakage, long SramReads, long SramWrites)
{
    public double Total => Cells.Total + SramDynamic + SramLeakage;
}

/// <summary>The energy of one query setting on one workload, from the gate-level simulation's activity.</summary>
public sealed record ModeEnergy(
    string Mode,
    int Queries,
    int WindowQueries,
    long WindowCycles,
    double CyclesPerQuery,
    double ModelCyclesPerQuery,
    double MeanCandidates,
    double MeanKept,
    IReadOnlyList<StageEnergy> Stages,
    double EnergyPerQueryJ,
    double QueriesPerSecond,
    double QueriesPerJoule,
    double AveragePowerW,
    double SimulationSeconds)
{
    public double EnergyPerQueryNj => EnergyPerQueryJ * 1e9;

    /// <summary>The cycle model's work per query of this mode's queries (mean over every query of the workloads): what an energy model calibrated on this run is fitted against.</summary>
    public WorkPerQuery? Work { get; init; }
}

/// <summary>One workload of a power run: a name for messages (a data file, or a trace's head) and its stimulus.</summary>
public sealed record EnergyWorkload(string Name, Stimulus Stimulus);

/// <summary>What share of the netlist's driven nets got a measured activity, and the ones that did not (they take the reference activity).</summary>
public sealed record ActivityCoverage(long Nets, long Measured, IReadOnlyList<string> Defaulted)
{
    public double Share => Nets == 0 ? 0 : (double)Measured / Nets;
}

/// <summary>The report of <see cref="PowerFlow"/>.</summary>
public sealed record EnergyReport(
    string Config,
    string ConfigHash,
    string Workload,
    int Workloads,
    int Rows,
    double ClockMhz,
    string ClockSource,
    string ActivitySource,
    string Approximation,
    double UniformCheckModelW,
    double UniformCheckOpenStaW,
    string SramModel,
    IReadOnlyList<SramAccessEnergy> SramShapes,
    IReadOnlyList<ModeEnergy> Modes,
    IReadOnlyDictionary<string, ActivityCoverage> Coverage,
    double Seconds);

/// <summary>
/// Energy per query from measured activity on the standard-cell flow: the mapped netlist (<c>netlist_asic.v</c>
/// of <see cref="AsicFlow"/>) is simulated under Icarus with zero-delay models of the OSU 0.18 um cells generated from the liberty (<see cref="LibertyCellModels"/>), behavioural models of
/// the SRAM macros and the generated self-checking testbench (bit-exact against the golden model); every net of
/// the netlist is dumped to a VCD and its toggles counted over the steady-state window (<see cref="ActivityVcd"/>).
/// OpenSTA gives each instance's power at two global activities (<see cref="PowerModel"/>), scaled here by the
/// instance's measured toggle rate; the SRAM macros are charged per access (<see cref="SramEnergy"/>).
/// </summary>
public sealed class PowerFlow(Design design, string asicDir)
{
    public string Liberty { get; init; } = AsicFlow.DefaultLiberty;

    public string? ToolSearchPath { get; init; }

    public TimeSpan Timeout { get; init; } = TimeSpan.FromMinutes(60);

    /// <summary>Keep each mode's VCD (power/gate_sim/&lt;mode&gt;.vcd) instead of deleting it once read.</summary>
    public bool KeepVcd { get; init; }

    private static readonly (string Stage, Func<string, bool> Match)[] StageOf =
    [
        ("candidate selection", i => i == "u_candidate"),
        ("dot product", i => i == "u_dot_product"),
        ("exponent", i => i == "u_exponent"),
        ("output", i => i == "u_output"),
        ("online stage (one-pass)", i => i == "u_online"),
        ("queues, buffers, control", i => true),
    ];

    /// <summary>The stage an instance of the top belongs to; SRAMs by the memory they are (K, V, sorted keys, buffers).</summary>
    public static string StageOfInstance(string topInstance, bool sram) =>
        sram
            ? topInstance switch
            {
                // u_key_sram, or with lanes its banks u_key_sram0..P-1; the same for V.
                _ when topInstance.StartsWith("u_key_sram", StringComparison.Ordinal) || topInstance.StartsWith("u_value_sram", StringComparison.Ordinal) => "K and V memories",
                _ when topInstance.Contains("sorted", StringComparison.Ordinal) || topInstance == "u_candidate" => "sorted-key memory",
                _ => "buffer memories (score, exp)",
            }
            : StageOf.First(s => s.Match(topInstance)).Stage;

    /// <summary>Refuses, in one line, a workload the flow cannot measure: fewer than 2 queries, or queries that do not run over all loaded rows.</summary>
    public static void ValidateWorkload(Stimulus workload, string workloadName)
    {
        if (workload.Queries.Count < 2)
        {
            throw new UserException($"{workloadName} has {workload.Queries.Count} quer{(workload.Queries.Count == 1 ? "y" : "ies")}; energy per query is measured between the first and the last of at least 2 back-to-back queries");
        }
        if (workload.Keys.Length == 0 || workload.Queries.Any(q => q.Rows != workload.Keys.Length))
        {
            throw new UserException($"{workloadName}: every query must run over all {workload.Keys.Length} loaded rows");
        }
    }

    /// <summary>Runs the workload under every mode at <paramref name="clockMhz"/> and writes the artefacts into <paramref name="workDir"/>.</summary>
    public EnergyReport Run(Stimulus workload, string workloadName, double clockMhz, string clockSource, IReadOnlyList<EnergyMode> modes, string workDir) =>
        Run([new EnergyWorkload(workloadName, workload)], workloadName, clockMhz, clockSource, modes, workDir);

    /// <summary>
    /// Runs several workloads (e.g. heads of a trace, each with its own K and V) under every mode: each is simulated on
    /// its own, and a mode's energy per query is the sum of their windows' energies over the sum of their windows' queries.
    /// </summary>
    public EnergyReport Run(IReadOnlyList<EnergyWorkload> workloads, string workloadName, double clockMhz, string clockSource, IReadOnlyList<EnergyMode> modes, string workDir)
    {
        var clock = Stopwatch.StartNew();
        if (workloads.Count == 0)
        {
            throw new UserException($"{workloadName}: no workload to measure");
        }
        foreach (var w in workloads)
        {
            ValidateWorkload(w.Stimulus, w.Name);
        }
        if (!File.Exists(Liberty))
        {
            throw new UserException($"{Liberty} is missing (apt-get install -y qflow-tech-osu018)");
        }
        var netlistPath = Path.Combine(asicDir, "netlist_asic.v");
        if (!File.Exists(netlistPath))
        {
            throw new UserException($"{netlistPath} is missing: run scripts/a3gen synth --target asic first or leave --asic out");
        }
        var netlist = new AsicNetlist(File.ReadAllText(netlistPath));
        // netlist_asic.v is already renamed for OpenSTA: the names Yosys gave (with the instance path) are in netlist_asic.names.
        var namesPath = Path.Combine(asicDir, "netlist_asic.names");
        var original = File.Exists(namesPath)
            ? File.ReadLines(namesPath).Select(l => l.Split(' ', 2)).Where(f => f.Length == 2).ToDictionary(f => f[0], f => f[1], StringComparer.Ordinal)
            : throw new UserException($"{namesPath} is missing: the standard-cell flow writes it beside netlist_asic.v");
        string Original(string name) => original.TryGetValue(name, out var o) ? o : name;
        var macroShapes = SramLiberty.Shapes(design).ToDictionary(s => s.CellName(design.Prefix), s => s, StringComparer.Ordinal);

        // OpenSTA: every instance's power at activities 0 and the reference, and the check total.
        var sta = ExternalTool.Require("sta", "install OpenSTA (apt-get install -y opensta)", ToolSearchPath);
        Directory.CreateDirectory(workDir);
        var periodNs = 1000.0 / clockMhz;
        File.WriteAllText(Path.Combine(workDir, "power.tcl"), StaScript(workDir, periodNs));
        var (staExit, staOut) = ExternalTool.Run(sta, ["-exit", "power.tcl"], workDir, Timeout);
        File.WriteAllText(Path.Combine(workDir, "power_sta.log"), staOut);
        var bad = staOut.Split('\n').FirstOrDefault(l => l.StartsWith("Error", StringComparison.Ordinal) || l.StartsWith("Warning", StringComparison.Ordinal));
        if (staExit != 0 || bad is not null)
        {
            throw new UserException($"OpenSTA failed on the power of {design.Config.Name} (exit status {staExit}): {bad?.Trim() ?? "see power_sta.log"}");
        }
        var model = new PowerModel(staOut);
        if (model.Instances.Count != netlist.Cells.Count)
        {
            throw new UserException($"OpenSTA reported the power of {model.Instances.Count} instances of {design.Config.Name}, the netlist has {netlist.Cells.Count}");
        }
        var check = model.Predict(PowerModel.CheckActivity).Total;

        // Gate-level simulation files: the cells, the netlist under another name, a top with the RTL's ports, the macros, the dump.
        var simDir = Path.Combine(workDir, "gate_sim");
        Directory.CreateDirectory(simDir);
        var cellsTop = $"{design.Prefix}_top_cells";
        var renamed = Regex.Replace(netlist.Text, $@"^module {Regex.Escape(design.Prefix)}_top\(", $"module {cellsTop}(", RegexOptions.Multiline);
        if (renamed == netlist.Text)
        {
            throw new UserException($"{netlistPath} does not define module {design.Prefix}_top");
        }
        File.WriteAllText(Path.Combine(simDir, "netlist_cells.v"), renamed);
        File.WriteAllText(Path.Combine(simDir, "top_wrapper.v"), TopWrapper(netlist.Text, cellsTop));
        File.WriteAllText(Path.Combine(simDir, "sram_models.v"), SramModels(macroShapes.Values));
        File.WriteAllText(Path.Combine(simDir, "cells.v"), LibertyCellModels.Generate(File.ReadAllText(Liberty),
            netlist.Cells.Select(c => c.Type).Where(t => !macroShapes.ContainsKey(t)), Path.GetFileName(Liberty)));
        var outputsOf = OutputPins(netlist, macroShapes);
        // One dump file for every mode, so one compile serves them all.
        var vcd = Path.GetFullPath(Path.Combine(simDir, "activity.vcd"));
        File.WriteAllText(Path.Combine(simDir, "dump.v"),
            $"module {design.Prefix}_activity_dump;\n  initial begin\n    $dumpfile(\"{vcd}\");\n    $dumpvars(1, {design.Prefix}_tb.u_dut.u_cells);\n  end\nendmodule\n");

        var modeResults = new List<ModeEnergy>();
        var coverage = new Dictionary<string, ActivityCoverage>(StringComparer.Ordinal);
        foreach (var mode in modes)
        {
            var stageSums = new List<StageEnergy>();
            var works = new List<StageWork>();
            var defaulted = new SortedSet<string>(StringComparer.Ordinal);
            long cycles = 0, nets = 0, modelSpan = 0;
            int per = 0, queries = 0, modelIntervals = 0;
            double candidates = 0, kept = 0, simSeconds = 0;
            foreach (var (w, index) in workloads.Select((w, i) => (w, i)))
            {
                var head = RunOne(w, mode, index);
                foreach (var s in head.Stages)
                {
                    int at = stageSums.FindIndex(x => x.Stage == s.Stage);
                    if (at < 0)
                    {
                        stageSums.Add(s);
                    }
                    else
                    {
                        var x = stageSums[at];
                        stageSums[at] = x with
                        {
                            Instances = Math.Max(x.Instances, s.Instances),
                            Cells = x.Cells.Add(s.Cells),
                            SramDynamic = x.SramDynamic + s.SramDynamic,
                            SramLeakage = x.SramLeakage + s.SramLeakage,
                            SramReads = x.SramReads + s.SramReads,
                            SramWrites = x.SramWrites + s.SramWrites,
                        };
                    }
                }
                cycles += head.Cycles;
                per += head.WindowQueries;
                queries += head.Queries;
                nets = head.Coverage.Nets;
                defaulted.UnionWith(head.Coverage.Defaulted);
                works.AddRange(head.Work);
                candidates += head.Candidates;
                kept += head.Kept;
                modelSpan += head.ModelSpan;
                modelIntervals += head.Queries - 1;
                simSeconds += head.Seconds;
            }
            coverage[mode.Name] = new ActivityCoverage(nets, nets - defaulted.Count, [.. defaulted]);
            var perQuery = stageSums.Select(s => s with { Cells = s.Cells.Scale(1.0 / per), SramDynamic = s.SramDynamic / per, SramLeakage = s.SramLeakage / per }).ToList();
            double energy = perQuery.Sum(s => s.Total);
            double cyclesPerQuery = (double)cycles / per;
            modeResults.Add(new ModeEnergy(mode.Describe, queries, per, cycles, cyclesPerQuery,
                (double)modelSpan / modelIntervals, candidates / queries, kept / queries, perQuery,
                energy, clockMhz * 1e6 / cyclesPerQuery, 1 / energy, energy / (cyclesPerQuery * periodNs * 1e-9), Math.Round(simSeconds, 1))
            {
                Work = WorkPerQuery.Of(design, works),
            });
        }
        return new EnergyReport(design.Config.Name, design.Config.Hash(), workloadName, workloads.Count, workloads.Max(w => w.Stimulus.Keys.Length), clockMhz, clockSource,
            "gate-level simulation of netlist_asic.v (Icarus, zero delay: no glitches) with the OSU 0.18 um cell models; every net's 0/1 changes counted from the first result taken to the last one taken while the pipeline is still full (ceil(latency / interval) results before the end of the burst), divided by the results in that window" +
            (workloads.Count > 1 ? $"; each of the {workloads.Count} workloads (heads) simulated on its own (its K, V and sorted keys loaded, then its queries back to back), their windows' energies and queries summed" : ""),
            $"OpenSTA report_power -instances at global activity 0 and {PowerModel.ReferenceActivity} (duty {PowerModel.Duty}); an instance's internal and switching power = P(0) + r (P({PowerModel.ReferenceActivity}) - P(0)) / {PowerModel.ReferenceActivity} with r its output net's measured toggles a cycle (mean of the outputs of a multi-output cell; every input pin taken to toggle at that rate); leakage as OpenSTA gives it",
            check, model.CheckTotal.Total, SramEnergy.Formula, macroShapes.Values.Select(SramEnergy.For).ToList(), modeResults, coverage,
            Math.Round(clock.Elapsed.TotalSeconds, 1));

        // One workload (head) in one mode: its gate-level run, window and per-stage energy (not yet per query).
        HeadEnergy RunOne(EnergyWorkload w, EnergyMode mode, int index)
        {
            var stimulus = w.Stimulus with { Queries = w.Stimulus.Queries.Select(q => q with { Settings = mode.Settings(design, q.Rows) }).ToArray() };
            foreach (var q in stimulus.Queries)
            {
                q.Settings.Validate(design);
            }
            var expected = new ModelSimulator(design).Run(stimulus);
            var sim = new IcarusSimulator(design)
            {
                DesignFiles = [.. new[] { "cells.v", "netlist_cells.v", "top_wrapper.v", "sram_models.v", "dump.v" }.Select(f => Path.Combine(simDir, f))],
                ExtraRoots = [$"{design.Prefix}_activity_dump"],
                ToolSearchPath = ToolSearchPath,
            };
            var simClock = Stopwatch.StartNew();
            var run = sim.Run(stimulus, expected.Queries.Select(q => q.Result).ToArray());
            var activity = ActivityVcd.Read(vcd, $"{design.Prefix}_tb.u_dut.u_cells", design.ClockPort, "result_valid_o", "result_ready_i");
            simClock.Stop();
            if (KeepVcd)
            {
                File.Move(vcd, Path.Combine(simDir, workloads.Count == 1 ? $"{mode.Name}.vcd" : $"{mode.Name}-{index}.vcd"), overwrite: true);
            }
            else
            {
                File.Delete(vcd);
            }
            string where = workloads.Count == 1 ? "" : $", {w.Name}";
            if (activity.ResultsTaken != stimulus.Queries.Count)
            {
                throw new UserException($"the gate-level run of {design.Config.Name} ({mode.Name}{where}) took {activity.ResultsTaken} results in the dump, expected {stimulus.Queries.Count}");
            }
            // The window: from the first result to the last one taken while the first stage still works on a later
            // query (the pipeline full), i.e. ceil(latency / interval) results before the end of the burst.
            var timings = run.Queries.Select(q => q.Timing).ToList();
            double interval = (double)(timings[^1].ResultTakenCycle - timings[0].ResultTakenCycle) / (timings.Count - 1);
            // The first query's latency is the pipeline's own (later ones also wait in the query queue).
            int drain = (int)Math.Ceiling((timings[0].ResultTakenCycle - timings[0].AcceptCycle + 1) / interval);
            int last = stimulus.Queries.Count - 1 - drain;
            if (last < 1)
            {
                throw new UserException($"{w.Name}: {stimulus.Queries.Count} queries are too few for a steady-state window in {mode.Name} mode: a query spends about {drain} result intervals in the pipeline, so at least {drain + 2} are needed");
            }
            var window = activity.Between(0, last);
            long cycles = activity.CyclesBetween(0, last);
            var (stages, cov) = Energy(netlist, Original, model, window, cycles, outputsOf, macroShapes, periodNs);
            var modelTimings = expected.Queries.Select(q => q.Timing).ToList();
            return new HeadEnergy(stages, cycles, last, stimulus.Queries.Count, cov, ModelSimulator.Work(design, stimulus),
                run.Queries.Sum(q => (double)q.Result.Candidates), run.Queries.Sum(q => (double)q.Result.Kept),
                modelTimings[^1].ResultValidCycle - modelTimings[0].ResultValidCycle, simClock.Elapsed.TotalSeconds);
        }
    }

    private sealed record HeadEnergy(List<StageEnergy> Stages, long Cycles, int WindowQueries, int Queries, ActivityCoverage Coverage,
        IReadOnlyList<StageWork> Work, double Candidates, double Kept, long ModelSpan, double Seconds);

    private (List<StageEnergy> Stages, ActivityCoverage Coverage) Energy(AsicNetlist netlist, Func<string, string> originalName, PowerModel model,
        IReadOnlyDictionary<string, NetActivity> activity, long cycles, IReadOnlyDictionary<string, IReadOnlyList<string>> outputsOf,
        IReadOnlyDictionary<string, SramShape> macroShapes, double periodNs)
    {
        double seconds = cycles * periodNs * 1e-9;
        var driven = outputsOf.Values.SelectMany(x => x).Distinct(StringComparer.Ordinal).ToList();
        var defaulted = driven.Where(n => !activity.TryGetValue(n, out var a) || !a.Measured).ToList();
        var defaultedSet = defaulted.ToHashSet(StringComparer.Ordinal);
        double Rate(string net) => defaultedSet.Contains(net) ? PowerModel.ReferenceActivity : (double)activity[net].Toggles / cycles;
        var stages = new Dictionary<string, StageEnergy>(StringComparer.Ordinal);
        void Add(string stage, Func<StageEnergy, StageEnergy> update) =>
            stages[stage] = update(stages.TryGetValue(stage, out var s) ? s : new StageEnergy(stage, 0, PowerSplit.Zero, 0, 0, 0, 0));
        foreach (var cell in netlist.Cells)
        {
            var instance = AsicNetlist.TopInstance(originalName(cell.Name));
            if (macroShapes.TryGetValue(cell.Type, out var shape))
            {
                var e = SramEnergy.For(shape);
                // A dual-port macro (keySort = "on-chip"): a port writes when enabled with its write enable (the
                // design raises a port's write enable only with its enable), else it reads.
                long reads = shape.DualPort
                    ? High(cell.Pins["a_en_i"]) - High(cell.Pins["a_we_i"]) + High(cell.Pins["b_en_i"]) - High(cell.Pins["b_we_i"])
                    : High(cell.Pins["re_i"]);
                long writes = shape.DualPort ? High(cell.Pins["a_we_i"]) + High(cell.Pins["b_we_i"]) : High(cell.Pins["we_i"]);
                Add(StageOfInstance(instance, true), s => s with
                {
                    Instances = s.Instances + 1,
                    SramDynamic = s.SramDynamic + ((reads * e.ReadPj) + (writes * e.WritePj)) * 1e-12,
                    SramLeakage = s.SramLeakage + (e.LeakageW * seconds),
                    SramReads = s.SramReads + reads,
                    SramWrites = s.SramWrites + writes,
                });
                continue;
            }
            var p = model.Instances[cell.Name];
            var outs = outputsOf[cell.Name];
            double rate = outs.Count == 0 ? 0 : outs.Average(Rate);
            var energy = PowerModel.At(p, rate).Scale(seconds);
            Add(StageOfInstance(instance, false), s => s with { Instances = s.Instances + 1, Cells = s.Cells.Add(energy) });
        }
        long High(string net) => activity.TryGetValue(net, out var a) ? a.HighEdges
            : net is "1'b0" or "1'h0" ? 0 : net is "1'b1" or "1'h1" ? cycles
            : throw new UserException($"the SRAM enable net {net} is not in the activity dump");
        var order = StageOf.Select(s => s.Stage).Concat(["K and V memories", "sorted-key memory", "buffer memories (score, exp)"]).ToList();
        return (order.Where(stages.ContainsKey).Select(s => stages[s]).ToList(),
            new ActivityCoverage(driven.Count, driven.Count - defaulted.Count, defaulted.Select(originalName).Order(StringComparer.Ordinal).ToList()));
    }

    /// <summary>Each instance's output nets: Y, Q, YC, YS of a standard cell (none for a macro: its energy is per access).</summary>
    private static Dictionary<string, IReadOnlyList<string>> OutputPins(AsicNetlist netlist, IReadOnlyDictionary<string, SramShape> macros) =>
        netlist.Cells.ToDictionary(c => c.Name, c => (IReadOnlyList<string>)(macros.ContainsKey(c.Type) ? []
            : c.Pins.Where(p => p.Key is "Y" or "Q" or "YC" or "YS").Select(p => p.Value).ToList()), StringComparer.Ordinal);

    private string StaScript(string workDir, double periodNs)
    {
        // Relative to the folder sta runs in, so the script still works after the output folder is published.
        string Rel(string file) => Path.GetRelativePath(Path.GetFullPath(workDir), Path.GetFullPath(Path.Combine(asicDir, file)));
        var netlist = Rel("netlist_asic.v");
        var inv = CultureInfo.InvariantCulture;
        var sb = new StringBuilder();
        sb.Append(inv, $"# generated by A3Gen from {design.Config.Name} - do not edit\n# OpenSTA: power of every instance of netlist_asic.v at {AsicFlow.Num(1000 / periodNs)} MHz, at global activities 0 and {PowerModel.ReferenceActivity}.\n");
        sb.Append(inv, $"read_liberty {Liberty}\nread_liberty {Rel(SramLiberty.FileName(design))}\nread_verilog {netlist}\nlink_design {design.Prefix}_top\n");
        var clk = design.ClockPort;
        sb.Append(inv, $"create_clock -name {clk} -period {AsicFlow.Num(periodNs)} [get_ports {clk}]\n");
        sb.Append(inv, $"set_clock_transition {AsicFlow.Num(AsicFlow.InputTransitionNs)} [get_clocks {clk}]\n");
        sb.Append(inv, $"set_input_transition {AsicFlow.Num(AsicFlow.InputTransitionNs)} [all_inputs]\nset_load {AsicFlow.Num(AsicFlow.OutputLoadPf)} [all_outputs]\n");
        sb.Append(PowerModel.Commands());
        return sb.ToString();
    }

    /// <summary>The top with the RTL's ports around the renamed netlist, whose multi-bit ports are split into name_i.</summary>
    private string TopWrapper(string netlistText, string cellsTop)
    {
        var declared = new HashSet<string>(Regex.Matches(netlistText, @"^\s*(?:input|output)\s+([A-Za-z_][A-Za-z0-9_]*)\s*;", RegexOptions.Multiline).Select(m => m.Groups[1].Value), StringComparer.Ordinal);
        var sb = new StringBuilder();
        sb.Append(CultureInfo.InvariantCulture, $"// generated by A3Gen from {design.Config.Name} - do not edit\n// {design.Prefix}_top for gate-level simulation: the RTL's ports around the mapped netlist ({cellsTop}).\n");
        sb.Append(CultureInfo.InvariantCulture, $"module {design.Prefix}_top (\n");
        sb.Append(string.Join(",\n", design.Ports.Select(p => $"  {(p.Direction == "input" ? "input  wire" : "output wire")} {p.Range}{p.Name}")));
        sb.Append(CultureInfo.InvariantCulture, $"\n);\n  {cellsTop} u_cells (\n");
        var pins = new List<string>();
        foreach (var p in design.Ports)
        {
            if (p.Width == 1)
            {
                Need(p.Name);
                pins.Add($"    .{p.Name}({p.Name})");
                continue;
            }
            for (int i = 0; i < p.Width; i++)
            {
                Need($"{p.Name}_{i}");
                pins.Add($"    .{p.Name}_{i}({p.Name}[{i}])");
            }
        }
        sb.Append(string.Join(",\n", pins)).Append("\n  );\nendmodule\n");
        return sb.ToString();

        void Need(string name)
        {
            if (!declared.Contains(name))
            {
                throw new UserException($"the mapped netlist of {design.Config.Name} has no port {name}");
            }
        }
    }

    /// <summary>Behavioural models of the SRAM macro cells (read-first, registered read data, as the RTL's SRAM module; power-up contents 0).</summary>
    private string SramModels(IEnumerable<SramShape> shapes)
    {
        var sb = new StringBuilder();
        sb.Append(CultureInfo.InvariantCulture, $"// generated by A3Gen from {design.Config.Name} - do not edit\n// Behavioural models of the SRAM macro cells, for gate-level simulation.\n");
        foreach (var s in shapes.Where(s => s.DualPort))
        {
            string Cat(string name, int width) => "{" + string.Join(", ", Enumerable.Range(0, width).Reverse().Select(i => $"{name}_{i}")) + "}";
            sb.Append(CultureInfo.InvariantCulture, $"module {s.CellName(design.Prefix)} (clk_i, {string.Join(", ", s.InputPins.Concat(s.OutputPins))});\n");
            sb.Append(CultureInfo.InvariantCulture, $"  input wire clk_i, {string.Join(", ", s.InputPins)};\n  output wire {string.Join(", ", s.OutputPins)};\n");
            sb.Append(CultureInfo.InvariantCulture, $"  reg [{s.Width - 1}:0] mem_q [0:{s.Depth - 1}];\n  reg [{s.Width - 1}:0] a_rdata_q, b_rdata_q;\n  integer i;\n");
            sb.Append(CultureInfo.InvariantCulture, $"  initial begin\n    a_rdata_q = {s.Width}'d0;\n    b_rdata_q = {s.Width}'d0;\n    for (i = 0; i < {s.Depth}; i = i + 1) mem_q[i] = {s.Width}'d0;\n  end\n");
            foreach (var port in new[] { "a", "b" })
            {
                sb.Append(CultureInfo.InvariantCulture, $"  wire [{s.AddressWidth - 1}:0] {port}_addr = {Cat($"{port}_addr_i", s.AddressWidth)};\n");
                sb.Append(CultureInfo.InvariantCulture, $"  always @(posedge clk_i) begin\n    if ({port}_en_i & {port}_we_i) mem_q[{port}_addr] <= {Cat($"{port}_wdata_i", s.Width)};\n");
                sb.Append(CultureInfo.InvariantCulture, $"    if ({port}_en_i & !{port}_we_i) {port}_rdata_q <= mem_q[{port}_addr];\n  end\n");
                sb.Append(CultureInfo.InvariantCulture, $"  assign {Cat($"{port}_rdata_o", s.Width)} = {port}_rdata_q;\n");
            }
            sb.Append("endmodule\n");
        }
        foreach (var s in shapes.Where(s => !s.DualPort))
        {
            var ports = new List<string> { "clk_i", "we_i", "re_i" };
            ports.AddRange(Enumerable.Range(0, s.AddressWidth).Select(i => $"waddr_i_{i}"));
            ports.AddRange(Enumerable.Range(0, s.AddressWidth).Select(i => $"raddr_i_{i}"));
            ports.AddRange(Enumerable.Range(0, s.Width).Select(i => $"wdata_i_{i}"));
            ports.AddRange(Enumerable.Range(0, s.Width).Select(i => $"rdata_o_{i}"));
            sb.Append(CultureInfo.InvariantCulture, $"module {s.CellName(design.Prefix)} ({string.Join(", ", ports)});\n");
            sb.Append("  input wire clk_i, we_i, re_i;\n");
            sb.Append(CultureInfo.InvariantCulture, $"  input wire {string.Join(", ", ports.Where(x => x.StartsWith("waddr", StringComparison.Ordinal) || x.StartsWith("raddr", StringComparison.Ordinal) || x.StartsWith("wdata", StringComparison.Ordinal)))};\n");
            sb.Append(CultureInfo.InvariantCulture, $"  output wire {string.Join(", ", ports.Where(x => x.StartsWith("rdata", StringComparison.Ordinal)))};\n");
            string Cat(string name, int width) => "{" + string.Join(", ", Enumerable.Range(0, width).Reverse().Select(i => $"{name}_{i}")) + "}";
            sb.Append(CultureInfo.InvariantCulture, $"  reg [{s.Width - 1}:0] mem_q [0:{s.Depth - 1}];\n  reg [{s.Width - 1}:0] rdata_q;\n  integer i;\n");
            sb.Append(CultureInfo.InvariantCulture, $"  initial begin\n    rdata_q = {s.Width}'d0;\n    for (i = 0; i < {s.Depth}; i = i + 1) mem_q[i] = {s.Width}'d0;\n  end\n");
            sb.Append(CultureInfo.InvariantCulture, $"  wire [{s.AddressWidth - 1}:0] waddr = {Cat("waddr_i", s.AddressWidth)};\n  wire [{s.AddressWidth - 1}:0] raddr = {Cat("raddr_i", s.AddressWidth)};\n");
            sb.Append(CultureInfo.InvariantCulture, $"  always @(posedge clk_i) begin\n    if (we_i) mem_q[waddr] <= {Cat("wdata_i", s.Width)};\n    if (re_i) rdata_q <= mem_q[raddr];\n  end\n");
            sb.Append(CultureInfo.InvariantCulture, $"  assign {Cat("rdata_o", s.Width)} = rdata_q;\nendmodule\n");
        }
        return sb.ToString();
    }
}
