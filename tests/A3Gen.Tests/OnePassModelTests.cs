using A3Gen.Configuration;
using A3Gen.Elaboration;
using A3Gen.Model;

namespace A3Gen.Tests;

/// <summary>The one-pass softmax's model (Model/OnePassModel.cs): hand-checkable cases, the error bound, the extremes.</summary>
public class OnePassModelTests
{
    public static TheoryData<string> Configs => new(TestSupport.ShippedConfigNames);

    public static Design OnePass(string name) => new(TestSupport.Shipped(name) with { Softmax = Softmax.OnePass });

    public static double[][] Real(Design d, long[][] raw) => raw.Select(r => r.Select(d.Input.ToReal).ToArray()).ToArray();

    /// <summary>round(x / y) half away from zero, from the definition (decimal arithmetic, no shortcut through the model).</summary>
    private static long RoundHalfAway(decimal x, decimal y)
    {
        decimal q = x / y;
        return (long)Math.Round(q, MidpointRounding.AwayFromZero);
    }

    [Theory]
    [MemberData(nameof(Configs))]
    public void ErrorAgainstDoubleAttentionStaysWithinTheDerivedBound(string name)
    {
        var d = OnePass(name);
        double worstShare = WorstShareOfBound(d, 11, [1, Math.Min(5, d.MaxRows), d.MaxRows]);
        Assert.True(worstShare > 0, "no query had any error: the data does not exercise the rounding");
    }

    /// <summary>
    /// Random queries (full-range and small data) over each of <paramref name="rowCounts"/> rows, each one's error against
    /// double-precision attention within <see cref="OnePassSoftmax.OutputErrorBound"/>; returns the largest error as a
    /// share of its bound.
    /// </summary>
    public static double WorstShareOfBound(Design d, int seed, IEnumerable<int> rowCounts)
    {
        var model = new GoldenModel(d);
        var rng = new Random(seed);
        double worstShare = 0;
        foreach (bool small in new[] { false, true })
        {
            foreach (int n in rowCounts.Distinct())
            {
                var s = TestSupport.RandomStimulus(d, rng.Next(), n, 4, small);
                double maxV = s.Values.Take(n).SelectMany(r => r).Max(v => Math.Abs(d.Input.ToReal(v)));
                foreach (var q in s.Queries)
                {
                    model.Run(s.Keys, s.Values, q.Query, n, out var trace);
                    var result = OnePassModel.Attend(d, s.Values, trace.KeptRows, trace.Scores, null, out var online);
                    var reference = Reference.Attention(Real(d, s.Keys), Real(d, s.Values), q.Query.Select(d.Input.ToReal).ToArray(), n);
                    double error = result.Select(d.Output.ToReal).Zip(reference, (a, b) => Math.Abs(a - b)).Max();
                    double bound = d.OnePass!.OutputErrorBound(d, n, online.Rises, maxV);
                    Assert.InRange(error, 0, bound);
                    worstShare = Math.Max(worstShare, error / bound);
                }
            }
        }
        return worstShare;
    }

    [Fact]
    public void AscendingScoresRescaleAtEveryRowAndStayWithinTheBound()
    {
        // Key rows ascending along q: the running max rises at every row, every row after the first rescales its set.
        var d = OnePass("a3-mid");
        int n = d.MaxRows;
        long step = 1;
        var query = Enumerable.Repeat(1L << d.Input.FractionBits, d.Dimension).ToArray();
        var keys = Enumerable.Range(0, n).Select(r => Enumerable.Repeat(d.Input.MinRaw + (r * step), d.Dimension).ToArray()).ToArray();
        var rng = new Random(2);
        var values = TestSupport.RandomMatrix(rng, d, n);
        var result = new GoldenModel(d).Run(keys, values, query, n, out var trace);
        OnePassModel.Attend(d, values, trace.KeptRows, trace.Scores, null, out var online);
        Assert.Equal(n - 1, online.Rises);
        double maxV = values.SelectMany(r => r).Max(v => Math.Abs(d.Input.ToReal(v)));
        var reference = Reference.Attention(Real(d, keys), Real(d, values), query.Select(d.Input.ToReal).ToArray(), n);
        double error = result.Output(d.Output).Zip(reference, (a, b) => Math.Abs(a - b)).Max();
        Assert.InRange(error, 0, d.OnePass!.OutputErrorBound(d, n, n - 1, maxV));
    }

