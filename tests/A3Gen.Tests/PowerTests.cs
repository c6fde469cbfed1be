using A3Gen.Configuration;
using A3Gen.Elaboration;
using A3Gen.Exploration;
using A3Gen.Simulation;
using A3Gen.Synthesis;
using A3Gen.Tools;
using A3Gen.Traces;

namespace A3Gen.Tests;

/// <summary>A small configuration (N = 8, d = 2) mapped onto the OSU 0.18 um cells once, shared by the energy tests.</summary>
public sealed class PowerSmallFixture : IDisposable
{
    public PowerSmallFixture()
    {
        ExternalTool.Require("yosys", "run scripts/test.sh, which installs Yosys");
        ExternalTool.Require("sta", "run scripts/test.sh, which installs OpenSTA (opensta)");
        ExternalTool.Require("iverilog", "run scripts/test.sh, which installs Icarus Verilog");
        Design = new Design(new A3Config { Name = "power-8x2", MaxRows = 8, Dimension = 2, IntegerBits = 3, FractionBits = 3 });
        Root = TestSupport.TempDir("power-8x2");
        AsicDir = Path.Combine(Root, "asic");
        Timing = new AsicFlow(Design).Run(AsicDir);
        var flow = new PowerFlow(Design, AsicDir);
        FullStimulus = TestSupport.RandomStimulus(Design, 5, 8, 10, small: true);
        Full = flow.Run(FullStimulus, "random n = 8", Timing.AchievedMhz, "achieved", EnergyMode.Standard, Path.Combine(Root, "p8"));
        Half = flow.Run(TestSupport.RandomStimulus(Design, 6, 4, 12, small: true), "random n = 4", Timing.AchievedMhz, "achieved",
            [EnergyMode.Standard[0]], Path.Combine(Root, "p4"));
    }

    public Design Design { get; }

    public string Root { get; }

    public string AsicDir { get; }

    public AsicTiming Timing { get; }

    /// <summary>The workload of <see cref="Full"/>: 10 queries over n = 8 rows.</summary>
    public Stimulus FullStimulus { get; }

    /// <summary>n = 8: exact, conservative and aggressive.</summary>
    public EnergyReport Full { get; }

    /// <summary>n = 4: exact.</summary>
    public EnergyReport Half { get; }

    public void Dispose() => Directory.Delete(Root, true);
}

/// <summary>Energy per query from the gate-level activity of the standard-cell netlist (<see cref="PowerFlow"/>).</summary>
public class PowerTests(PowerSmallFixture f) : IClassFixture<PowerSmallFixture>
{
    [Fact]
    public void TheActivityCoversEveryDrivenNetOfTheNetlist()
    {
        // Counted here from the netlist itself: every net an output pin of a standard cell drives.
        var netlist = new AsicNetlist(File.ReadAllText(Path.Combine(f.AsicDir, "netlist_asic.v")));
        var driven = netlist.Cells.SelectMany(c => c.Pins.Where(p => p.Key is "Y" or "Q" or "YC" or "YS").Select(p => p.Value)).Distinct().Count();
        foreach (var report in new[] { f.Full, f.Half })
        {
            foreach (var (mode, c) in report.Coverage)
            {
                Assert.Equal(driven, c.Nets);
                Assert.Empty(c.Defaulted);
                Assert.Equal(c.Nets, c.Measured);
            }
        }
    }

    [Fact]
    public void AUniformActivityReproducesOpenStasGlobalFigure()
    {
        Assert.True(f.Full.UniformCheckOpenStaW > 0);
        Assert.InRange(f.Full.UniformCheckModelW / f.Full.UniformCheckOpenStaW, 0.999, 1.001);
    }

    [Fact]
    public void AnApproximateQueryWithFewCandidatesCostsLessThanAnExactOne()
    {
        var exact = f.Full.Modes.Single(m => m.Mode == "exact");
        var aggressive = f.Full.Modes.Single(m => m.Mode.StartsWith("aggressive", StringComparison.Ordinal));
        Assert.Equal(8, exact.MeanCandidates);
        Assert.True(aggressive.MeanCandidates < 8, $"{aggressive.MeanCandidates} candidates");
        // With n = 8 the exact query's interval is n + 2 (the stages overlap queries), so the margin is small (about 8%).
        Assert.True(aggressive.EnergyPerQueryJ < exact.EnergyPerQueryJ, $"aggressive {aggressive.EnergyPerQueryNj} nJ, exact {exact.EnergyPerQueryNj} nJ");
        // Every stage's cells are counted, and the memories are charged by access.
        Assert.All(exact.Stages.Where(s => !s.Stage.Contains("memor", StringComparison.Ordinal)), s => Assert.True(s.Cells.Total > 0, s.Stage));
        Assert.Contains(exact.Stages, s => s.Stage == "K and V memories" && s.SramReads == 2 * 8 * exact.WindowQueries);
    }

