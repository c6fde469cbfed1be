using System.Globalization;
using System.Text;
using Newtonsoft.Json;
using Newtonsoft.Json.Serialization;

namespace A3Gen.Synthesis;

/// <summary>The synthesis report as JSON (every figure) and as Markdown (the tables a reader compares).</summary>
public static class SynthReportWriter
{
    private static readonly JsonSerializerSettings Settings = new()
    {
        ContractResolver = new DefaultContractResolver { NamingStrategy = new CamelCaseNamingStrategy { ProcessDictionaryKeys = false } },
        Formatting = Formatting.Indented,
    };

    public static string Json(object report) => JsonConvert.SerializeObject(report, Settings).Replace("\r\n", "\n") + "\n";

    public static string Markdown(SynthReport r)
    {
        var inv = CultureInfo.InvariantCulture;
        var sb = new StringBuilder();
        bool fpga = r.Target != "generic";
        sb.Append(inv, $"# Synthesis of {r.Top} ({r.Config}), target {r.Target}, memories {r.Memories}\n\n");
        sb.Append(inv, $"Yosys script `{r.Script}`, {r.Seconds:0.0} s. `check`: {r.CheckProblems} problems, {r.Total.Latches} latches.\n\n");
        sb.Append(inv, $"Longest combinational path of the flattened netlist (`ltp -noff` after technology mapping): **{r.LongestPath.Depth}** cells, in `{r.LongestPath.Instance}` ({r.LongestPath.Module}), from `{r.LongestPath.From}` to `{r.LongestPath.To}`.\n\n");
        sb.Append("## Per instance of the top (each with everything below it)\n\n");
        sb.Append(fpga
            ? "| instance | module | cells | LUTs | flip-flops | DSP | block RAM | LUT RAM | multipliers (RTL) | memory bits (RTL) | depth |\n|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n"
            : "| instance | module | cells | flip-flops | transistors | multipliers (RTL) | memory bits (RTL) | macro bits | depth |\n|---|---|---:|---:|---:|---:|---:|---:|---:|\n");
        foreach (var i in r.Instances.Append(new InstanceReport("**total**", "", r.Total, r.LongestPath.Depth)))
        {
            var t = i.Total;
            sb.Append(fpga
                ? string.Create(inv, $"| {i.Instance} | {i.Module} | {t.Cells} | {t.Luts} | {t.FlipFlops} | {t.Dsps} | {t.BlockRams} | {t.LutRams} | {t.Multipliers} | {t.MemoryBits} | {i.Depth} |\n")
                : string.Create(inv, $"| {i.Instance} | {i.Module} | {t.Cells} | {t.FlipFlops} | {t.Transistors} | {t.Multipliers} | {t.MemoryBits} | {t.MacroBits} | {i.Depth} |\n"));
        }
        sb.Append("\nThe depth of the total is the flattened netlist's longest path; an instance's is the deepest path inside one module of it.\n\n");
        sb.Append("## Per module (its own cells, without the modules it instantiates)\n\n");
        sb.Append("| module | used by | cells | flip-flops | " + (fpga ? "LUTs | DSP | block RAM" : "transistors") + " | depth | cells by type |\n");
        sb.Append(fpga ? "|---|---|---:|---:|---:|---:|---:|---:|---|\n" : "|---|---|---:|---:|---:|---:|---|\n");
        foreach (var m in r.Modules)
        {
            var types = string.Join(", ", m.Own.ByType.Select(kv => string.Create(inv, $"`{kv.Key}` {kv.Value}")));
            var users = m.UsedBy.Count == 0 ? "-" : string.Join(", ", m.UsedBy);
            sb.Append(fpga
                ? string.Create(inv, $"| {m.Module} | {users} | {m.Own.Cells} | {m.Own.FlipFlops} | {m.Own.Luts} | {m.Own.Dsps} | {m.Own.BlockRams} | {m.Depth} | {types} |\n")
                : string.Create(inv, $"| {m.Module} | {users} | {m.Own.Cells} | {m.Own.FlipFlops} | {m.Own.Transistors} | {m.Depth} | {types} |\n"));
        }
        sb.Append(r.Macros.Any(m => m.Module.EndsWith("_sram_dp", StringComparison.Ordinal))
            ? "\n## Memories (instances of the SRAM modules: 1 write port and 1 registered read port, or two ports each a write or a registered read (`_sram_dp`); read-first)\n\n"
            : "\n## Memories (instances of the SRAM module: 1 write port, 1 registered read port, read-first)\n\n");
        sb.Append("| instance | module | depth | width | address bits | bits | purpose | mapped to |\n|---|---|---:|---:|---:|---:|---|---|\n");
        foreach (var m in r.Macros)
        {
            sb.Append(inv, $"| {m.Instance} | {m.Module} | {m.Depth} | {m.Width} | {m.AddressWidth} | {m.Bits} | {m.Purpose} | {m.Mapping} |\n");
        }
        if (r.PlaceAndRoute is { } p)
        {
            sb.Append(inv, $"\n## Place and route (nextpnr-ice40, {p.Device})\n\n");
            sb.Append(p.Ran
                ? string.Create(inv, $"Fmax **{p.FmaxMhz:0.00} MHz** (target {p.TargetMhz} MHz); logic cells {p.LogicCells} / {p.LogicCellsAvailable}, block RAM {p.Rams} / {p.RamsAvailable}, I/O {p.Ios} / {p.IosAvailable}. {p.Note}.\n")
                : string.Create(inv, $"Not run: {p.Note}.\n"));
        }
        if (r.Asic is { } asic)
        {
            sb.Append('\n').Append(AsicReportWriter.Markdown(r.Config, asic));
        }
        return sb.ToString();
    }
}
