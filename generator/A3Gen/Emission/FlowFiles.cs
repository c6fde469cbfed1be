using System.Globalization;
using A3Gen.Elaboration;

namespace A3Gen.Emission;

/// <summary>A synthesis target of the Yosys flow.</summary>
public enum SynthTarget
{
    /// <summary>Yosys's internal gate library (<c>synth</c>): cells, flip-flops, a CMOS transistor estimate.</summary>
    Generic,
    /// <summary>Xilinx 7-series (<c>synth_xilinx</c>): LUTs, flip-flops, DSP48E1, block RAM.</summary>
    Xilinx,
    /// <summary>Lattice iCE40 (<c>synth_ice40</c>), then nextpnr-ice40 on an HX8K.</summary>
    Ice40,
}

/// <summary>How the SRAM module's instances are synthesized.</summary>
public enum MemoryMapping
{
    /// <summary>The SRAM module is a black box: each instance is a macro for a memory compiler (the ASIC flow).</summary>
    Macro,
    /// <summary>The SRAM module is synthesized: flip-flops (generic), block or distributed RAM (FPGA targets).</summary>
    Logic,
}

/// <summary>
/// The flow files beside the RTL: the FuseSoC core, the SDC constraints and one Yosys script per target.
/// Every number comes from <see cref="Design"/>; the templates under templates/flow only format.
/// </summary>
public static class FlowFiles
{
    public static IReadOnlyList<SynthTarget> Targets { get; } = [SynthTarget.Generic, SynthTarget.Xilinx, SynthTarget.Ice40];

    public static string CoreName(Design design) => $"{design.Prefix}.core";

    public static string SdcName(Design design) => $"{design.Prefix}.sdc";

    public static string TargetName(SynthTarget target) => target.ToString().ToLowerInvariant();

    public static string ScriptName(SynthTarget target) => $"synth_{TargetName(target)}.ys";

    /// <summary>The memory mapping a target uses unless told otherwise: macros for the ASIC-like generic target, inferred RAM on FPGAs.</summary>
    public static MemoryMapping DefaultMemories(SynthTarget target) => target == SynthTarget.Generic ? MemoryMapping.Macro : MemoryMapping.Logic;

    /// <summary>The core, the SDC file and the three Yosys scripts (default memory mapping), for <paramref name="verilog"/> in file-list order.</summary>
    public static IReadOnlyList<GeneratedFile> Render(TemplateRenderer renderer, Design design, string generatorVersion, IReadOnlyList<string> verilog)
    {
        var files = new List<GeneratedFile>
        {
            new(CoreName(design), renderer.Render("flow/core.scriban", new FlowView(design, generatorVersion, verilog, SynthTarget.Generic, MemoryMapping.Macro))),
            new(SdcName(design), renderer.Render("flow/sdc.scriban", new FlowView(design, generatorVersion, verilog, SynthTarget.Generic, MemoryMapping.Macro))),
        };
        files.AddRange(Targets.Select(t => Script(renderer, design, generatorVersion, verilog, t, DefaultMemories(t))));
        return files;
    }

    public static GeneratedFile Script(TemplateRenderer renderer, Design design, string generatorVersion, IReadOnlyList<string> verilog, SynthTarget target, MemoryMapping memories) =>
        new(ScriptName(target), renderer.Render("flow/synth.ys.scriban", new FlowView(design, generatorVersion, verilog, target, memories)));
}

/// <summary>What the flow templates see.</summary>
public sealed class FlowView
{
    public FlowView(Design design, string generatorVersion, IReadOnlyList<string> verilog, SynthTarget target, MemoryMapping memories)
    {
        var p = design.Prefix;
        ConfigName = design.Config.Name;
        Top = $"{p}_top";
        CoreVlnv = $"a3gen:a3:{p}:{generatorVersion}";
        Files = verilog;
        SramFile = $"{p}_sram.v";
        // keySort = "on-chip" adds the dual-port SRAM module: a black box too when the memories are macros.
        SramFiles = design.OnChipSort ? [SramFile, $"{p}_sram_dp.v"] : [SramFile];
        OtherFiles = verilog.Where(f => !SramFiles.Contains(f)).ToList();
        SdcName = FlowFiles.SdcName(design);
        ClockPort = design.ClockPort;
        TargetClockMhz = design.Config.TargetClockMhz;
        ClockPeriod = design.ClockPeriodNs.ToString("0.000###", CultureInfo.InvariantCulture);
        Target = FlowFiles.TargetName(target);
        ScriptName = FlowFiles.ScriptName(target);
        MacroMemories = memories == MemoryMapping.Macro;
        MemoryDescription = memories == MemoryMapping.Macro
            ? "as black-box macros"
            : target == SynthTarget.Generic ? "mapped to flip-flops" : "inferred as FPGA RAM";
        SynthCommand = target switch
        {
            SynthTarget.Xilinx => $"synth_xilinx -top {Top} -family xc7",
            SynthTarget.Ice40 => $"synth_ice40 -top {Top} -noflatten",
            _ => $"synth -top {Top}",
        };
        StatOptions = target == SynthTarget.Generic ? " -tech cmos" : "";
        // ltp follows combinational cells only: flip-flops, RAMs and the instances of generated modules end paths.
        string[] excluded = target switch
        {
            SynthTarget.Xilinx => [$"{p}_*", "$paramod*", "FD*", "RAM*", "SRL*"],
            SynthTarget.Ice40 => [$"{p}_*", "$paramod*", "SB_DFF*", "SB_RAM*"],
            _ => [$"{p}_*", "$paramod*", "$mem*"],
        };
        LtpSelection = "* " + string.Join(' ', excluded.Select(t => $"t:{t} %d"));
        WriteJsonNetlist = target == SynthTarget.Ice40;
    }

    public string ConfigName { get; }
    public string Top { get; }
    public string CoreVlnv { get; }
    public IReadOnlyList<string> Files { get; }
    public string SramFile { get; }
    public IReadOnlyList<string> SramFiles { get; }
    public IReadOnlyList<string> OtherFiles { get; }
    public string SdcName { get; }
    public string ClockPort { get; }
    public int TargetClockMhz { get; }
    public string ClockPeriod { get; }
    public string Target { get; }
    public string ScriptName { get; }
    public bool MacroMemories { get; }
    public string MemoryDescription { get; }
    public string SynthCommand { get; }
    public string StatOptions { get; }
    public string LtpSelection { get; }
    public bool WriteJsonNetlist { get; }
}
