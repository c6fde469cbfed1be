using System.Globalization;
using System.Text.RegularExpressions;
using A3Gen.Configuration;
using A3Gen.Elaboration;
using A3Gen.Model;

namespace A3Gen.Tests;

public class ElaborationTests
{
    public static TheoryData<string> Configs => new(TestSupport.ShippedConfigNames);

    [Theory]
    [MemberData(nameof(Configs))]
    public void ExpTablesMatchExpWithinTheirErrorBoundAtEveryInput(string name)
    {
        var exp = TestSupport.ShippedDesign(name).Exp;
        double ulpIn = Math.Pow(2, -exp.InputFractionBits), scale = Math.Pow(2, exp.OutputFractionBits);
        for (long u = 0; u <= exp.ClampRaw; u++)
        {
            long e = exp.Exp(u);
            Assert.InRange(Math.Abs((e / scale) - Math.Exp(-u * ulpIn)), 0, exp.MaxError);
        }
        Assert.Equal(1L << exp.OutputFractionBits, exp.Exp(0));
        Assert.Equal(0, exp.Exp(exp.ClampRaw));
        // Beyond the clamp the exact exp rounds to zero too, so clamping changes nothing.
        Assert.True(Math.Exp(-(exp.ClampRaw + 1) * ulpIn) * scale < 0.5);
        Assert.Equal(exp.ClampRaw, exp.Clamp(exp.ClampRaw + 12345));
    }

    [Fact]
    public void PaperFormatsAreThePapersPlusTheCornerBit()
    {
        var d = new Design(A3Config.Paper);
        // Paper section III-B for n = 320, d = 64: product 17 bits, dot product 23 bits. Ours keep one
        // more bit each, for (-2^(i+f))^2 which the paper's 2i+2f+1 cannot hold.
        Assert.Equal(17 + 1, d.Product.Width);
        Assert.Equal(23 + 1, d.Score.Width);
        Assert.Equal(2 * 4, d.Score.FractionBits);
        Assert.Equal(2 * 4, d.Weight.FractionBits);
        Assert.Equal(3 * 4, d.Output.FractionBits);
    }

    [Theory]
    [MemberData(nameof(Configs))]
    public void ScoreWidthIsTightAndSufficientAtTheExtremes(string name)
    {
        var d = TestSupport.ShippedDesign(name);
        long min = d.Input.MinRaw;
        long extreme = d.Dimension * min * min;
        Assert.True(d.Score.Holds(extreme));
        var narrower = d.Score with { Width = d.Score.Width - 1 };
        if ((d.Dimension & (d.Dimension - 1)) == 0)
        {
            Assert.False(narrower.Holds(extreme));
        }
    }

    [Theory]
    [MemberData(nameof(Configs))]
    public void NoIntermediateOverflowsAtTheExtremes(string name)
    {
        var d = TestSupport.ShippedDesign(name);
        var model = new GoldenModel(d);
        int n = d.MaxRows;
        long lo = d.Input.MinRaw, hi = d.Input.MaxRaw;
        foreach (var (k, q, v) in new[] { (lo, lo, lo), (hi, lo, hi), (lo, hi, lo), (hi, hi, hi), (lo, lo, hi) })
        {
            var keys = Fill(n, d.Dimension, k);
            var values = Fill(n, d.Dimension, v);
            var query = Enumerable.Repeat(q, d.Dimension).ToArray();
            // Every intermediate is checked against its format inside the model: an overflow throws.
            var result = model.Run(keys, values, query, n, out var trace);
            Assert.Equal(trace.ExpSum, n << d.ExpValue.FractionBits);
            Assert.All(result.OutputRaw, o => Assert.True(d.Output.Holds(o)));
        }
        // A spread of scores: row r has keys r - n/2 so that the differences reach the clamp.
        var spread = Enumerable.Range(0, n).Select(r => Enumerable.Repeat(Math.Clamp(r * (hi - lo) / Math.Max(1, n - 1) + lo, lo, hi), d.Dimension).ToArray()).ToArray();
        model.Run(spread, Fill(n, d.Dimension, lo), Enumerable.Repeat(hi, d.Dimension).ToArray(), n);
    }

