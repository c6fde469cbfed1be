using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using A3Gen.Elaboration;
using A3Gen.Emission;
using A3Gen.Exploration;
using A3Gen.Simulation;
using A3Gen.Synthesis;
using A3Gen.Traces;

namespace A3Gen.Cli;

/// <summary>
/// <c>a3gen explore</c>: sweeps the approximation's M and T over an attention trace and reports accuracy,
/// row counts, cycles (cycle model, with a co-simulated sample) and area, as points.csv, summary.md and plots.
/// </summary>
public static class ExploreCommand
{
    public static Command Build(TextWriter stdout, TextWriter stderr)
    {
        var configOption = new Option<string?>("--config") { Description = "configuration JSON file (default: the built-in paper configuration a3-paper)" };
        var traceOption = new Option<string>("--trace") { Description = "attention trace: .npz, a folder of .npy files, or a simulate JSON data file", Required = true };
        var iterationsOption = new Option<string>("--iterations") { Description = "iteration counts M, comma-separated: integers, or relative to each instance's n (n, 3n/4, n/2, 2n)", DefaultValueFactory = _ => "n,3n/4,n/2,n/4,n/8" };
        var thresholdOption = new Option<string>("--threshold-percent") { Description = "post-scoring thresholds T in percent of the largest weight, comma-separated, each in (0, 100]", DefaultValueFactory = _ => "1,2.5,5,10,20" };
        var outOption = new Option<string?>("--out") { Description = "output folder (default: explore-out/<config>-<trace name>)" };
        var cosimOption = new Option<int>("--cosim-sample") { Description = "queries of one instance to co-simulate under Verilator at two points (0: none)", DefaultValueFactory = _ => 4 };
        var areaOption = new Option<string?>("--area") { Description = "report.json of a3gen synth to take the area from (default: run Yosys generic synthesis with SRAM macros)" };
        var noAreaOption = new Option<bool>("--no-area") { Description = "skip the area (no synthesis)" };
        var queriesOption = new Option<int?>("--queries-per-instance") { Description = "use only K evenly spaced queries of each instance (default: all)" };
        var energyOption = new Option<string?>("--energy") { Description = "energy.json of 'a3gen power' on the same configuration: calibrates the energy per query of every point (default: no energy figures)" };
        var command = new Command("explore", "Sweep the approximation's iterations M and threshold T over an attention trace: accuracy, rows kept, cycles and area, as CSV, Markdown and plots.")
        {
            configOption, traceOption, iterationsOption, thresholdOption, outOption, cosimOption, areaOption, noAreaOption, queriesOption, energyOption,
        };
        command.SetAction(parse => Cli.Guard(stderr, () =>
        {
            var clock = Stopwatch.StartNew();
            var config = Cli.LoadConfig(parse.GetValue(configOption));
            var design = new Design(config);
            var energy = parse.GetValue(energyOption) is { } energyPath ? EnergyModel.Load(energyPath, design) : null;
            var options = new ExploreOptions
            {
                Energy = energy,
                Iterations = IterationSpec.ParseList(parse.GetValue(iterationsOption)!),
                ThresholdPercents = ExploreOptions.ParseThresholds(parse.GetValue(thresholdOption)!),
                QueriesPerInstance = parse.GetValue(queriesOption),
            };
            if (options.QueriesPerInstance is { } k && k < 1)
            {
                throw new UserException($"--queries-per-instance = {k}; give at least 1");
            }
            int cosim = parse.GetValue(cosimOption);
            if (cosim < 0)
            {
                throw new UserException($"--cosim-sample = {cosim}; give 0 (none) or more");
            }
            var areaPath = parse.GetValue(areaOption);
            bool noArea = parse.GetValue(noAreaOption);
            if (areaPath is not null && noArea)
            {
                throw new UserException("--area and --no-area exclude each other");
            }
            var area = areaPath is null ? null : AreaReport.Load(areaPath, design);
            var tracePath = parse.GetValue(traceOption)!;
            var trace = TraceReader.Load(tracePath);
            var traceName = Path.GetFileNameWithoutExtension(Path.TrimEndingDirectorySeparator(tracePath));
            var outDir = parse.GetValue(outOption) ?? Path.Combine("explore-out", $"{config.Name}-{traceName}");
            var explorer = new Explorer(design);
            var sweep = explorer.Plan(trace, options);
            if (energy is null)
            {
                stderr.WriteLine($"explore: {ExploreWriter.NoCalibration(config.Name)}");
            }
            else
            {
                stderr.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"explore: energy per query from the model calibrated on {energy.Source} (its own modes within {energy.MaxCheckError:0.0%})"));
            }

            var progress = new Progress(stderr, sweep.Count + 1);
            var result = explorer.Run(trace, options, progress.Report);
            progress.Done(result.QueryCount);

            CoSimReport? cosimReport = null;
            if (cosim > 0)
            {
                stderr.WriteLine($"explore: co-simulating {cosim} queries at 2 points under Verilator (the first run on a configuration builds its model)");
                cosimReport = CoSimSample.Run(result, cosim, new VerilatorSimulator(design));
                stderr.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"explore: co-simulation agrees with the models on {cosimReport.Queries} queries ({cosimReport.Seconds:0.0} s)"));
            }

