using System.CommandLine;
using A3Gen.Elaboration;
using A3Gen.Model;
using A3Gen.Simulation;
using Newtonsoft.Json;
using Newtonsoft.Json.Linq;

namespace A3Gen.Cli;

/// <summary><c>a3gen simulate</c>: runs a data file's queries back to back on a simulator and prints JSON.</summary>
public static class SimulateCommand
{
    public static Command Build(TextWriter stdout, TextWriter stderr)
    {
        var configOption = new Option<string?>("--config") { Description = "configuration JSON file (default: the built-in paper configuration a3-paper)" };
        var dataOption = new Option<string>("--data") { Description = "data file: {\"keys\": [[d reals] x n], \"values\": [...], \"queries\": [[d reals], ...]}", Required = true };
        var simulatorOption = new Option<string>("--simulator") { Description = "verilator (generated RTL, C++ model), icarus (generated RTL, event-driven) or model (golden model and cycle model)", DefaultValueFactory = _ => "verilator" };
        simulatorOption.AcceptOnlyFromAmong("verilator", "icarus", "model");
        var outOption = new Option<string?>("--out") { Description = "write the JSON here instead of standard output" };
        var saturateOption = new Option<bool>("--saturate") { Description = "clamp values the input format cannot hold (and report how many) instead of failing" };
        var traceOption = new Option<string?>("--trace") { Description = "write an FST waveform of the run to this file (verilator only)" };
        var command = new Command("simulate", "Run the data file's queries back to back on the generated design and print the results as JSON.")
        {
            configOption, dataOption, simulatorOption, outOption, saturateOption, traceOption,
        };
        command.SetAction(parse => Cli.Guard(stderr, () =>
        {
            var config = Cli.LoadConfig(parse.GetValue(configOption));
            var design = new Design(config);
            var simulatorName = parse.GetValue(simulatorOption)!;
            var trace = parse.GetValue(traceOption);
            if (trace is not null && simulatorName != "verilator")
            {
                throw new UserException("--trace needs --simulator verilator");
            }
            var data = DataFile.Load(parse.GetValue(dataOption)!, design, parse.GetValue(saturateOption));
            var run = Simulators.Run(design, simulatorName, data.Stimulus, trace);
            var json = ToJson(design, run, data.SaturatedCount).ToString(Formatting.Indented).Replace("\r\n", "\n") + "\n";
            var outPath = parse.GetValue(outOption);
            if (outPath is null)
            {
                stdout.Write(json);
            }
            else
            {
                var temp = outPath + ".tmp";
                File.WriteAllText(temp, json);
                File.Move(temp, outPath, overwrite: true);
            }
            return 0;
        }));
        return command;
    }

    public static JObject ToJson(Design design, SimulationRun run, int saturated) => new()
    {
        ["config"] = design.Config.Name,
        ["simulator"] = run.Simulator,
        ["cyclesPerQuery"] = run.CyclesPerQuery,
        ["saturated"] = saturated,
        ["queries"] = new JArray(run.Queries.Select(q => new JObject
        {
            ["output"] = new JArray(q.Result.Output(design.Output)),
            ["outputRaw"] = new JArray(q.Result.OutputRaw),
            ["latencyCycles"] = q.Timing.Latency,
            ["candidates"] = q.Result.Candidates,
            ["kept"] = q.Result.Kept,
            ["fallback"] = q.Result.Fallback,
        })),
    };
}