    private static long[][] Fill(int n, int dim, long v) =>
        Enumerable.Range(0, n).Select(_ => Enumerable.Repeat(v, dim).ToArray()).ToArray();

    [Theory]
    [MemberData(nameof(Configs))]
    public void TimingMeetsThePapersBoundForEveryN(string name)
    {
        var d = TestSupport.ShippedDesign(name);
        for (int n = 1; n <= d.MaxRows; n++)
        {
            Assert.True(d.Latency(n) <= 3 * n + 27, $"latency {d.Latency(n)} > 3n + 27 at n = {n}");
            Assert.True(d.MeanInterval(n) <= n + 9, $"interval {d.MeanInterval(n)} > n + 9 at n = {n}");
        }
    }

    [Theory]
    [MemberData(nameof(Configs))]
    public void CycleModelAgreesWithTheClosedForm(string name)
    {
        var d = TestSupport.ShippedDesign(name);
        foreach (int n in new[] { 1, 2, 7, d.MaxRows / 2 + 1, d.MaxRows }.Where(n => n >= 1 && n <= d.MaxRows).Distinct())
        {
            var single = new CycleModel(d).Run([n]);
            Assert.Equal(d.Latency(n), single[0].Latency);
            // Seven back to back: six gaps, whole periods of the two- or three-gap patterns a pipeline's depth makes.
            var burst = new CycleModel(d).Run(Enumerable.Repeat(n, 7).ToArray());
            Assert.Equal(d.Latency(n), burst[0].Latency);
            Assert.Equal(d.MeanInterval(n), CycleModel.CyclesPerQuery(burst), 9);
        }
    }

    [Theory]
    [InlineData("a3-small", 1, 1)]
    [InlineData("a3-small", 1, 2)]
    [InlineData("a3-small", 1, 3)]
    [InlineData("a3-mid", 1, 2)]
    [InlineData("a3-paper", 1, 2)]
    [InlineData("a3-paper", 4, 2)]
    [InlineData("a3-paper", 8, 4)]
    [InlineData("a3-mid", 16, 1)]
    public void ThreePassIntervalIsTheClosedFormForEveryN(string name, int lanes, int depth)
    {
        // The stages take the next query while they drain the previous one: ceil(n/P) + 2 once n is past the
        // pipelines' depth (the string the manifest states, evaluated here), the cycle model's mean at every n.
        var d = new Design(TestSupport.Shipped(name) with { Lanes = lanes, ResultQueueDepth = depth });
        var m = Regex.Match(d.IntervalFormula, @"^max\(ceil\(n/\d+\) \+ 2, \(ceil\(n/\d+\) \+ (\d+)\) / 2\)$|^max\(n \+ 2, \(n \+ (\d+)\) / 2\)$|^(?:ceil\(n/\d+\)|n) \+ (\d+)$");
        Assert.True(m.Success, d.IntervalFormula);
        for (int n = 1; n <= d.MaxRows; n++)
        {
            int g = d.GroupsOf(n);
            double closed = m.Groups[3].Success
                ? g + int.Parse(m.Groups[3].Value, CultureInfo.InvariantCulture)
                : Math.Max(g + 2, (g + int.Parse(m.Groups[1].Success ? m.Groups[1].Value : m.Groups[2].Value, CultureInfo.InvariantCulture)) / 2.0);
            Assert.Equal(closed, d.MeanInterval(n), 9);
            var burst = new CycleModel(d).Run(Enumerable.Repeat(n, 14).ToArray());
            Assert.Equal(closed, CycleModel.CyclesPerQuery(burst.Skip(1).ToList()), 9);
        }
        if (depth > 1)
        {
            Assert.Equal(d.GroupsOf(d.MaxRows) + 2, d.MeanInterval(d.MaxRows));
        }
    }

