using System.Globalization;
using A3Gen.Elaboration;
using Newtonsoft.Json;
using Newtonsoft.Json.Linq;

namespace A3Gen.Exploration;

/// <summary>
/// One term of the <see cref="EnergyModel"/>: a component of the measured energy (a stage's cells or a group of SRAM
/// macros, as <c>a3gen power</c> splits it) costs <see cref="PerCycleJ"/> every cycle of a query's interval (clock,
/// leakage: what it costs while idle) plus <see cref="PerUnitJ"/> per unit of its work (<see cref="Unit"/>: busy cycles
/// or rows, from the cycle model).
/// </summary>
public sealed record EnergyTerm(string Component, string Unit, double PerCycleJ, double PerUnitJ);

/// <summary>A mode of the calibration run: the measured energy per query beside what the model gives for the same work.</summary>
public sealed record EnergyCheck(string Mode, double CyclesPerQuery, double MeasuredJ, double ModelJ)
{
    public double RelativeError => (ModelJ - MeasuredJ) / MeasuredJ;
}

/// <summary>
/// Energy per query for any (M, T) point without a gate-level run: a per-component linear model calibrated on one
/// measured <c>a3gen power</c> run (its <c>energy.json</c>) and applied to the cycle model's work of each point
/// (docs/explore.md, "Energy per query"). For each component k of the measured split (candidate selection, dot
/// product, exponent, output, queues/buffers/control, K and V memories, sorted-key memory, buffer memories),
/// E_k = a_k C + b_k U_k per query, with C the query's cycles (the interval, cycles per query back to back) and U_k
/// the component's work per query from the cycle model: for the candidate search and the sorted-key memory their busy
/// cycles on approximate queries (<see cref="Design.StagePeriods(StageWork)"/>; on an exact query the search does not
/// run), for the dot product and the exponent the rows scored, for the output the rows kept, for the control, the K
/// and V memories and the buffer memories the rows scored + kept. a_k (what a cycle costs whatever the component does:
/// the flip-flops' clock pins, leakage) and b_k (what a unit of work adds) are fitted, non-negative, by least squares
/// over the calibration run's modes (at least two with different work).
/// </summary>
public sealed class EnergyModel
{
    /// <summary>The components of the measured split, and the work each one follows.</summary>
    private static readonly (string Component, string Unit, Func<WorkPerQuery, double> Units)[] Components =
    [
        ("candidate selection", "search busy cycles (approximate queries)", w => w.SearchBusy),
        ("dot product", "rows scored", w => w.Scored),
        ("exponent", "rows scored", w => w.Scored),
        ("output", "rows kept", w => w.Kept),
        ("online stage (one-pass)", "rows scored + kept", w => w.Scored + w.Kept),
        ("queues, buffers, control", "rows scored + kept", w => w.Scored + w.Kept),
        ("K and V memories", "rows scored + kept", w => w.Scored + w.Kept),
        ("sorted-key memory", "search busy cycles (approximate queries)", w => w.SearchBusy),
        ("buffer memories (score, exp)", "rows scored + kept", w => w.Scored + w.Kept),
    ];

    private EnergyModel(string source, string config, string configHash, string workload, double clockMhz, IReadOnlyList<EnergyTerm> terms)
    {
        Source = source;
        Config = config;
        ConfigHash = configHash;
        Workload = workload;
        ClockMhz = clockMhz;
        Terms = terms;
    }

    /// <summary>The energy.json the model was calibrated on.</summary>
    public string Source { get; }

    public string Config { get; }

    public string ConfigHash { get; }

    /// <summary>The calibration run's workload (data file or trace).</summary>
    public string Workload { get; }

    /// <summary>The clock of the calibration run: leakage per cycle, and so a_k, hold at that clock only.</summary>
    public double ClockMhz { get; }

    public IReadOnlyList<EnergyTerm> Terms { get; }

    /// <summary>The model applied to each calibration mode's own work, beside its measured energy.</summary>
    public IReadOnlyList<EnergyCheck> Check { get; private set; } = [];

