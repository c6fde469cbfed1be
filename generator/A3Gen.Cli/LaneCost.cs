using System.Globalization;
using A3Gen.Configuration;
using A3Gen.Elaboration;
using A3Gen.Emission;
using A3Gen.Synthesis;
using Newtonsoft.Json;

namespace A3Gen.Cli;

/// <summary>
/// <c>a3gen bench --lanes-cost</c>: what lanes cost on one shape. For P = 1, 2, 4, 8 and both softmax kinds, the exact
/// latency and interval at n = N (the closed forms of <see cref="Design"/>), Yosys's generic cells, flip-flops and
/// transistors with the SRAMs as macros, the macro bits, and with <c>--xilinx</c> the 7-series resources with the
/// memories in block RAM. Each synthesis keeps its folder and a row.json of its figures under the output folder, so
/// an interrupted campaign resumes where it stopped.
/// </summary>
public static class LaneCost
{
    public sealed record Figures(long Cells, long FlipFlops, long Transistors, long MacroBits, long Luts, long Dsps, long BlockRams, long LutRams, double Seconds);

    public static void Run(A3Config shape, bool xilinx, string outRoot, TextWriter output, TextWriter log)
    {
        var inv = CultureInfo.InvariantCulture;
        var designs = new[] { Softmax.ThreePass, Softmax.OnePass }
            .SelectMany(k => new[] { 1, 2, 4, 8 }.Where(p => p <= shape.MaxRows).Select(p => new Design(shape with
            {
                Name = $"{shape.Name}-{(k == Softmax.OnePass ? "onepass" : "threepass")}-p{p}",
                Lanes = p,
                Softmax = k,
            })))
            .ToArray();
        var runs = designs.SelectMany(d => xilinx ? new[] { (d, SynthTarget.Generic), (d, SynthTarget.Xilinx) } : [(d, SynthTarget.Generic)]).ToArray();
        var figures = new Dictionary<(string, SynthTarget), Figures>();
        var gate = new object();
        try
        {
            Parallel.ForEach(runs, new ParallelOptions { MaxDegreeOfParallelism = Math.Max(1, Math.Min(2, Environment.ProcessorCount)) }, run =>
            {
                var f = Synthesize(run.Item1, run.Item2, outRoot, log);
                lock (gate)
                {
                    figures[(run.Item1.Config.Name, run.Item2)] = f;
                }
            });
        }
        catch (AggregateException e) when (e.InnerExceptions.OfType<UserException>().FirstOrDefault() is { } first)
        {
            // Two runs side by side may fail for the same reason (a missing tool): the first one's message is the error.
            throw first;
        }

        output.WriteLine($"Lanes on {shape.Name}'s shape (N = {shape.MaxRows}, d = {shape.Dimension}): exact timing at n = N (cycle model closed forms), Yosys {(xilinx ? "generic (SRAMs as macros) and Xilinx 7-series (memories in block RAM)" : "generic, SRAMs as macros")}; logic over P = 1: generic cells against the same softmax kind with one lane.");
        output.WriteLine();
        output.WriteLine("| softmax | P | exact latency / cycles a query | exact throughput over three-pass P = 1 | generic cells | flip-flops | transistors | logic over P = 1 | SRAM macro bits |" + (xilinx ? " LUTs | flip-flops (7-series) | DSP48E1 | block RAM | LUT RAM |" : ""));
        output.WriteLine("|---|---:|---:|---:|---:|---:|---:|---:|---:|" + (xilinx ? "---:|---:|---:|---:|---:|" : ""));
        double baseInterval = designs[0].MeanInterval(shape.MaxRows);
        foreach (var d in designs)
        {
            var g = figures[(d.Config.Name, SynthTarget.Generic)];
            var one = figures[(designs.First(x => x.IsOnePass == d.IsOnePass).Config.Name, SynthTarget.Generic)];
            int n = shape.MaxRows;
            string row = string.Create(inv, $"| {(d.IsOnePass ? "one-pass" : "three-pass")} | {d.Config.Lanes} | {d.Latency(n)} / {d.MeanInterval(n):0.#} | {baseInterval / d.MeanInterval(n):0.00}x | {g.Cells:N0} | {g.FlipFlops:N0} | {g.Transistors / 1e6:0.00} M | {(double)g.Cells / one.Cells:0.00}x | {g.MacroBits:N0} |");
            if (xilinx)
            {
                var x = figures[(d.Config.Name, SynthTarget.Xilinx)];
                row += string.Create(inv, $" {x.Luts:N0} | {x.FlipFlops:N0} | {x.Dsps:N0} | {x.BlockRams:N0} | {x.LutRams:N0} |");
            }
            output.WriteLine(row);
        }
    }

    private static Figures Synthesize(Design design, SynthTarget target, string outRoot, TextWriter log)
    {
        var dir = Path.GetFullPath(Path.Combine(outRoot, $"{design.Config.Name}-{FlowFiles.TargetName(target)}"));
        var rowFile = Path.Combine(dir, "row.json");
        var config = design.Config.ToCanonicalJson();
        if (File.Exists(rowFile) && File.Exists(Path.Combine(dir, "config.json")) && File.ReadAllText(Path.Combine(dir, "config.json")) == config)
        {
            return JsonConvert.DeserializeObject<Figures>(File.ReadAllText(rowFile))
                ?? throw new UserException($"{rowFile} holds no figures: remove it to run the synthesis again");
        }
        lock (log)
        {
            log.WriteLine($"bench: synthesizing {design.Config.Name} ({FlowFiles.TargetName(target)}) into {dir}");
        }
        var memories = target == SynthTarget.Generic ? MemoryMapping.Macro : MemoryMapping.Logic;
        var r = new YosysSynthesis(design, target, memories) { Timeout = TimeSpan.FromHours(3) }.Run(dir);
        var t = r.Total;
        var f = new Figures(t.Cells, t.FlipFlops, t.Transistors, design.Memories.Sum(m => m.Bits), t.Luts, t.Dsps, t.BlockRams, t.LutRams, r.Seconds);
        File.WriteAllText(Path.Combine(dir, "config.json"), config);
        File.WriteAllText(rowFile, JsonConvert.SerializeObject(f, Formatting.Indented) + "\n");
        lock (log)
        {
            log.WriteLine(string.Create(CultureInfo.InvariantCulture, $"bench: {design.Config.Name} ({FlowFiles.TargetName(target)}) took {r.Seconds:0} s"));
        }
        return f;
    }
}
