using System.Globalization;
using A3Gen.Elaboration;
using A3Gen.Exploration;
using A3Gen.Traces;

namespace A3Gen.Tests;

/// <summary>
/// The energy model of explore (<see cref="EnergyModel"/>) without a gate-level run: its fit, its one-line refusals,
/// explore's energy columns and plot from a hand-made calibration, and the trace workloads of power (<see cref="TraceWorkload"/>).
/// The calibration against measured gate-level runs is in <see cref="PowerTests"/>.
/// </summary>
public class EnergyModelTests
{
    private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;

    private static string Config(string name) => TestSupport.ConfigPath(name);

    private static (int Code, string Out, string Err) Run(params string[] args) => TestSupport.RunCli(args);

    [Fact]
    public void TheFitRecoversALinearModelAndKeepsItsCoefficientsNonNegative()
    {
        var exact = new[] { (24.0, 0.0, (2 * 24.0) + 0), (18.0, 18.0, (2 * 18.0) + (3 * 18.0)), (12.0, 12.0, (2 * 12.0) + (3 * 12.0)) };
        var (a, b) = EnergyModel.FitNonNegative(exact);
        Assert.Equal(2, a, 1e-9);
        Assert.Equal(3, b, 1e-9);
        // Energy falling as the work grows would need b < 0: the fit drops that term and keeps a >= 0.
        var falling = new[] { (10.0, 0.0, 10.0), (10.0, 5.0, 8.0), (20.0, 5.0, 18.0) };
        var (a2, b2) = EnergyModel.FitNonNegative(falling);
        Assert.Equal(0, b2);
        Assert.True(a2 > 0);
        Assert.Equal(falling.Sum(p => p.Item1 * p.Item3) / falling.Sum(p => p.Item1 * p.Item1), a2, 1e-12);
    }

    private static WorkPerQuery Work(double search, double busy) => new(search, busy, busy, busy, busy, busy, search);

    [Fact]
    public void ACalibrationThatCannotDetermineTheModelIsRefusedInOneLine()
    {
        var one = new[] { new EnergyModel.Measurement("exact", 24, Work(0, 22), new Dictionary<string, double> { ["dot product"] = 1e-9 }) };
        Assert.Equal("e.json: 1 measured mode; the energy model needs at least 2 (a3gen power --modes exact,conservative,aggressive, the default)",
            Assert.Throws<UserException>(() => EnergyModel.Calibrate(one, "e.json", "c", "h", "w", 100)).Message);
        var same = new[] { one[0], one[0] with { Mode = "exact again" } };
        Assert.Equal("e.json: every measured mode takes 24 cycles per query; the energy model needs modes of different work (exact and approximate)",
            Assert.Throws<UserException>(() => EnergyModel.Calibrate(same, "e.json", "c", "h", "w", 100)).Message);
    }

    /// <summary>An energy.json for a3-small in which only the dot product costs energy, 1 nJ every cycle of a query whatever it does (its rows scored vary on their own).</summary>
    private static string PerCycleCalibration(string dir, string config, string hash)
    {
        var path = Path.Combine(dir, "energy.json");
        string Mode(string name, double cycles, double search) => string.Create(Inv,
            $"{{\"mode\": \"{name}\", \"cyclesPerQuery\": {cycles}, \"work\": {{\"candidateBusy\": {search + 2}, \"dotProductBusy\": {cycles - 2}, \"exponentBusy\": {cycles - 2}, " +
            $"\"outputBusy\": {cycles}, \"scored\": {cycles - 8}, \"kept\": {cycles - 9}, \"searchBusy\": {search}}}, " +
            $"\"stages\": [{{\"stage\": \"dot product\", \"total\": {cycles * 1e-9}}}, {{\"stage\": \"exponent\", \"total\": 0}}]}}");
        File.WriteAllText(path, $"{{\"report\": {{\"config\": \"{config}\", \"configHash\": \"{hash}\", \"workload\": \"hand-made\", \"clockMhz\": 100, " +
            $"\"modes\": [{Mode("exact", 24, 0)}, {Mode("conservative", 18, 18)}, {Mode("aggressive", 12, 12)}]}}}}\n");
        return path;
    }

    private static string SmallTrace(string dir)
    {
        var path = Path.Combine(dir, "small.npz");
        TraceWriter.WriteNpz(SyntheticTraces.Planted(7, 2, 6, 16, 4, 2, 4.0), path, TracePrecision.Float64);
        return path;
    }

