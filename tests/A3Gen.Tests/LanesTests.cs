using A3Gen.Configuration;
using A3Gen.Elaboration;
using A3Gen.Model;

namespace A3Gen.Tests;

/// <summary>
/// Lanes (lanes = P) on the elaboration side: the configuration's errors, the groups and banks, the scan's and the
/// stages' work in groups, the closed forms and the throughput P buys at the paper's n = 320. The RTL's agreement with
/// all of it is <see cref="LanesCoSimulationTests"/> and the cycle contract on the lane edge configurations.
/// </summary>
public class LanesTests
{
    private static Design Paper(int lanes) => new(A3Config.Paper with { Lanes = lanes });

    [Theory]
    [InlineData(8, "three-pass", "0", "lanes = 0 is not allowed (allowed: 1, 2, 4, 8 or 16)")]
    [InlineData(8, "three-pass", "3", "lanes = 3 is not allowed (allowed: 1, 2, 4, 8 or 16)")]
    [InlineData(64, "three-pass", "32", "lanes = 32 is not allowed (allowed: 1, 2, 4, 8 or 16)")]
    [InlineData(4, "three-pass", "8", "lanes = 8 is out of range 1..maxRows = 4 (a lane reads one row of a group of lanes rows)")]
    [InlineData(2, "one-pass", "4", "lanes = 4 is out of range 1..maxRows = 2 (a lane reads one row of a group of lanes rows)")]
    public void ABadLaneCountIsNamedWithTheAllowedValues(int rows, string softmax, string lanes, string message)
    {
        var json = $"{{\"name\": \"x\", \"maxRows\": {rows}, \"dimension\": 2, \"integerBits\": 2, \"fractionBits\": 2, \"softmax\": \"{softmax}\", \"lanes\": {lanes}}}";
        var e = Assert.Throws<ConfigException>(() => A3Config.Parse(json));
        Assert.Equal("lanes", e.Field);
        Assert.Equal(message, e.Message);
    }

    [Fact]
    public void OneLaneIsLeftOutOfTheCanonicalJsonAndOthersAreKept()
    {
        Assert.DoesNotContain("lanes", A3Config.Paper.ToCanonicalJson());
        Assert.Equal(A3Config.Paper.Hash(), (A3Config.Paper with { Lanes = 1 }).Hash());
        Assert.Contains("\"lanes\": 4", (A3Config.Paper with { Lanes = 4 }).ToCanonicalJson());
    }

    [Fact]
    public void KAndVAreBankedAndTheBuffersHoldGroups()
    {
        // N = 10, P = 4: three groups (rows 8 and 9 in the last), bank b holds rows 4a + b at word a.
        var design = EdgeConfigs.Design("edge-lanes-odd");
        Assert.Equal((3, 2, 2), (design.Groups, design.GroupIdWidth, design.GroupCountWidth));
        var banks = design.Memories.Where(m => m.Instance.StartsWith("u_key_sram", StringComparison.Ordinal)).ToList();
        Assert.Equal(["u_key_sram0", "u_key_sram1", "u_key_sram2", "u_key_sram3"], banks.Select(m => m.Instance));
        Assert.All(banks, m => Assert.Equal((3, 7 * 6, 2), (m.Depth, m.Width, m.AddressWidth)));
        // A score entry: 4 scores, 4 valid flags, the group id; an exp entry: 4 e, 4 keep flags, the group id.
        var score = design.Memories.Single(m => m.Instance == "u_score_sram0");
        Assert.Equal((3, (4 * design.Score.Width) + 4 + 2), (score.Depth, score.Width));
        var exp = design.Memories.Single(m => m.Instance == "u_exp_sram1");
        Assert.Equal((3, (4 * design.ExpValue.Width) + 4 + 2), (exp.Depth, exp.Width));
        // The K and V bits are N rows' (the last bank's third word is padding: 12 words for 10 rows).
        Assert.Equal(12L * 7 * 6, banks.Sum(m => m.Bits));
    }

