using System.Globalization;
using System.Text;

namespace A3Gen.Synthesis;

/// <summary>The CPU side of the comparison: the measured time of one query on one core and the power charged to that core.</summary>
public sealed record CpuBaseline(string Source, double NanosecondsPerQuery, double WattsPerCore, string WattsSource)
{
    public double JoulesPerQuery => NanosecondsPerQuery * 1e-9 * WattsPerCore;

    /// <summary>
    /// Power charged to one core: a 5th-generation Xeon (Emerald Rapids, the bench machine's CPU) at its rated
    /// power divided by its cores, e.g. the Xeon Platinum 8592+ at 350 W for 64 cores, about 5.5 W a core (uncore,
    /// memory and idle cores not counted, so the CPU's energy is if anything understated).
    /// </summary>
    public const double DefaultWattsPerCore = 5.5;

    /// <summary>The fastest single-query median on one core measured in bench/README.md (vectorized C#), by (n, d).</summary>
    public static CpuBaseline? Measured(int rows, int dimension) => (rows, dimension) switch
    {
        (320, 64) => Make(4980.1),
        (100, 16) => Make(297.7),
        (16, 4) => Make(105.1),
        (128, 32) => Make(673.1),
        _ => null,
    };

    private static CpuBaseline Make(double ns) =>
        new("bench/README.md, Vectorized, median of one query on one core", ns, DefaultWattsPerCore, "Xeon Platinum 8592+ (Emerald Rapids): 350 W TDP / 64 cores");
}

/// <summary>The paper's Table I figures (TSMC 40 nm, 1 GHz) for the side-by-side table.</summary>
public static class PaperEnergy
{
    public const double DynamicMw = 98.9, StaticMw = 11.5, ClockGhz = 1.0;

    /// <summary>About 36 nJ for an exact query at n = 320: the total power over the exact pipeline's interval (about 326 cycles).</summary>
    public const double ExactQueryNj = 36.0;

    public const string ApproximateSaving = "1.4x to 11.7x less energy than the exact pipeline";
}