            var endToEnd = EndToEndReport.Build(result);

            Emitter.Publish(outDir, dir =>
            {
                File.WriteAllText(Path.Combine(dir, "end-to-end.md"), endToEnd.Markdown());
                string? areaNote = noArea ? "Skipped (--no-area)." : null;
                if (area is null && !noArea)
                {
                    stderr.WriteLine($"explore: synthesizing {config.Name} with Yosys (generic, SRAM macros) for the area");
                    var report = new YosysSynthesis(design, SynthTarget.Generic, MemoryMapping.Macro).Run(Path.Combine(dir, "synth"));
                    area = AreaReport.From(report, "synth/report.json");
                    stderr.WriteLine(string.Create(CultureInfo.InvariantCulture, $"explore: synthesis done ({report.Seconds:0.0} s of Yosys)"));
                }
                File.WriteAllText(Path.Combine(dir, "points.csv"), ExploreWriter.Csv(result));
                var plots = ExplorePlots.Write(result, $"{config.Name} on {traceName}", dir);
                var cosimNote = cosim == 0 ? "Skipped (--cosim-sample 0)." : null;
                File.WriteAllText(Path.Combine(dir, "summary.md"), ExploreWriter.Summary(result, traceName, area, areaNote, cosimReport, cosimNote, plots));
            });

            var inv = CultureInfo.InvariantCulture;
            var named = new[] { SweepPoint.Conservative, SweepPoint.Aggressive }
                .Select(l => result.Labelled(l))
                .OfType<PointResult>()
                .Select(p => string.Create(inv, $"{p.Label} error {p.RelErrorMean:0.0000} ({result.Exact.RelErrorMean:0.0000} exact), {p.Speedup:0.00}x")
                    + (p.EnergyPerQueryNj is { } nj ? string.Create(inv, $", {nj:0.###} nJ/query ({p.EnergySaving:0.00}x less energy)") : ""));
            stdout.WriteLine(string.Create(inv,
                $"{config.Name} on {traceName}: {sweep.Count} points x {result.QueryCount} queries in {clock.Elapsed.TotalSeconds:0.0} s{string.Concat(named.Select(s => "; " + s))}; wrote {outDir}"));
            // End to end with the preprocessing counted (end-to-end.md): host sort (measured) against on-chip sort.
            stdout.WriteLine(string.Concat(endToEnd.Rows.Select(r => string.Create(inv,
                $"{r.Label} end to end: {EndToEndReport.Format(EndToEndReport.Speedup(endToEnd.ExactTotal, r.HostTotal))}x with the host's sort, {EndToEndReport.Format(EndToEndReport.Speedup(endToEnd.ExactTotal, r.OnChipTotal))}x with the on-chip sort; "))).TrimEnd(' ', ';'));
            return 0;
        }));
        return command;
    }

    /// <summary>Progress of a long sweep on stderr: a line at most every 5 s (short sweeps print nothing).</summary>
    private sealed class Progress(TextWriter stderr, int points)
    {
        private readonly Stopwatch clock = Stopwatch.StartNew();
        private readonly Lock gate = new();
        private double lastPrint;

        public void Report(int done, int total)
        {
            double now = clock.Elapsed.TotalSeconds;
            if (now - lastPrint < 5 || done == total)
            {
                return;
            }
            lock (gate)
            {
                if (now - lastPrint < 5)
                {
                    return;
                }
                lastPrint = now;
                double left = now / done * (total - done);
                stderr.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"explore: {done}/{total} queries ({100.0 * done / total:0}%) at {points} settings each, {now:0} s, about {left:0} s left"));
            }
        }

        public void Done(int total)
        {
            if (clock.Elapsed.TotalSeconds >= 5)
            {
                stderr.WriteLine(string.Create(CultureInfo.InvariantCulture, $"explore: {total} queries at {points} settings in {clock.Elapsed.TotalSeconds:0.0} s"));
            }
        }
    }
}