    [Theory]
    [MemberData(nameof(Configs))]
    public void AllEqualScoresGiveTheMeanRoundedOnce(string name)
    {
        // Every e is exactly 1.0 and nothing is rescaled: the output is the mean of V rounded once, where the
        // three-pass pipeline's weights 1/n are rounded to Fw bits (1.25 V at n = 320, Fw = 8).
        var d = OnePass(name);
        int n = d.MaxRows;
        var rng = new Random(4);
        var keys = Enumerable.Range(0, n).Select(_ => Enumerable.Repeat(3L, d.Dimension).ToArray()).ToArray();
        var values = TestSupport.RandomMatrix(rng, d, n);
        var query = Enumerable.Repeat(2L, d.Dimension).ToArray();
        var result = new GoldenModel(d).Run(keys, values, query, n);
        int shift = d.Output.FractionBits - d.Input.FractionBits;
        for (int j = 0; j < d.Dimension; j++)
        {
            decimal total = values.Sum(r => (decimal)r[j]) * (decimal)Math.Pow(2, shift);
            Assert.Equal(RoundHalfAway(total, n), result.OutputRaw[j]);
        }
    }

    [Theory]
    [MemberData(nameof(Configs))]
    public void OneRowReturnsItsValueExactly(string name)
    {
        var d = OnePass(name);
        var rng = new Random(6);
        var keys = TestSupport.RandomMatrix(rng, d, 1);
        var values = TestSupport.RandomMatrix(rng, d, 1);
        var result = new GoldenModel(d).Run(keys, values, TestSupport.RandomVector(rng, d), 1);
        int shift = d.Output.FractionBits - d.Input.FractionBits;
        Assert.Equal(values[0].Select(v => shift >= 0 ? v << shift : RoundHalfAway(v, 1L << -shift)), result.OutputRaw);
    }

    [Theory]
    [MemberData(nameof(Configs))]
    public void ExtremeInputsFitEveryFormat(string name)
    {
        // The largest scores of both signs and the most negative values: the model checks every intermediate
        // against its format and throws on an overflow.
        var d = OnePass(name);
        int n = d.MaxRows;
        foreach (long qv in new[] { d.Input.MinRaw, d.Input.MaxRaw })
        {
            foreach (long vv in new[] { d.Input.MinRaw, d.Input.MaxRaw })
            {
                var keys = Enumerable.Range(0, n).Select(r => Enumerable.Repeat(r % 2 == 0 ? d.Input.MinRaw : d.Input.MaxRaw, d.Dimension).ToArray()).ToArray();
                var values = Enumerable.Range(0, n).Select(_ => Enumerable.Repeat(vv, d.Dimension).ToArray()).ToArray();
                var result = new GoldenModel(d).Run(keys, values, Enumerable.Repeat(qv, d.Dimension).ToArray(), n);
                // Every value is vv: the output is vv whatever the weights, up to the exp and rounding error.
                double expected = d.Input.ToReal(vv);
                Assert.All(result.Output(d.Output), o => Assert.InRange(o, expected - 0.05, expected + 0.05));
            }
        }
    }

    [Theory]
    [MemberData(nameof(Configs))]
    public void TheQuotientUsesItsTopBitAndNoMore(string name)
    {
        // All scores equal and every value the most negative: nothing is rescaled, |A| / S is exactly max |v| = 2^i, and
        // the quotient 2 |o| 2^Fo is 2^(i + Fo + 1), the top bit of the derived width. The model throws if a quotient
        // does not fit it; ascending scores round at every row (|o| a little above 2^i) and stay within the derived bound.
        var d = OnePass(name);
        var op = d.OnePass!;
        int n = d.MaxRows;
        var values = Enumerable.Range(0, n).Select(_ => Enumerable.Repeat(d.Input.MinRaw, d.Dimension).ToArray()).ToArray();
        var query = Enumerable.Repeat(1L << d.Input.FractionBits, d.Dimension).ToArray();
        var flat = Enumerable.Range(0, n).Select(_ => Enumerable.Repeat(3L, d.Dimension).ToArray()).ToArray();
        var result = new GoldenModel(d).Run(flat, values, query, n);
        Assert.All(result.OutputRaw, o => Assert.Equal(1L << (op.QuotientBits - 2), -o));
        Assert.Equal(d.Input.IntegerBits + d.Output.FractionBits + 2, op.QuotientBits);
        var ascending = Enumerable.Range(0, n).Select(r => Enumerable.Repeat(d.Input.MinRaw + r, d.Dimension).ToArray()).ToArray();
        var rising = new GoldenModel(d).Run(ascending, values, query, n);
        long bound = (OnePassSoftmax.MaxQuotient(d, op.NumeratorShift, op.DenominatorShift) + 1) >> 1;
        Assert.All(rising.OutputRaw, o => Assert.InRange(-o, 1L << (op.QuotientBits - 3), bound));
    }

