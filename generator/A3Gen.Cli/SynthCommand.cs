using System.CommandLine;
using A3Gen.Elaboration;
using A3Gen.Emission;
using A3Gen.Synthesis;

namespace A3Gen.Cli;

/// <summary>a3gen synth: Yosys synthesis of the generated RTL, report, netlist and flow files.</summary>
public static class SynthCommand
{
    public static Command Build(TextWriter stdout, TextWriter stderr)
    {
        var configOption = new Option<string?>("--config") { Description = "configuration JSON file (default: the built-in paper configuration a3-paper)" };
        var targetOption = new Option<string>("--target") { Description = "generic (Yosys gates, transistor estimate), xilinx (7-series) or ice40 (HX8K, with nextpnr-ice40)", DefaultValueFactory = _ => "generic" };
        targetOption.AcceptOnlyFromAmong("generic", "xilinx", "ice40");
        var memoriesOption = new Option<string?>("--memories") { Description = "macro (the SRAM module is a black box; default for generic) or logic (synthesized: flip-flops, or FPGA RAM; default for xilinx and ice40)" };
        memoriesOption.AcceptOnlyFromAmong("macro", "logic");
        var outOption = new Option<string?>("--out") { Description = "output folder (default: synth-out/<name>-<target>)" };
        var command = new Command("synth", "Synthesize the generated RTL with Yosys: netlist.v, report.json, report.md, the RTL and the flow files.")
        {
            configOption, targetOption, memoriesOption, outOption,
        };
        command.SetAction(parse => Cli.Guard(stderr, () =>
        {
            var config = Cli.LoadConfig(parse.GetValue(configOption));
            var design = new Design(config);
            var target = Enum.Parse<SynthTarget>(parse.GetValue(targetOption)!, ignoreCase: true);
            var memories = parse.GetValue(memoriesOption) is { } m ? Enum.Parse<MemoryMapping>(m, ignoreCase: true) : FlowFiles.DefaultMemories(target);
            var outDir = parse.GetValue(outOption) ?? Path.Combine("synth-out", $"{config.Name}-{FlowFiles.TargetName(target)}");
            var report = new YosysSynthesis(design, target, memories).Run(outDir);
            var t = report.Total;
            var figures = target == SynthTarget.Generic
                ? $"{t.Cells} cells, {t.FlipFlops} flip-flops, {t.Transistors} transistors"
                : $"{t.Luts} LUTs, {t.FlipFlops} flip-flops, {t.Dsps} DSP, {t.BlockRams} block RAM, {t.LutRams} LUT RAM";
            var pnr = report.PlaceAndRoute is { } p ? (p.Ran ? $", Fmax {p.FmaxMhz:0.00} MHz on {p.Device}" : $", {p.Note}") : "";
            stdout.WriteLine($"{config.Name} ({report.Target}, memories {report.Memories}): {figures}; longest path {report.LongestPath.Depth} in {report.LongestPath.Instance}{pnr}; wrote {outDir} ({report.Seconds:0.0} s)");
            return 0;
        }));
        return command;
    }
}