    /// <summary>The largest |model - measured| / measured over <see cref="Check"/>.</summary>
    public double MaxCheckError => Check.Count == 0 ? 0 : Check.Max(c => Math.Abs(c.RelativeError));

    /// <summary>Energy per query (J) of queries taking <paramref name="cyclesPerQuery"/> cycles each with the given mean work.</summary>
    public double PerQueryJ(double cyclesPerQuery, WorkPerQuery work) => PerComponentJ(cyclesPerQuery, work).Sum(c => c.Joules);

    /// <summary>The same, split by component.</summary>
    public IReadOnlyList<(string Component, double Joules)> PerComponentJ(double cyclesPerQuery, WorkPerQuery work) =>
        Terms.Select(t => (t.Component, (t.PerCycleJ * cyclesPerQuery) + (t.PerUnitJ * Components.First(c => c.Component == t.Component).Units(work)))).ToArray();

    /// <summary>One calibration point: a mode's cycles per query, work per query and measured energy per query of each component.</summary>
    public sealed record Measurement(string Mode, double CyclesPerQuery, WorkPerQuery Work, IReadOnlyDictionary<string, double> ComponentJ);

    /// <summary>Fits the model to the measured modes (see the class summary); refuses, in one line, a calibration that cannot determine it.</summary>
    public static EnergyModel Calibrate(IReadOnlyList<Measurement> modes, string source, string config, string configHash, string workload, double clockMhz)
    {
        if (modes.Count < 2)
        {
            throw new UserException($"{source}: {modes.Count} measured mode{(modes.Count == 1 ? "" : "s")}; the energy model needs at least 2 (a3gen power --modes exact,conservative,aggressive, the default)");
        }
        var terms = new List<EnergyTerm>();
        foreach (var (component, unit, units) in Components)
        {
            // A component the design does not have (the online stage of a three-pass design, the exponent and output
            // of a one-pass one) is in no mode's split: it gets no term.
            if (!modes.Any(m => m.ComponentJ.ContainsKey(component)))
            {
                continue;
            }
            var x = modes.Select(m => (C: m.CyclesPerQuery, U: units(m.Work), E: m.ComponentJ.TryGetValue(component, out var e) ? e : 0)).ToArray();
            var (a, b) = FitNonNegative(x);
            terms.Add(new EnergyTerm(component, unit, a, b));
        }
        if (modes.Select(m => m.CyclesPerQuery).Distinct().Count() < 2)
        {
            throw new UserException($"{source}: every measured mode takes {modes[0].CyclesPerQuery.ToString("0.##", CultureInfo.InvariantCulture)} cycles per query; the energy model needs modes of different work (exact and approximate)");
        }
        var model = new EnergyModel(source, config, configHash, workload, clockMhz, terms);
        model.Check = modes.Select(m => new EnergyCheck(m.Mode, m.CyclesPerQuery, m.ComponentJ.Values.Sum(), model.PerQueryJ(m.CyclesPerQuery, m.Work))).ToArray();
        return model;
    }

    /// <summary>
    /// Least squares E = a C + b U with a, b >= 0: the unconstrained fit if both are non-negative, else the better of the
    /// two one-term fits (a alone, b alone).
    /// </summary>
    public static (double A, double B) FitNonNegative(IReadOnlyList<(double C, double U, double E)> x)
    {
        double cc = x.Sum(p => p.C * p.C), uu = x.Sum(p => p.U * p.U), cu = x.Sum(p => p.C * p.U);
        double ce = x.Sum(p => p.C * p.E), ue = x.Sum(p => p.U * p.E);
        double det = (cc * uu) - (cu * cu);
        if (det > 1e-9 * cc * Math.Max(uu, 1e-300))
        {
            double a = ((ce * uu) - (ue * cu)) / det, b = ((ue * cc) - (ce * cu)) / det;
            if (a >= 0 && b >= 0)
            {
                return (a, b);
            }
        }
        double aOnly = cc > 0 ? Math.Max(0, ce / cc) : 0, bOnly = uu > 0 ? Math.Max(0, ue / uu) : 0;
        double Residual(double a, double b) => x.Sum(p => Math.Pow(p.E - (a * p.C) - (b * p.U), 2));
        return Residual(aOnly, 0) <= Residual(0, bOnly) ? (aOnly, 0) : (0, bOnly);
    }

    /// <summary>
    /// Reads the energy.json of <c>a3gen power</c> and calibrates the model on it. The file must be of the same
    /// configuration (name and SHA-256) and carry each mode's work per query; anything else is one line naming the file.
    /// </summary>
    public static EnergyModel Load(string path, Design design)
    {
        if (Directory.Exists(path))
        {
            throw new UserException($"--energy {path} is a folder; give the energy.json that a3gen power writes");
        }
        if (!File.Exists(path))
        {
            throw new UserException($"--energy {path} does not exist; give the energy.json that a3gen power writes");
        }
        JObject json;
        try
        {
            json = JObject.Parse(File.ReadAllText(path));
        }
        catch (JsonReaderException e)
        {
            throw new UserException($"{path}: not JSON ({e.Message.Split('\n')[0].TrimEnd('.')})");
        }
        var report = json["report"] as JObject ?? throw new UserException($"{path}: no 'report' object (not an energy.json of a3gen power)");
        string config = report.Value<string>("config") ?? throw new UserException($"{path}: report.config is missing");
        if (config != design.Config.Name)
        {
            throw new UserException($"{path} was measured on configuration {config}; explore runs {design.Config.Name}");
        }
        string? hash = report.Value<string>("configHash");
        if (hash is null)
        {
            throw new UserException($"{path}: report.configHash is missing (written by an older a3gen power: run it again)");
        }
        if (hash != design.Config.Hash())
        {
            throw new UserException($"{path} was measured on another version of {config} (configuration SHA-256 {hash[..12]}..., this one {design.Config.Hash()[..12]}...): run a3gen power again");
        }
        var modes = new List<Measurement>();
        foreach (var (m, i) in (report["modes"] as JArray ?? []).OfType<JObject>().Select((m, i) => (m, i)))
        {
            try
            {
                var work = m["work"] is JObject w ? w.ToObject<WorkPerQuery>()
                    : throw new UserException($"{path}: report.modes[{i}].work is missing (written by an older a3gen power: run it again)");
                var components = (m["stages"] as JArray ?? []).OfType<JObject>()
                    .ToDictionary(s => s.Value<string>("stage") ?? "", s => s.Value<double>("total"), StringComparer.Ordinal);
                double cycles = m.Value<double?>("cyclesPerQuery") ?? 0;
                if (!(cycles > 0 && double.IsFinite(cycles)))
                {
                    throw new UserException($"{path}: report.modes[{i}].cyclesPerQuery = {m["cyclesPerQuery"]?.ToString() ?? "(missing)"}; expected a positive number");
                }
                modes.Add(new Measurement(m.Value<string>("mode") ?? $"mode {i}", cycles, work!, components));
            }
            catch (Exception e) when (e is JsonException or FormatException or InvalidCastException or ArgumentException or OverflowException)
            {
                throw new UserException($"{path}: report.modes[{i}] is not as a3gen power writes it ({e.Message.Split('\n')[0].TrimEnd('.')})");
            }
        }
        return Calibrate(modes, path, config, hash, report.Value<string>("workload") ?? "", report.Value<double>("clockMhz"));
    }

    /// <summary>Calibrates on a report in memory (as <see cref="Load"/> does on its JSON).</summary>
    public static EnergyModel From(Synthesis.EnergyReport report, string source) =>
        Calibrate(report.Modes.Select(m => new Measurement(m.Mode, m.CyclesPerQuery,
                m.Work ?? throw new UserException($"{source}: mode {m.Mode} has no work per query"),
                m.Stages.ToDictionary(s => s.Stage, s => s.Total, StringComparer.Ordinal))).ToArray(),
            source, report.Config, report.ConfigHash, report.Workload, report.ClockMhz);
}