/// <summary>JSON and Markdown of an <see cref="EnergyReport"/>.</summary>
public static class PowerReportWriter
{
    public static string Markdown(EnergyReport r, CpuBaseline? cpu)
    {
        var inv = CultureInfo.InvariantCulture;
        var sb = new StringBuilder();
        sb.Append(inv, $"# Energy per query: {r.Config} on the OSU 0.18 um cells\n\n");
        sb.Append(inv, $"Workload {r.Workload} (n = {r.Rows}), clock **{r.ClockMhz:0.#} MHz** ({r.ClockSource}). {r.Seconds:0} s in all.\n\n");
        sb.Append(inv, $"- Activity: {r.ActivitySource}.\n- Power: {r.Approximation}.\n");
        sb.Append(inv, $"- Check: every output at a uniform {PowerModel.CheckActivity} toggles a cycle, the model gives {r.UniformCheckModelW * 1000:0.###} mW, OpenSTA's own total at that global activity {r.UniformCheckOpenStaW * 1000:0.###} mW.\n");
        sb.Append(inv, $"- SRAM macros: {r.SramModel}.\n\n");
        sb.Append("| mode | queries (in the window) | cycles / query (model) | candidates | kept | nJ / query | average mW | queries / s | queries / J | simulation s |\n|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n");
        foreach (var m in r.Modes)
        {
            sb.Append(inv, $"| {m.Mode} | {m.Queries} ({m.WindowQueries}) | {m.CyclesPerQuery:0.##} ({m.ModelCyclesPerQuery:0.##}) | {m.MeanCandidates:0.#} | {m.MeanKept:0.#} | {m.EnergyPerQueryNj:0.###} | {m.AveragePowerW * 1000:0.#} | {m.QueriesPerSecond:N0} | {m.QueriesPerJoule:N0} | {m.SimulationSeconds:0.#} |\n");
        }
        var exact = r.Modes.FirstOrDefault(m => m.Mode == "exact");
        if (exact is not null)
        {
            foreach (var m in r.Modes.Where(m => m != exact))
            {
                sb.Append(inv, $"\n{m.Mode}: {exact.EnergyPerQueryJ / m.EnergyPerQueryJ:0.##}x less energy than exact (paper: {PaperEnergy.ApproximateSaving}).");
            }
            sb.Append('\n');
        }
        sb.Append("\n## Per stage (nJ per query: internal / switching / leakage of the cells; SRAM accesses and leakage)\n\n");
        sb.Append("| mode | stage | instances | internal | switching | leakage | SRAM access | SRAM leakage | reads | writes | total | share |\n|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n");
        foreach (var m in r.Modes)
        {
            foreach (var s in m.Stages)
            {
                sb.Append(inv, $"| {m.Mode} | {s.Stage} | {s.Instances} | {s.Cells.Internal * 1e9:0.###} | {s.Cells.Switching * 1e9:0.###} | {s.Cells.Leakage * 1e9:0.####} | {s.SramDynamic * 1e9:0.###} | {s.SramLeakage * 1e9:0.####} | {s.SramReads} | {s.SramWrites} | {s.Total * 1e9:0.###} | {s.Total / m.EnergyPerQueryJ:P0} |\n");
            }
        }
        sb.Append("\n## Activity coverage\n\n| mode | driven nets | measured | share | left at the reference activity |\n|---|---:|---:|---:|---|\n");
        foreach (var (mode, c) in r.Coverage)
        {
            var names = c.Defaulted.Count == 0 ? "none" : string.Join(", ", c.Defaulted.Take(10).Select(n => $"`{n}`")) + (c.Defaulted.Count > 10 ? $" and {c.Defaulted.Count - 10} more (energy.json)" : "");
            sb.Append(inv, $"| {mode} | {c.Nets} | {c.Measured} | {c.Share:P2} | {names} |\n");
        }
        sb.Append("\n## SRAM access energy (model)\n\n| shape | read pJ | write pJ | leakage uW |\n|---|---:|---:|---:|\n");
        foreach (var s in r.SramShapes)
        {
            sb.Append(inv, $"| {s.Shape.Depth} x {s.Shape.Width} | {s.ReadPj:0.###} | {s.WritePj:0.###} | {s.LeakageW * 1e6:0.###} |\n");
        }
        sb.Append("\n## Against the CPU and the paper\n\n");
        if (exact is not null)
        {
            sb.Append("| | process | nJ / query (exact) | queries / J |\n|---|---|---:|---:|\n");
            sb.Append(inv, $"| A3Gen {r.Config} (here) | OSU 0.18 um, 1.8 V, {r.ClockMhz:0.#} MHz | {exact.EnergyPerQueryNj:0.###} | {exact.QueriesPerJoule:N0} |\n");
            if (cpu is not null)
            {
                sb.Append(inv, $"| one CPU core ({cpu.NanosecondsPerQuery:0.#} ns x {cpu.WattsPerCore} W) | Intel 7 (Emerald Rapids) | {cpu.JoulesPerQuery * 1e9:0.###} | {1 / cpu.JoulesPerQuery:N0} |\n");
            }
            sb.Append(inv, $"| paper, Table I (n = 320) | TSMC 40 nm, 1 GHz | about {PaperEnergy.ExactQueryNj} ({PaperEnergy.DynamicMw} mW dynamic + {PaperEnergy.StaticMw} mW static) | about {1e9 / PaperEnergy.ExactQueryNj:N0} |\n");
            if (cpu is not null)
            {
                sb.Append(inv, $"\nCPU: {cpu.Source}; power {cpu.WattsSource}. The accelerator here uses {cpu.JoulesPerQuery / exact.EnergyPerQueryJ:0.##}x less energy per exact query than one core.\n");
            }
            sb.Append("The paper's figure is 40 nm at about 0.9 V; this one 0.18 um at 1.8 V, not scaled: dynamic energy goes with C V^2, so the same circuit would need roughly (40/180) x (0.9/1.8)^2, about 1/18 of it, in 40 nm.\n");
        }
        return sb.ToString();
    }
}
