using System.CommandLine;
using A3Gen.Elaboration;
using A3Gen.Emission;
using A3Gen.Synthesis;

namespace A3Gen.Cli;

/// <summary>a3gen synth: Yosys synthesis of the generated RTL, report, netlist and flow files.</summary>
public static class SynthCommand
{
    /// <summary>Minutes a tool run may take by default.</summary>
    public static int DefaultTimeoutMinutes => (int)YosysSynthesis.DefaultTimeout.TotalMinutes;

    /// <summary>The longest --timeout-minutes: a week.</summary>
    public const int MaxTimeoutMinutes = 7 * 24 * 60;

    public static Command Build(TextWriter stdout, TextWriter stderr)
    {
        var configOption = new Option<string?>("--config") { Description = "configuration JSON file (default: the built-in paper configuration a3-paper)" };
        var targetOption = new Option<string>("--target") { Description = "generic (Yosys gates, transistor estimate), asic (generic, then the OSU 0.18 um standard cells timed by OpenSTA), xilinx (7-series) or ice40 (HX8K, with nextpnr-ice40)", DefaultValueFactory = _ => "generic" };
        targetOption.AcceptOnlyFromAmong("generic", "asic", "xilinx", "ice40");
        var clockOption = new Option<string?>("--clock-mhz") { Description = "asic: the clock to map and time at, MHz (default: the configuration's targetClockMhz)" };
        var memoriesOption = new Option<string?>("--memories") { Description = "macro (the SRAM module is a black box; default for generic) or logic (synthesized: flip-flops, or FPGA RAM; default for xilinx and ice40)" };
        memoriesOption.AcceptOnlyFromAmong("macro", "logic");
        var outOption = new Option<string?>("--out") { Description = "output folder (default: synth-out/<name>-<target>)" };
        var timeoutOption = new Option<string?>("--timeout-minutes") { Description = $"stop a tool run (Yosys with ABC, nextpnr-ice40, OpenSTA) that takes longer, and fail (default {DefaultTimeoutMinutes}: a3-paper's shape with lanes needs more than an hour of Yosys on a busy 2-core machine)" };
        var command = new Command("synth", "Synthesize the generated RTL with Yosys: netlist.v, report.json, report.md, the RTL and the flow files.")
        {
            configOption, targetOption, memoriesOption, outOption, clockOption, timeoutOption,
        };
        command.SetAction(parse => Cli.Guard(stderr, () =>
        {
            var config = Cli.LoadConfig(parse.GetValue(configOption));
            var design = new Design(config);
            var targetName = parse.GetValue(targetOption)!;
            bool asic = targetName == "asic";
            var target = asic ? SynthTarget.Generic : Enum.Parse<SynthTarget>(targetName, ignoreCase: true);
            var clockText = parse.GetValue(clockOption);
            if (clockText is not null && !asic)
            {
                throw new UserException("--clock-mhz applies to --target asic only");
            }
            double? clockMhz = clockText is null ? null
                : double.TryParse(clockText, System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out var mhz) ? mhz
                : throw new UserException($"--clock-mhz must be a number in (0, {AsicFlow.MaxClockMhz}], got '{clockText}'");
            var timeoutText = parse.GetValue(timeoutOption);
            var timeout = TimeSpan.FromMinutes(timeoutText is null ? DefaultTimeoutMinutes
                : int.TryParse(timeoutText, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var minutes) && minutes is >= 1 and <= MaxTimeoutMinutes ? minutes
                : throw new UserException($"--timeout-minutes must be a whole number of minutes in 1..{MaxTimeoutMinutes}, got '{timeoutText}'"));
            var flow = asic ? new AsicFlow(design, clockMhz) { Timeout = timeout } : null;
            var memories = parse.GetValue(memoriesOption) is { } m ? Enum.Parse<MemoryMapping>(m, ignoreCase: true) : FlowFiles.DefaultMemories(target);
            var outDir = parse.GetValue(outOption) ?? Path.Combine("synth-out", $"{config.Name}-{(asic ? "asic" : FlowFiles.TargetName(target))}");
            var report = new YosysSynthesis(design, target, memories) { Asic = flow, Timeout = timeout }.Run(outDir);
            var t = report.Total;
            var figures = target == SynthTarget.Generic
                ? $"{t.Cells} cells, {t.FlipFlops} flip-flops, {t.Transistors} transistors"
                : $"{t.Luts} LUTs, {t.FlipFlops} flip-flops, {t.Dsps} DSP, {t.BlockRams} block RAM, {t.LutRams} LUT RAM";
            var pnr = report.PlaceAndRoute is { } p ? (p.Ran ? $", Fmax {p.FmaxMhz:0.00} MHz on {p.Device}" : $", {p.Note}") : "";
            if (report.Asic is { } a)
            {
                var r2r = a.WorstRegisterToRegister is { } w ? $"; register to register {w.CycleNs:0.###} ns = {w.CycleFo4:0.#} FO4 from {w.From} to {w.To}" : "";
                stdout.WriteLine($"{config.Name} on {a.Library}: achieved clock {a.AchievedMhz:0.#} MHz (target {a.ClockMhz:0.###} MHz, worst slack {a.WorstSlackNs:0.###} ns), worst path {a.Worst.CycleNs:0.###} ns = {a.Worst.CycleFo4:0.#} FO4 (FO4 {a.Fo4Ps:0.#} ps){r2r}; cells {a.CellAreaUm2:0} um^2, SRAM macros {a.MacroAreaUm2:0} um^2, power {a.PowerW * 1000:0.#} mW");
            }
            stdout.WriteLine($"{config.Name} ({report.Target}, memories {report.Memories}): {figures}; longest path {report.LongestPath.Depth} in {report.LongestPath.Instance}{pnr}; wrote {outDir} ({report.Seconds:0.0} s)");
            return 0;
        }));
        return command;
    }
}