    [Fact]
    public void TheNormalizerRoundsHalfAwayFromZero()
    {
        var d = OnePass("a3-small");
        var op = d.OnePass!;
        int shift = d.Output.FractionBits - d.Input.FractionBits;
        var rng = new Random(9);
        for (int k = 0; k < 20000; k++)
        {
            long sum = rng.NextInt64(op.One, op.Sum.MaxRaw + 1);
            long acc = rng.NextInt64(-(sum << (d.Input.IntegerBits + d.Input.FractionBits)), (sum << (d.Input.IntegerBits + d.Input.FractionBits)) + 1);
            decimal expected = RoundHalfAway(acc * (decimal)Math.Pow(2, shift), sum);
            Assert.Equal((long)expected, OnePassModel.Divide(op, acc, sum));
        }
        Assert.Equal(1, OnePassModel.Divide(op, 1, 1L << (shift + 1)));
        Assert.Equal(-1, OnePassModel.Divide(op, -1, 1L << (shift + 1)));
        Assert.Equal(0, OnePassModel.Divide(op, 1, (1L << (shift + 1)) + 1));
    }

    [Theory]
    [InlineData("\"two-pass\"", "softmax = 'two-pass' is not allowed (allowed: three-pass, one-pass)")]
    [InlineData("1", "field 'softmax' must be a string (three-pass or one-pass), got the number 1")]
    public void ABadSoftmaxIsNamedWithTheAllowedValues(string value, string message)
    {
        var json = $"{{\"name\": \"x\", \"maxRows\": 4, \"dimension\": 2, \"integerBits\": 2, \"fractionBits\": 2, \"softmax\": {value}}}";
        var e = Assert.Throws<ConfigException>(() => A3Config.Parse(json));
        Assert.Equal("softmax", e.Field);
        Assert.Equal(message, e.Message);
    }

    [Theory]
    [InlineData("0", "normalizerDividers = 0 is out of range 1..2")]
    [InlineData("3", "normalizerDividers = 3 is out of range 1..2")]
    public void NormalizerDividersAreAtMostD(string value, string message)
    {
        var json = $"{{\"name\": \"x\", \"maxRows\": 4, \"dimension\": 2, \"integerBits\": 2, \"fractionBits\": 2, \"softmax\": \"one-pass\", \"normalizerDividers\": {value}}}";
        var e = Assert.Throws<ConfigException>(() => A3Config.Parse(json));
        Assert.Equal("normalizerDividers", e.Field);
        Assert.Equal(message, e.Message);
    }

    [Fact]
    public void TheDefaultDividersKeepTheDrainWithinThreeCycles()
    {
        // ceil(d / 3) dividers: a3-onepass (d = 64) has 22, issues its elements in 3 groups (66 slots, the last group
        // padded); d = 4 has two dividers, 2 groups.
        var paper = new Design(A3Config.Paper with { Softmax = Softmax.OnePass }).OnePass!;
        Assert.Equal((22, 3, 66), (paper.Dividers, paper.Groups, paper.DrainSlots));
        var small = OnePass("a3-small").OnePass!;
        Assert.Equal((2, 2), (small.Dividers, small.Groups));
        var odd = EdgeConfigs.Design("edge-onepass-odd").OnePass!;
        Assert.Equal((9, 2, 18, 2), (odd.Dividers, odd.Groups, odd.DrainSlots, odd.DivisorCopies));
        Assert.Equal(2, paper.DivisorCopies);
    }

    [Fact]
    public void TheThreePassHashIsUnchangedAndOnePassChangesIt()
    {
        // softmax is left out of the canonical JSON at its default, so configurations written before it keep their hash.
        var config = TestSupport.Shipped("a3-small");
        Assert.DoesNotContain("softmax", config.ToCanonicalJson());
        Assert.Contains("\"softmax\": \"one-pass\"", (config with { Softmax = Softmax.OnePass }).ToCanonicalJson());
        Assert.NotEqual(config.Hash(), (config with { Softmax = Softmax.OnePass }).Hash());
    }

    [Fact]
    public void TheFormatsAreDerivedFromTheConfiguration()
    {
        // a3-small: s9.4 inputs, Fe = 8, N = 16: A is 1 + 8 + 4 + 4 + 4 = 21 bits, S holds 16 x 1.0 = 4096.
        var op = OnePass("a3-small").OnePass!;
        Assert.Equal(21, op.Accumulator.Width);
        Assert.Equal(12, op.Accumulator.FractionBits);
        Assert.Equal(13, op.Sum.Width);
        // 2 |A| / S <= 2 max |v| (1 + (N + 1/max|v|) / 2^(Fe+1)) = 2 x 2^4 (1 + 16.004 / 512) in units of 2^-12: below 2^18.
        Assert.Equal(4 + 12 + 2, op.QuotientBits);
        // Two quotient bits a stage (one radix-4 step), the last stage with the rounding: 16 + 2 bits in 8 + 1 stages.
        Assert.Equal(9, op.DividerStages);
        Assert.Equal(Enumerable.Repeat(2, 9), op.DividerStageSteps);
        Assert.Equal(8, op.NumeratorShift);
        Assert.Null(TestSupport.ShippedDesign("a3-small").OnePass);
    }
}
