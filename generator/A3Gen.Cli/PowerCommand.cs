using System.CommandLine;
using System.Globalization;
using A3Gen.Elaboration;
using A3Gen.Emission;
using A3Gen.Exploration;
using A3Gen.Simulation;
using A3Gen.Synthesis;
using A3Gen.Traces;
using Newtonsoft.Json.Linq;

namespace A3Gen.Cli;

/// <summary>a3gen power: energy per query (exact, conservative, aggressive) from the gate-level activity of the standard-cell netlist.</summary>
public static class PowerCommand
{
    public static Command Build(TextWriter stdout, TextWriter stderr)
    {
        var configOption = new Option<string?>("--config") { Description = "configuration JSON file (default: the built-in paper configuration a3-paper)" };
        var dataOption = new Option<string?>("--data") { Description = "data file as for simulate (keys, values, at least 2 queries over all rows); every query runs exact, conservative (M = n/2, T = 5%) and aggressive (M = n/8, T = 10%)" };
        var traceOption = new Option<string?>("--trace") { Description = "attention trace instead of --data (.npz, a folder of .npy files, or a simulate JSON data file): --heads instances, --queries queries each" };
        var headsOption = new Option<int>("--heads") { Description = "with --trace: instances (heads) to measure, spread evenly over the trace", DefaultValueFactory = _ => 1 };
        var queriesOption = new Option<int>("--queries") { Description = "with --trace: evenly spaced queries of each head, back to back", DefaultValueFactory = _ => 12 };
        var asicOption = new Option<string?>("--asic") { Description = "the asic/ folder of an earlier 'synth --target asic' of the same configuration (default: run the standard-cell flow first)" };
        var clockOption = new Option<string?>("--clock-mhz") { Description = "clock for the power figures, MHz (default: the clock the standard-cell flow achieves)" };
        var modesOption = new Option<string>("--modes") { Description = "comma-separated subset of exact, conservative, aggressive", DefaultValueFactory = _ => "exact,conservative,aggressive" };
        var outOption = new Option<string?>("--out") { Description = "output folder (default: power-out/<name>)" };
        var keepVcdOption = new Option<bool>("--keep-vcd") { Description = "keep each mode's VCD of the netlist in power/gate_sim/" };
        var command = new Command("power", "Energy per query from measured activity: gate-level simulation of the standard-cell netlist, OpenSTA per-instance power, SRAM access energy; writes energy.json and energy.md.")
        {
            configOption, dataOption, traceOption, headsOption, queriesOption, asicOption, clockOption, modesOption, outOption, keepVcdOption,
        };
        command.SetAction(parse => Cli.Guard(stderr, () =>
        {
            var config = Cli.LoadConfig(parse.GetValue(configOption));
            var design = new Design(config);
            var modeNames = parse.GetValue(modesOption)!.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
            var modes = modeNames.Select(n => EnergyMode.Standard.FirstOrDefault(m => m.Name == n)
                ?? throw new UserException($"--modes: unknown mode '{n}' (allowed: exact, conservative, aggressive)")).Distinct().ToList();
            if (modes.Count == 0)
            {
                throw new UserException("--modes names no mode (allowed: exact, conservative, aggressive)");
            }
            double? clockMhz = parse.GetValue(clockOption) is { } text
                ? double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var mhz) && double.IsFinite(mhz) && mhz > 0 && mhz <= AsicFlow.MaxClockMhz ? mhz
                    : throw new UserException($"--clock-mhz must be a number in (0, {AsicFlow.MaxClockMhz}], got '{text}'")
                : null;
            var (workloads, workloadName) = Workloads(parse.GetValue(dataOption), parse.GetValue(traceOption), parse.GetValue(headsOption), parse.GetValue(queriesOption),
                parse.GetResult(headsOption) is { Implicit: false } || parse.GetResult(queriesOption) is { Implicit: false }, design);
            foreach (var w in workloads)
            {
                PowerFlow.ValidateWorkload(w.Stimulus, w.Name);
            }
            foreach (var m in modes.Where(m => m.Approximate))
            {
                int rows = workloads.Max(w => w.Stimulus.Keys.Length);
                int iterations = rows / m.IterationDivisor;
                if (iterations > design.MaxIterations)
                {
                    throw new UserException($"{m.Describe} needs M = {iterations} iterations at n = {rows}; the configuration's maxIterations is {design.MaxIterations}");
                }
            }
            var asicArg = parse.GetValue(asicOption);
            var outDir = parse.GetValue(outOption) ?? Path.Combine("power-out", config.Name);
            EnergyReport? report = null;
            Emitter.Publish(outDir, dir =>
            {
                string asicDir;
                double achieved;
                if (asicArg is null)
                {
                    asicDir = Path.Combine(dir, "asic");
                    Directory.CreateDirectory(asicDir);
                    var timing = new AsicFlow(design).RunIn(asicDir);
                    // As synth --target asic writes them, so that a later power run can reuse the folder with --asic.
                    File.WriteAllText(Path.Combine(asicDir, "asic.json"), SynthReportWriter.Json(timing));
                    File.WriteAllText(Path.Combine(asicDir, "asic.md"), AsicReportWriter.Markdown(design.Config.Name, timing));
                    achieved = timing.AchievedMhz;
                }
                else
                {
                    asicDir = asicArg;
                    achieved = AchievedMhz(asicDir, design);
                }
                var flow = new PowerFlow(design, asicDir) { KeepVcd = parse.GetValue(keepVcdOption) };
                report = flow.Run(workloads, workloadName, clockMhz ?? achieved,
                    clockMhz is null ? $"achieved by the standard-cell flow (static timing, worst path)" : "given by --clock-mhz; the flow achieves " + achieved.ToString("0.#", CultureInfo.InvariantCulture) + " MHz",
                    modes, Path.Combine(dir, "power"));
                var cpu = CpuBaseline.Measured(report.Rows, design.Dimension);
                File.WriteAllText(Path.Combine(dir, "energy.json"), SynthReportWriter.Json(new { report, cpu }));
                File.WriteAllText(Path.Combine(dir, "energy.md"), PowerReportWriter.Markdown(report, cpu));
            });
            var r = report!;
            foreach (var m in r.Modes)
            {
                stdout.WriteLine($"{r.Config} {m.Mode}: {m.EnergyPerQueryNj:0.###} nJ/query, {m.CyclesPerQuery:0.##} cycles/query at {r.ClockMhz:0.#} MHz, {m.QueriesPerSecond:0} queries/s, {m.QueriesPerJoule:0} queries/J, {m.AveragePowerW * 1000:0.#} mW; activity measured on {r.Coverage[m.Mode.Split(' ')[0]].Share:P2} of the driven nets");
            }
            stdout.WriteLine($"wrote {outDir}/energy.json and energy.md ({r.Seconds:0.0} s)");
            return 0;
        }));
        return command;
    }

    /// <summary>The workloads of --data (one) or --trace (--heads of them); exactly one of the two must be given.</summary>
    private static (IReadOnlyList<EnergyWorkload> Workloads, string Name) Workloads(string? dataPath, string? tracePath, int heads, int queries, bool traceOptionsGiven, Design design)
    {
        if ((dataPath is null) == (tracePath is null))
        {
            throw new UserException("give either --data FILE or --trace FILE (one of them, not both)");
        }
        if (dataPath is not null)
        {
            if (traceOptionsGiven)
            {
                throw new UserException("--heads and --queries go with --trace, not with --data");
            }
            var data = DataFile.Load(dataPath, design, saturate: false);
            var name = Path.GetFileName(dataPath);
            return ([new EnergyWorkload(name, data.Stimulus)], name);
        }
        var trace = TraceReader.Load(tracePath!);
        var (workloads, description) = TraceWorkload.Select(trace, design, heads, queries);
        return (workloads, description);
    }

    private static double AchievedMhz(string asicDir, Design design)
    {
        var path = Path.Combine(asicDir, "asic.json");
        if (!File.Exists(path))
        {
            path = Path.Combine(Path.GetDirectoryName(Path.GetFullPath(asicDir))!, "report.json");
        }
        if (!File.Exists(path))
        {
            throw new UserException($"--asic {asicDir}: no asic.json there (and no report.json beside it): give the asic/ folder of 'synth --target asic'");
        }
        var json = JObject.Parse(File.ReadAllText(path));
        var token = json.SelectToken("$..achievedMhz") ?? json.SelectToken("$..AchievedMhz");
        if (token is null || File.Exists(Path.Combine(asicDir, "netlist_asic.v")) is false)
        {
            throw new UserException($"--asic {asicDir}: no achieved clock in {path} or no netlist_asic.v in the folder");
        }
        var names = Path.Combine(asicDir, SramLiberty.FileName(design));
        if (!File.Exists(names))
        {
            throw new UserException($"--asic {asicDir}: no {SramLiberty.FileName(design)}: the folder is not of configuration {design.Config.Name}");
        }
        return token.Value<double>();
    }
}