    [Fact]
    public void ExploreGivesEveryPointTheModelsEnergyAndPlotsAccuracyAgainstIt()
    {
        var dir = TestSupport.TempDir("explore-energy");
        var design = TestSupport.ShippedDesign("a3-small");
        var energy = PerCycleCalibration(dir, "a3-small", design.Config.Hash());
        var outDir = Path.Combine(dir, "out");
        var (code, stdout, stderr) = Run("explore", "--config", Config("a3-small"), "--trace", SmallTrace(dir), "--iterations", "n,n/2,n/8",
            "--threshold-percent", "5,10", "--no-area", "--cosim-sample", "0", "--energy", energy, "--out", outDir);
        Assert.True(code == 0, stderr);
        Assert.Contains($"explore: energy per query from the model calibrated on {energy} (its own modes within 0.0%)", stderr);
        var lines = File.ReadAllLines(Path.Combine(outDir, "points.csv"));
        var header = lines[0].Split(',');
        var rows = lines.Skip(1).Select(l => header.Zip(l.Split(',')).ToDictionary(p => p.First, p => p.Second)).ToList();
        Assert.Equal(7, rows.Count);
        double exactNj = double.Parse(rows[0]["energy_nj_per_query"], Inv);
        foreach (var row in rows)
        {
            // The calibration charges 1 nJ a cycle and nothing for work: each point's energy is its cycles per query in nJ.
            double cycles = double.Parse(row["cycles_per_query"], Inv);
            double nj = double.Parse(row["energy_nj_per_query"], Inv);
            Assert.Equal(cycles, nj, 1e-6);
            Assert.Equal(exactNj / nj, double.Parse(row["energy_saving"], Inv), 1e-6);
            Assert.Equal(0, double.Parse(row["candidate_energy_share"], Inv));
        }
        Assert.Contains(rows, r => double.Parse(r["energy_saving"], Inv) > 1.25);
        var summary = File.ReadAllText(Path.Combine(outDir, "summary.md"));
        Assert.Contains("| dot product | 1 | 0 | rows scored |", summary);
        Assert.Contains("Check, the model on the calibration run's own modes: exact measured 24 nJ, model 24 nJ (0.0%)", summary);
        var png = File.ReadAllBytes(Path.Combine(outDir, "accuracy-vs-energy.png"));
        Assert.True(png.Length > 5000, $"accuracy-vs-energy.png is only {png.Length} bytes");
        Assert.Contains("</svg>", File.ReadAllText(Path.Combine(outDir, "accuracy-vs-energy.svg")));
        Assert.Contains("nJ/query (", stdout);
        Directory.Delete(dir, true);
    }

    [Fact]
    public void ExploreWithoutACalibrationSaysSoInOneLineAndInventsNoEnergy()
    {
        var dir = TestSupport.TempDir("explore-no-energy");
        var outDir = Path.Combine(dir, "out");
        var (code, _, stderr) = Run("explore", "--config", Config("a3-small"), "--trace", SmallTrace(dir), "--iterations", "n/2",
            "--threshold-percent", "5", "--no-area", "--cosim-sample", "0", "--out", outDir);
        Assert.True(code == 0, stderr);
        const string line = "No energy per query: no calibration for a3-small (give --energy with the energy.json of scripts/a3gen power --config <a3-small's file>).";
        Assert.Contains("explore: " + line + "\n", stderr);
        Assert.Contains("## Energy per query\n\n" + line + "\n", File.ReadAllText(Path.Combine(outDir, "summary.md")));
        var lines = File.ReadAllLines(Path.Combine(outDir, "points.csv"));
        Assert.All(lines.Skip(1), l => Assert.EndsWith(",,,", l));
        Assert.False(File.Exists(Path.Combine(outDir, "accuracy-vs-energy.png")));
        Directory.Delete(dir, true);
    }