    [Theory]
    [InlineData(1, 1, null)]
    [InlineData(1, 2, null)]
    [InlineData(1, 3, null)]
    [InlineData(1, 4, null)]
    [InlineData(1, 3, 1)]
    [InlineData(1, 2, 4)]
    [InlineData(4, 3, 8)]
    [InlineData(16, 3, null)]
    [InlineData(16, 2, null)]
    [InlineData(16, 4, 2)]
    public void OnePassIntervalIsTheClosedFormForEveryN(int lanes, int depth, int? dividers)
    {
        // With one, two or three queries in flight (the result queue's depth, at most three): the string the manifest
        // states, evaluated here, is the cycle model's mean over six gaps and its steady state (twelve gaps, whole
        // periods of two and three, after eighteen queries), at every n.
        var d = new Design(A3Config.Paper with { Softmax = Softmax.OnePass, Lanes = lanes, ResultQueueDepth = depth, NormalizerDividers = dividers });
        Assert.Equal(Math.Min(depth, 3), d.OnePass!.InFlight);
        var m = Regex.Match(d.IntervalFormula, @"^(?:ceil\(n/\d+\)|n) \+ (\d+)$|^max\((?:ceil\(n/\d+\)|n) \+ 2, \((?:ceil\(n/\d+\)|n) \+ (\d+)\) / 2(?:, \((?:ceil\(n/\d+\)|n) \+ (\d+)\) / 3)?(?:, (\d+))?\)$");
        Assert.True(m.Success, d.IntervalFormula);
        Assert.Equal(d.OnePass.InFlight == 3, m.Groups[3].Success);
        for (int n = 1; n <= d.MaxRows; n += n < 48 ? 1 : 5)
        {
            int g = d.GroupsOf(n);
            double closed = m.Groups[1].Success
                ? g + int.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture)
                : Math.Max(Math.Max(g + 2, (g + int.Parse(m.Groups[2].Value, CultureInfo.InvariantCulture)) / 2.0),
                    m.Groups[3].Success ? (g + int.Parse(m.Groups[3].Value, CultureInfo.InvariantCulture)) / 3.0 : 0);
            // The drain, a group a cycle, stated when it can bind (more than three groups).
            closed = Math.Max(closed, m.Groups[4].Success ? int.Parse(m.Groups[4].Value, CultureInfo.InvariantCulture) : 0);
            Assert.Equal(closed, d.MeanInterval(n), 9);
            var seven = new CycleModel(d).Run(Enumerable.Repeat(n, 7).ToArray());
            Assert.Equal(closed, CycleModel.CyclesPerQuery(seven), 9);
            var run = new CycleModel(d).Run(Enumerable.Repeat(n, 31).ToArray());
            Assert.Equal(closed, (run[30].ResultValidCycle - run[18].ResultValidCycle) / 12.0, 9);
        }
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    public void ClosedFormIntervalCoversAOneEntryResultQueue(int depth)
    {
        var d = new Design(TestSupport.Shipped("a3-small") with { ResultQueueDepth = depth, DividerLatency = 10 });
        var burst = new CycleModel(d).Run(Enumerable.Repeat(3, 7).ToArray());
        Assert.Equal(d.MeanInterval(3), CycleModel.CyclesPerQuery(burst), 9);
    }

    [Fact]
    public void CycleModelHonoursBackPressure()
    {
        var d = TestSupport.ShippedDesign("a3-small");
        // Result never taken until cycle 500: the pipeline fills (result queue, then the buffers) and stalls.
        var timings = new CycleModel(d).Run(Enumerable.Repeat(4, 10).ToArray(), resultReady: c => c >= 500);
        Assert.True(timings.All(t => t.ResultTakenCycle >= 500));
        Assert.Equal(Enumerable.Range(0, 10), timings.Select((t, k) => k).OrderBy(k => timings[k].ResultTakenCycle));
        // With no result taken the result queue, both banks of the three buffers and the query queue fill; the stages idle.
        int inFlight = timings.Count(t => t.AcceptCycle < 500);
        Assert.Equal(d.Config.QueryQueueDepth + 2 + 2 + 2 + d.Config.ResolvedResultQueueDepth, inFlight);
    }
}
