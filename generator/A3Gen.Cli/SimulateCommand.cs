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
        var modeOption = new Option<string>("--mode") { Description = "path of the queries that do not say: exact (every row) or approx (candidate search and post-scoring)", DefaultValueFactory = _ => "exact" };
        modeOption.AcceptOnlyFromAmong("exact", "approx");
        var iterationsOption = new Option<int?>("--iterations") { Description = "M, greedy iterations of an approximate query that does not say (default n / 2 rounded down, at least 1: the paper's conservative setting)" };
        var thresholdOption = new Option<double?>("--threshold-percent") { Description = "T: post-scoring keeps rows whose weight is at least T% of the largest, t = ln(100 / T) (default 5)" };
        var command = new Command("simulate", "Run the data file's queries back to back on the generated design and print the results as JSON.")
        {
            configOption, dataOption, simulatorOption, modeOption, iterationsOption, thresholdOption, outOption, saturateOption, traceOption,
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
            var defaults = new QueryDefaults(parse.GetValue(modeOption) == "approx", parse.GetValue(iterationsOption), parse.GetValue(thresholdOption));
            if (defaults.Iterations is { } m && (m < 0 || m > design.MaxIterations))
            {
                throw new UserException($"--iterations {m} is out of range 0..{design.MaxIterations} (the configuration's maxIterations)");
            }
            if (defaults.ThresholdPercent is { } t && !(t > 0 && t <= 100))
            {
                throw new UserException($"--threshold-percent {t} is out of range (0, 100]");
            }
            var outPath = parse.GetValue(outOption);
            if (outPath is not null && Directory.Exists(outPath))
            {
                throw new UserException($"--out '{outPath}' is a folder; give a file name");
            }
            var data = DataFile.Load(parse.GetValue(dataOption)!, design, parse.GetValue(saturateOption), defaults);
            var run = Simulators.Run(design, simulatorName, data.Stimulus, trace);
            var json = ToJson(design, data.Stimulus, run, data.SaturatedCount).ToString(Formatting.Indented).Replace("\r\n", "\n") + "\n";
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

    public static JObject ToJson(Design design, Stimulus stimulus, SimulationRun run, int saturated)
    {
        var json = new JObject
        {
            ["config"] = design.Config.Name,
            ["simulator"] = run.Simulator,
            ["cyclesPerQuery"] = run.CyclesPerQuery,
            ["saturated"] = saturated,
            ["queries"] = new JArray(run.Queries.Select((q, k) => Query(design, stimulus.Queries[k].Settings, q))),
        };
        if (run.Sort is { } sort)
        {
            // keySort = "on-chip": K load and sort, measured by the simulator (the model: its cycle model).
            json.Property("saturated")!.AddAfterSelf(new JProperty("keySort", new JObject
            {
                ["rows"] = stimulus.Keys.Length,
                ["loadAndSortCycles"] = sort.LoadAndSortCycles,
                ["sortCycles"] = sort.SortCycles,
                ["closedForm"] = design.Sorter!.LoadAndSortCycles(stimulus.Keys.Length),
            }));
        }
        return json;
    }

    private static JObject Query(Design design, QuerySettings settings, SimulatedQuery q)
    {
        var json = new JObject { ["mode"] = settings.Approximate ? "approx" : "exact" };
        if (settings.Approximate)
        {
            json["iterations"] = settings.Iterations;
            json["thresholdRaw"] = settings.ThresholdRaw;
            json["threshold"] = design.Threshold.ToReal(settings.ThresholdRaw);
        }
        json["output"] = new JArray(q.Result.Output(design.Output));
        json["outputRaw"] = new JArray(q.Result.OutputRaw);
        json["latencyCycles"] = q.Timing.Latency;
        json["candidates"] = q.Result.Candidates;
        json["kept"] = q.Result.Kept;
        json["fallback"] = q.Result.Fallback;
        return json;
    }
}