    [Fact]
    public void ExploreRefusesACalibrationOfAnotherConfigurationAndWritesNothing()
    {
        var dir = TestSupport.TempDir("explore-energy-bad");
        var trace = SmallTrace(dir);
        var outDir = Path.Combine(dir, "out");
        var mid = PerCycleCalibration(dir, "a3-mid", TestSupport.ShippedDesign("a3-mid").Config.Hash());
        var (code, _, stderr) = Run("explore", "--config", Config("a3-small"), "--trace", trace, "--no-area", "--cosim-sample", "0", "--energy", mid, "--out", outDir);
        Assert.Equal(1, code);
        Assert.Equal($"a3gen: error: {mid} was measured on configuration a3-mid; explore runs a3-small\n", stderr);
        Assert.False(Directory.Exists(outDir));
        File.WriteAllText(mid, File.ReadAllText(mid).Replace("\"configHash\"", "\"hash\"", StringComparison.Ordinal).Replace("a3-mid", "a3-small", StringComparison.Ordinal));
        (code, _, stderr) = Run("explore", "--config", Config("a3-small"), "--trace", trace, "--no-area", "--cosim-sample", "0", "--energy", mid, "--out", outDir);
        Assert.Equal(1, code);
        Assert.Equal($"a3gen: error: {mid}: report.configHash is missing (written by an older a3gen power: run it again)\n", stderr);
        var small = PerCycleCalibration(dir, "a3-small", TestSupport.ShippedDesign("a3-small").Config.Hash());
        File.WriteAllText(small, File.ReadAllText(small).Replace("\"cyclesPerQuery\": 18,", "\"cyclesPerQuery\": \"fast\",", StringComparison.Ordinal));
        (code, _, stderr) = Run("explore", "--config", Config("a3-small"), "--trace", trace, "--no-area", "--cosim-sample", "0", "--energy", small, "--out", outDir);
        Assert.Equal(1, code);
        Assert.StartsWith($"a3gen: error: {small}: report.modes[1] is not as a3gen power writes it (", stderr);
        Assert.Single(stderr.Trim().Split('\n'));
        (code, _, stderr) = Run("explore", "--config", Config("a3-small"), "--trace", trace, "--no-area", "--cosim-sample", "0", "--energy", dir, "--out", outDir);
        Assert.Equal($"a3gen: error: --energy {dir} is a folder; give the energy.json that a3gen power writes\n", stderr);
        Assert.False(Directory.Exists(outDir));
        Directory.Delete(dir, true);
    }

    [Fact]
    public void APowerWorkloadFromATraceTakesEvenlySpreadHeadsAndQueries()
    {
        var design = TestSupport.ShippedDesign("a3-small");
        var trace = SyntheticTraces.Planted(3, 5, 9, 16, 4, 2, 4.0);
        var (workloads, description) = TraceWorkload.Select(trace, design, 2, 3);
        // Heads floor(i 5 / 2) = 0, 2; queries floor(i 9 / 3) = 0, 3, 6.
        Assert.Equal(2, workloads.Count);
        foreach (var (w, head) in workloads.Zip(new[] { 0, 2 }))
        {
            var instance = trace.Instances[head];
            Assert.Equal($"{trace.Source} {instance.Name}", w.Name);
            Assert.Equal(Quantizer.Quantize(instance.Keys, design.Input, new QuantizationCount()), w.Stimulus.Keys);
            Assert.Equal(Quantizer.Quantize(instance.Values, design.Input, new QuantizationCount()), w.Stimulus.Values);
            Assert.Equal(Quantizer.Quantize(new[] { 0, 3, 6 }.Select(k => instance.Queries[k]).ToArray(), design.Input, new QuantizationCount()),
                w.Stimulus.Queries.Select(q => q.Query).ToArray());
            Assert.All(w.Stimulus.Queries, q => Assert.Equal(16, q.Rows));
        }
        Assert.StartsWith($"{trace.Source}: 2 of its 5 instances ({trace.Instances[0].Name}, {trace.Instances[2].Name}), 3 evenly spaced queries each", description);
        Assert.Equal($"--heads 6 is out of range 1..5 (the instances of {trace.Source})",
            Assert.Throws<UserException>(() => TraceWorkload.Select(trace, design, 6, 3)).Message);
        Assert.Equal("--queries 1 is out of range 2.. (energy per query is measured between back-to-back queries)",
            Assert.Throws<UserException>(() => TraceWorkload.Select(trace, design, 1, 1)).Message);
        Assert.Equal($"--queries 10: {trace.Source}: {trace.Instances[0].Name} has only 9 queries",
            Assert.Throws<UserException>(() => TraceWorkload.Select(trace, design, 1, 10)).Message);
        var wide = SyntheticTraces.Planted(3, 1, 4, 16, 8, 2, 4.0);
        Assert.Equal($"{wide.Source}: the trace has d = 8; the configuration's dimension d is 4",
            Assert.Throws<UserException>(() => TraceWorkload.Select(wide, design, 1, 2)).Message);
    }

    [Theory]
    [InlineData("--data,x.json,--trace,y.npz", "give either --data FILE or --trace FILE (one of them, not both)")]
    [InlineData("", "give either --data FILE or --trace FILE (one of them, not both)")]
    [InlineData("--data,x.json,--heads,2", "--heads and --queries go with --trace, not with --data")]
    public void PowerTakesEitherADataFileOrATrace(string args, string message)
    {
        var dir = TestSupport.TempDir("power-args");
        var outDir = Path.Combine(dir, "out");
        var (code, _, stderr) = Run(["power", "--config", Config("a3-small"), "--out", outDir, .. args.Split(',', StringSplitOptions.RemoveEmptyEntries)]);
        Assert.Equal(1, code);
        Assert.Equal($"a3gen: error: {message}\n", stderr);
        Assert.False(Directory.Exists(outDir));
        Directory.Delete(dir, true);
    }
}
