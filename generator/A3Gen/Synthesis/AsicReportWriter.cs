using System.Globalization;
using System.Text;

namespace A3Gen.Synthesis;

/// <summary>The standard-cell timing, area and power as a Markdown section.</summary>
public static class AsicReportWriter
{
    public static string Markdown(string config, AsicTiming t)
    {
        var inv = CultureInfo.InvariantCulture;
        var sb = new StringBuilder();
        sb.Append(inv, $"## Static timing on standard cells ({config}: {t.Library}, Yosys + OpenSTA)\n\n");
        sb.Append(inv, $"Target {t.ClockMhz:0.###} MHz ({t.PeriodNs:0.###} ns). Worst setup slack **{t.WorstSlackNs:0.###} ns**; the worst path needs {t.Worst.CycleNs:0.###} ns = **{t.Worst.CycleFo4:0.#} FO4**: achieved clock **{t.AchievedMhz:0.#} MHz**.\n\n");
        if (t.WorstRegisterToRegister is { } r)
        {
            sb.Append(inv, $"Worst register-to-register path (flip-flop or SRAM macro to flip-flop or SRAM macro): {r.CycleNs:0.###} ns, {r.CycleFo4:0.#} FO4, {r.Cells} cells, from `{r.From}` to `{r.To}`.\n\n");
        }
        sb.Append(inv, $"FO4 = {t.Fo4Ps:0.#} ps ({t.Fo4Method}). A path's figure is the clock period it needs: arrival at its end point plus that end point's setup.\n\n");
        sb.Append(inv, $"Area: standard cells {t.CellAreaUm2:N0} um^2 ({t.Instances:N0} instances with the macros), SRAM macros {t.MacroAreaUm2:N0} um^2 ({t.SramModel}).\n\n");
        sb.Append(inv, $"Power: {t.PowerW * 1000:0.##} mW (internal {t.InternalPowerW * 1000:0.##}, switching {t.SwitchingPowerW * 1000:0.##}, leakage {t.LeakagePowerW * 1e6:0.###} uW); {t.PowerActivity}.\n\n");
        sb.Append("Worst path ending in each stage (end points: the stage's flip-flops, or the SRAM macros' address, enable and write-data pins):\n\n");
        sb.Append("| stage | instances | worst path ns | FO4 | from | to | register to register ns | FO4 | from | to |\n|---|---|---:|---:|---|---|---:|---:|---|---|\n");
        foreach (var s in t.Stages)
        {
            string Cols(AsicPath? p) => p is null ? "- | - | - | -" : string.Create(inv, $"{p.CycleNs:0.###} | {p.CycleFo4:0.#} | `{p.From}` | `{p.To}`");
            sb.Append(inv, $"| {s.Stage} | {s.Instances} | {Cols(s.Worst)} | {Cols(s.WorstRegisterToRegister)} |\n");
        }
        sb.Append("\nCells by type: ").Append(string.Join(", ", t.CellsByType.Select(kv => string.Create(inv, $"`{kv.Key}` {kv.Value}")))).Append(".\n");
        return sb.ToString();
    }
}