    [Fact]
    public void EnergyPerQueryGrowsWithNAsTheCycleModelSays()
    {
        var e8 = f.Full.Modes.Single(m => m.Mode == "exact");
        var e4 = f.Half.Modes.Single(m => m.Mode == "exact");
        // The measured interval is the cycle model's: n + 2 at n = 8; at n = 4 the output's pipeline bounds it and the
        // gaps alternate, so a window of an odd number of gaps is within half a cycle of the mean.
        Assert.Equal(f.Design.MeanInterval(8), e8.CyclesPerQuery);
        Assert.InRange(e4.CyclesPerQuery, f.Design.MeanInterval(4) - 0.5, f.Design.MeanInterval(4) + 0.5);
        double cycles = e8.CyclesPerQuery / e4.CyclesPerQuery;
        double energy = e8.EnergyPerQueryJ / e4.EnergyPerQueryJ;
        Assert.True(energy > 1, $"{energy}");
        Assert.InRange(energy / cycles, 0.85, 1.2);
    }

    [Fact]
    public void AWorkloadTheFlowCannotMeasureGetsAOneLineError()
    {
        var one = TestSupport.RandomStimulus(f.Design, 1, 8, 1, small: true);
        var e = Assert.Throws<UserException>(() => PowerFlow.ValidateWorkload(one, "one.json"));
        Assert.Equal("one.json has 1 query; energy per query is measured between the first and the last of at least 2 back-to-back queries", e.Message);
        var few = TestSupport.RandomStimulus(f.Design, 1, 8, 3, small: true);
        var root = TestSupport.TempDir("power-few");
        var e2 = Assert.Throws<UserException>(() => new PowerFlow(f.Design, f.AsicDir).Run(few, "few.json", f.Timing.AchievedMhz, "achieved", [EnergyMode.Standard[0]], root));
        Assert.Matches(@"^few\.json: 3 queries are too few for a steady-state window in exact mode: a query spends about \d+ result intervals in the pipeline, so at least \d+ are needed$", e2.Message);
        var other = new Design(new A3Config { Name = "power-other", MaxRows = 8, Dimension = 3, IntegerBits = 3, FractionBits = 3 });
        var e3 = Assert.Throws<UserException>(() => new PowerFlow(other, Path.Combine(root, "missing")).Run(TestSupport.RandomStimulus(other, 1, 8, 4, small: true), "x.json", 100, "given", [EnergyMode.Standard[0]], root));
        Assert.Equal($"{Path.Combine(root, "missing", "netlist_asic.v")} is missing: run scripts/a3gen synth --target asic first or leave --asic out", e3.Message);
        Directory.Delete(root, true);
    }

    [Fact]
    public void TheEnergyModelReproducesItsCalibrationRunAndPredictsAnotherN()
    {
        var model = EnergyModel.From(f.Full, "n = 8");
        Assert.Equal(f.Full.Modes.Select(m => m.Mode), model.Check.Select(c => c.Mode));
        foreach (var (c, m) in model.Check.Zip(f.Full.Modes))
        {
            Assert.Equal(m.EnergyPerQueryJ, c.MeasuredJ, 1e-15);
            Assert.True(Math.Abs(c.RelativeError) <= 0.05, $"{c.Mode}: model {c.ModelJ * 1e9} nJ, measured {c.MeasuredJ * 1e9} nJ");
        }
        Assert.All(model.Terms, t => Assert.True(t.PerCycleJ >= 0 && t.PerUnitJ >= 0, t.Component));
        // Held out: exact queries of n = 4 (another interval, other busy cycles and rows), measured but not calibrated on.
        var half = f.Half.Modes.Single();
        double predicted = model.PerQueryJ(half.CyclesPerQuery, half.Work!);
        Assert.True(Math.Abs(predicted / half.EnergyPerQueryJ - 1) <= 0.10, $"n = 4 exact: model {predicted * 1e9} nJ, measured {half.EnergyPerQueryNj} nJ");
    }