    [Fact]
    public void TheScanIssuesAGroupWithACandidateAndAStageReadsOneEntryAGroup()
    {
        // lanes-small: N = 16, P = 4, S = 16 flags a window (one window of four groups).
        var design = EdgeConfigs.Design("lanes-small");
        int[] candidates = [0, 1, 5, 15];
        int[] kept = [1, 15];
        // Groups 0, 1 and 3 have candidates: three issues; the kept rows are in groups 0 and 3.
        var w = design.Work(16, true, 7, candidates, kept);
        Assert.Equal((3, 4, 2, 3, 2), (w.Issues, w.Scored, w.Kept, w.ScoredGroups, w.KeptGroups));
        Assert.Equal([design.CandidateOverhead + 7, 3 + design.DotProductOverhead, 3 + design.ExponentOverhead, 2 + design.OutputOverhead], design.StagePeriods(w));
        // edge-lanes-odd: S = 2 groups a window; n = 9 is three groups, two windows. Candidates in group 2 only:
        // the first window (groups 0, 1) costs a bubble, the second one issue.
        var odd = EdgeConfigs.Design("edge-lanes-odd");
        Assert.Equal(2, odd.ScanCycles(9, [8]));
        Assert.Equal(3, odd.ScanCycles(9, [0, 4, 8]));
        // The exact path: one issue a group, ceil(n / P).
        Assert.Equal([2, 3 + odd.DotProductOverhead, 3 + odd.ExponentOverhead, 3 + odd.OutputOverhead], odd.StagePeriods(9));
    }

    [Theory]
    [InlineData(2, 1)]
    [InlineData(4, 2)]
    [InlineData(8, 3)]
    [InlineData(16, 4)]
    public void EachLaneTreeLevelAddsACycleToEveryStageAndTheRowsTermIsCeilNOverP(int lanes, int levels)
    {
        var one = Paper(1);
        var design = Paper(lanes);
        Assert.Equal(levels, design.LaneTreeStages);
        // The dot product (group max), the exponent (e sum) and the output (weighted sums) each gain log2 P registered levels.
        Assert.Equal(one.Latency(0) + (3 * levels), design.Latency(0));
        foreach (int n in new[] { 1, lanes - 1, lanes, lanes + 1, 100, 320 }.Where(n => n >= 1))
        {
            int groups = (n + lanes - 1) / lanes;
            Assert.Equal((3 * groups) + design.Latency(0), design.Latency(n));
        }
        // Past the pipelines' depth, a group a cycle and the dot product's two cycles between queries.
        Assert.Equal((320 / lanes) + 2, design.MeanInterval(320));
        Assert.Equal($"3 ceil(n/{lanes}) + {design.Latency(0)}", design.LatencyFormula);
        Assert.StartsWith($"max(ceil(n/{lanes}) + 2, (ceil(n/{lanes}) + ", design.IntervalFormula);
    }

    [Theory]
    [InlineData("a3-small", 4)]
    [InlineData("a3-mid", 4)]
    [InlineData("a3-mid", 16)]
    public void OnePassWithLanesStaysWithinTheDerivedBound(string name, int lanes)
    {
        // The lanes share the running max (it rises at most once a beat) and each has its own two sets; the bound counts
        // the beats' rises and the 2 P sets' roundings.
        var d = new Design(TestSupport.Shipped(name) with { Softmax = Softmax.OnePass, Lanes = lanes });
        double worstShare = OnePassModelTests.WorstShareOfBound(d, 17, new[] { 1, lanes - 1, lanes + 1, d.MaxRows }.Where(n => n >= 1 && n <= d.MaxRows));
        Assert.True(worstShare > 0, "no query had any error: the data does not exercise the rounding");
    }

    [Fact]
    public void OnePassLanesRiseOnceABeatAfterTheFirstOnAscendingScores()
    {
        // Key rows ascending along q: the shared running max rises at every beat (a group of P rows) but the first,
        // ceil(n / P) - 1 rises.
        var d = new Design(TestSupport.Shipped("a3-mid") with { Softmax = Softmax.OnePass, Lanes = 4 });
        int n = d.MaxRows;
        var query = Enumerable.Repeat(1L << d.Input.FractionBits, d.Dimension).ToArray();
        var keys = Enumerable.Range(0, n).Select(r => Enumerable.Repeat(d.Input.MinRaw + r, d.Dimension).ToArray()).ToArray();
        var values = TestSupport.RandomMatrix(new Random(2), d, n);
        var result = new GoldenModel(d).Run(keys, values, query, n, out var trace);
        OnePassModel.Attend(d, values, trace.KeptRows, trace.Scores, null, out var online);
        int rises = ((n + 3) / 4) - 1;
        Assert.Equal(rises, online.Rises);
        double maxV = values.SelectMany(r => r).Max(v => Math.Abs(d.Input.ToReal(v)));
        var reference = Reference.Attention(OnePassModelTests.Real(d, keys), OnePassModelTests.Real(d, values), query.Select(d.Input.ToReal).ToArray(), n);
        double error = result.Output(d.Output).Zip(reference, (a, b) => Math.Abs(a - b)).Max();
        Assert.InRange(error, 0, d.OnePass!.OutputErrorBound(d, n, rises, maxV));
    }