    [Fact]
    public void ExploreOnTheCalibrationWorkloadGivesTheMeasuredEnergies()
    {
        // The fixture's own workload as a trace (its raw values as reals: explore quantizes them back to the same raw values).
        var d = f.Design;
        double[][] Real(IEnumerable<long[]> rows) => rows.Select(r => r.Select(d.Input.ToReal).ToArray()).ToArray();
        var s = f.FullStimulus;
        var trace = new Trace("fixture", [new AttentionInstance("", null, Real(s.Queries.Select(q => q.Query)), Real(s.Keys), Real(s.Values))]);
        var model = EnergyModel.From(f.Full, "n = 8");
        var result = new Explorer(d).Run(trace, new ExploreOptions
        {
            Iterations = IterationSpec.ParseList("n/2,n/8"),
            ThresholdPercents = [5, 10],
            Energy = model,
        });
        foreach (var (label, mode) in new[] { ("exact", "exact"), (SweepPoint.Conservative, "conservative"), (SweepPoint.Aggressive, "aggressive") })
        {
            var point = result.Labelled(label)!;
            var measured = f.Full.Modes.Single(m => m.Mode.StartsWith(mode, StringComparison.Ordinal));
            Assert.Equal(measured.MeanCandidates, point.CandidatesMean, 1e-9);
            Assert.True(Math.Abs(point.EnergyPerQueryNj!.Value / measured.EnergyPerQueryNj - 1) <= 0.05,
                $"{label}: explore {point.EnergyPerQueryNj} nJ, measured {measured.EnergyPerQueryNj} nJ");
        }
        Assert.True(result.Labelled(SweepPoint.Aggressive)!.EnergySaving > 1);
        Assert.Equal(1.0, result.Exact.EnergySaving);
    }

    [Fact]
    public void TheEnergyJsonOfAPowerRunCalibratesTheSameModelAndNamesAWrongConfiguration()
    {
        var dir = TestSupport.TempDir("energy-json");
        var path = Path.Combine(dir, "energy.json");
        File.WriteAllText(path, SynthReportWriter.Json(new { report = f.Full, cpu = (CpuBaseline?)null }));
        var loaded = EnergyModel.Load(path, f.Design);
        var direct = EnergyModel.From(f.Full, "n = 8");
        foreach (var (a, b) in loaded.Terms.Zip(direct.Terms))
        {
            Assert.Equal(b.Component, a.Component);
            Assert.Equal(b.PerCycleJ, a.PerCycleJ, 1e-18);
            Assert.Equal(b.PerUnitJ, a.PerUnitJ, 1e-18);
        }
        var other = new Design(f.Design.Config with { Name = "power-other" });
        Assert.Equal($"{path} was measured on configuration power-8x2; explore runs power-other",
            Assert.Throws<UserException>(() => EnergyModel.Load(path, other)).Message);
        var changed = new Design(f.Design.Config with { FractionBits = 2 });
        Assert.StartsWith($"{path} was measured on another version of power-8x2 (configuration SHA-256 ",
            Assert.Throws<UserException>(() => EnergyModel.Load(path, changed)).Message);
        Directory.Delete(dir, true);
    }