    [Fact]
    public void OnePassLanesTakeCeilNOverPAndFreeTheDotProductTwoCyclesAfterItsLastIssue()
    {
        var one = new Design(A3Config.Paper with { Softmax = Softmax.OnePass });
        var four = new Design(A3Config.Paper with { Softmax = Softmax.OnePass, Lanes = 4 });
        // Four lanes cost no cycle of latency: the beat max is taken on the way into the online stage's row register, a
        // live query's last beat carries its own last flag (the dot product's lane max tree delays only its done), and
        // one flush beat suffices (a lane without a row in the last beat rescales a set there).
        Assert.Equal(one.Latency(0), four.Latency(0));
        Assert.Equal(80 + four.Latency(0), four.Latency(320));
        Assert.Equal($"ceil(n/4) + {four.Latency(0)}", four.LatencyFormula);
        Assert.Equal(80 + 2, four.DotProductFreeCycles(StageWork.Exact(320)));
        Assert.Equal(320 + 2, one.DotProductFreeCycles(StageWork.Exact(320)));
    }

    [Theory]
    [InlineData("u_key_sram", "K and V memories")]
    [InlineData("u_key_sram3", "K and V memories")]
    [InlineData("u_value_sram15", "K and V memories")]
    [InlineData("u_sorted_max2", "sorted-key memory")]
    [InlineData("u_replay_sram", "buffer memories (score, exp)")]
    [InlineData("u_score_sram1", "buffer memories (score, exp)")]
    public void ThePowerFlowCountsTheBanksOfKAndVAsKAndV(string instance, string stage) =>
        Assert.Equal(stage, Synthesis.PowerFlow.StageOfInstance(instance, true));

    [Fact]
    public void FourLanesBuyAtLeastThreeAndAHalfTimesTheExactThroughputAtTheFullLength()
    {
        // a3-paper at n = 320: 322 cycles a query with one lane, 82 with four (3.93x), 42 with eight.
        Assert.Equal(320 + 2, Paper(1).MeanInterval(320));
        Assert.Equal(80 + 2, Paper(4).MeanInterval(320));
        Assert.Equal(40 + 2, Paper(8).MeanInterval(320));
        Assert.True(Paper(1).MeanInterval(320) / Paper(4).MeanInterval(320) >= 3.5);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(4)]
    [InlineData(8)]
    [InlineData(16)]
    public void OnePassKeepsCeilNOverPPlusTwoAtThePapersLengthForEveryLaneCount(int lanes)
    {
        // The default result queue (three entries with one-pass) keeps a third query in flight: 16 lanes (20 beats a
        // query) no longer wait for the normalizer's tail, (20 + 30) / 2 = 25 cycles with two entries.
        var design = new Design(A3Config.Paper with { Lanes = lanes, Softmax = Softmax.OnePass });
        Assert.Equal(3, design.Config.ResolvedResultQueueDepth);
        Assert.Equal(3, design.OnePass!.InFlight);
        var burst = new CycleModel(design).Run(Enumerable.Repeat(320, 7).ToArray());
        Assert.Equal((320 / lanes) + 2, CycleModel.CyclesPerQuery(burst));
        Assert.Equal((320 / lanes) + 2, design.MeanInterval(320));
        if (lanes == 16)
        {
            var two = new Design(design.Config with { ResultQueueDepth = 2 });
            Assert.Equal(2, two.OnePass!.InFlight);
            Assert.Equal(25, CycleModel.CyclesPerQuery(new CycleModel(two).Run(Enumerable.Repeat(320, 7).ToArray())));
        }
    }
}