    [Fact]
    public void PowerOnATraceMeasuresEachHeadAndSumsTheirWindows()
    {
        var dir = TestSupport.TempDir("power-trace");
        var config = Path.Combine(dir, "power-8x2.json");
        File.WriteAllText(config, """{"name": "power-8x2", "maxRows": 8, "dimension": 2, "integerBits": 3, "fractionBits": 3}""");
        var tracePath = Path.Combine(dir, "gauss.npz");
        TraceWriter.WriteNpz(SyntheticTraces.Gaussian(11, 3, 9, 8, 2, 0.8), tracePath, TracePrecision.Float64);
        var trace = TraceReader.Load(tracePath);
        var outDir = Path.Combine(dir, "out");
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        int code = Cli.Cli.Run(["power", "--config", config, "--trace", tracePath, "--heads", "2", "--queries", "8", "--modes", "exact",
            "--asic", f.AsicDir, "--out", outDir], stdout, stderr);
        Assert.True(code == 0, stderr.ToString());
        Assert.Contains("power-8x2 exact: ", stdout.ToString());
        var report = Newtonsoft.Json.Linq.JObject.Parse(File.ReadAllText(Path.Combine(outDir, "energy.json")))["report"]!;
        // Heads floor(i 3 / 2) = 0, 1.
        Assert.StartsWith($"gauss.npz: 2 of its 3 instances ({trace.Instances[0].Name}, {trace.Instances[1].Name}), 8 evenly spaced queries each", (string?)report["workload"]);
        Assert.Equal(2, (int)report["workloads"]!);

        // The same two heads measured one at a time: the trace run's energy per query is their windows' energies over their windows' queries.
        var (workloads, _) = TraceWorkload.Select(trace, f.Design, 2, 8);
        var flow = new PowerFlow(f.Design, f.AsicDir);
        var heads = workloads.Select((w, i) => flow.Run(w.Stimulus, w.Name, f.Timing.AchievedMhz, "achieved", [EnergyMode.Standard[0]], Path.Combine(dir, $"h{i}")).Modes.Single()).ToList();
        var both = flow.Run(workloads, "both", f.Timing.AchievedMhz, "achieved", [EnergyMode.Standard[0]], Path.Combine(dir, "both")).Modes.Single();
        Assert.Equal(heads.Sum(h => h.WindowQueries), both.WindowQueries);
        Assert.Equal(heads.Sum(h => h.WindowCycles), both.WindowCycles);
        Assert.Equal(16, both.Queries);
        double expected = heads.Sum(h => h.EnergyPerQueryJ * h.WindowQueries) / heads.Sum(h => h.WindowQueries);
        Assert.Equal(expected, both.EnergyPerQueryJ, expected * 1e-9);
        Assert.NotEqual(heads[0].EnergyPerQueryJ, heads[1].EnergyPerQueryJ);
        var json = File.ReadAllText(Path.Combine(outDir, "energy.json"));
        Assert.Contains($"\"energyPerQueryJ\": {both.EnergyPerQueryJ.ToString("R", System.Globalization.CultureInfo.InvariantCulture)}", json);
        Directory.Delete(dir, true);
    }

    [Fact]
    public void TheVcdReaderCountsTogglesHighEdgesAndUnknownsBetweenTakenResults()
    {
        var dir = TestSupport.TempDir("vcd");
        var path = Path.Combine(dir, "t.vcd");
        // clk '!', result_valid_o '"', result_ready_i '#', a net '$' with an alias b, a net '%' at X; results taken at edges 1, 3 and 4 of 5.
        File.WriteAllText(path, string.Join('\n',
            "$timescale 1ps $end", "$scope module tb $end", "$scope module u $end",
            "$var wire 1 ! clk $end", "$var wire 1 \" rv $end", "$var wire 1 # rr $end", "$var wire 1 $ a $end", "$var wire 1 $ b $end", "$var wire 1 % x $end",
            "$upscope $end", "$upscope $end", "$enddefinitions $end",
            "#0", "$dumpvars", "0!", "1\"", "1#", "0$", "x%", "$end",
            "#5", "1!", "1$", "#10", "0!", "0\"",
            "#15", "1!", "0$", "1$", "0$", "#20", "0!", "1\"",
            "#25", "1!", "1$", "#30", "0!",
            "#35", "1!", "0$", "#40", "0!", "0\"",
            "#45", "1!", "1$", "0%", "#50", "0!", ""));
        var vcd = ActivityVcd.Read(path, "tb.u", "clk", "rv", "rr");
        Assert.Equal(3, vcd.ResultsTaken);
        Assert.Equal(5, vcd.TotalEdges);
        Assert.Equal(3, vcd.CyclesBetween(0, 2));
        var all = vcd.Between(0, 2);
        // From the first take (edge 1, whose own step counts) to the last (edge 4, whose step does not): a goes 0 -> 1
        // at edge 1, 1 -> 0 at edge 2 (the step's 0, 1, 0 collapse to 0), 0 -> 1 at edge 3.
        Assert.Equal(3, all["a"].Toggles);
        Assert.Equal(all["a"], all["b"] with { Net = "a" });
        // Sampled just before edges 2, 3, 4: a = 1, 0, 1; x unknown at all three.
        Assert.Equal(2, all["a"].HighEdges);
        Assert.Equal(3, all["x"].UnknownEdges);
        Assert.False(all["x"].Measured);
        Assert.Equal(1, vcd.Between(1, 2)["a"].Toggles);
        Directory.Delete(dir, true);
    }
}
