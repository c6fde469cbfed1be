using A3Gen.Elaboration;
using A3Gen.Model;

namespace A3Gen.Tests;

public class GoldenModelTests
{
    public static TheoryData<string> Configs => new(TestSupport.ShippedConfigNames);

    private static double[][] Real(Design d, long[][] raw) => raw.Select(r => r.Select(d.Input.ToReal).ToArray()).ToArray();

    private static double MaxError(Design d, QueryResult result, double[] reference) =>
        result.Output(d.Output).Zip(reference, (a, b) => Math.Abs(a - b)).Max();

    [Theory]
    [MemberData(nameof(Configs))]
    public void ErrorAgainstDoubleAttentionStaysWithinTheDerivedBound(string name)
    {
        var d = TestSupport.ShippedDesign(name);
        var model = new GoldenModel(d);
        var rng = new Random(11);
        foreach (bool small in new[] { false, true })
        {
            foreach (int n in new[] { 1, Math.Min(5, d.MaxRows), d.MaxRows })
            {
                var s = TestSupport.RandomStimulus(d, rng.Next(), n, 4, small);
                double maxV = s.Values.Take(n).SelectMany(r => r).Max(v => Math.Abs(d.Input.ToReal(v)));
                foreach (var q in s.Queries)
                {
                    var result = model.Run(s.Keys, s.Values, q.Query, n);
                    var reference = Reference.Attention(Real(d, s.Keys), Real(d, s.Values), q.Query.Select(d.Input.ToReal).ToArray(), n);
                    Assert.InRange(MaxError(d, result, reference), 0, d.OutputErrorBound(n, maxV));
                }
            }
        }
    }

    [Fact]
    public void AllEqualKeysReachALargeShareOfTheBound()
    {
        // All scores equal: every weight is 1/n rounded to Fw bits; with n = 320 and Fw = 8 the weights
        // sum to 320/256 and the output is 1.25 V. The bound is not loose in this case.
        var d = TestSupport.ShippedDesign("a3-paper");
        int n = d.MaxRows;
        var keys = Enumerable.Range(0, n).Select(_ => Enumerable.Repeat(16L, d.Dimension).ToArray()).ToArray();
        var values = Enumerable.Range(0, n).Select(_ => Enumerable.Repeat(16L, d.Dimension).ToArray()).ToArray();
        var query = Enumerable.Repeat(16L, d.Dimension).ToArray();
        var result = new GoldenModel(d).Run(keys, values, query, n);
        Assert.All(result.Output(d.Output), o => Assert.Equal(1.25, o));
        Assert.True(0.25 <= d.OutputErrorBound(n, 1.0));
    }

    [Theory]
    [MemberData(nameof(Configs))]
    public void ADominantRowIsReturnedExactly(string name)
    {
        // One score at least the clamp above all others: its weight is 1.0 and all others 0.
        var d = TestSupport.ShippedDesign(name);
        int n = d.MaxRows, target = n - 1;
        var rng = new Random(5);
        long big = d.Input.MaxRaw;
        var query = Enumerable.Repeat(big, d.Dimension).ToArray();
        var keys = Enumerable.Range(0, n).Select(r => Enumerable.Repeat(r == target ? big : d.Input.MinRaw, d.Dimension).ToArray()).ToArray();
        var values = TestSupport.RandomMatrix(rng, d, n);
        var result = new GoldenModel(d).Run(keys, values, query, n, out var trace);
        Assert.Equal(trace.Scores[target], trace.Max);
        Assert.Equal(1L << d.Weight.FractionBits, trace.Weights[target]);
        Assert.All(trace.Weights.Take(target), w => Assert.Equal(0, w));
        Assert.Equal(values[target].Select(v => v << (d.Output.FractionBits - d.Input.FractionBits)), result.OutputRaw);
    }

    [Fact]
    public void ZeroQueryAveragesTheValues()
    {
        var d = TestSupport.ShippedDesign("a3-mid");
        int n = 64; // weights 1/64 are exact in Fw = 10 bits
        var rng = new Random(3);
        var keys = TestSupport.RandomMatrix(rng, d, n);
        var values = TestSupport.RandomMatrix(rng, d, n);
        var result = new GoldenModel(d).Run(keys, values, new long[d.Dimension], n, out var trace);
        Assert.All(trace.Exps, e => Assert.Equal(1L << d.ExpValue.FractionBits, e));
        for (int j = 0; j < d.Dimension; j++)
        {
            double mean = values.Average(r => d.Input.ToReal(r[j]));
            Assert.Equal(mean, d.Output.ToReal(result.OutputRaw[j]), 1e-12);
        }
    }

    [Fact]
    public void DividerRoundsHalfUpExactly()
    {
        var d = TestSupport.ShippedDesign("a3-small");
        var model = new GoldenModel(d);
        for (long den = 1L << d.ExpValue.FractionBits; den <= d.ExpSum.MaxRaw; den += 97)
        {
            for (long e = 0; e <= 1L << d.ExpValue.FractionBits; e += 7)
            {
                long expected = (long)Math.Floor(((double)e * (1L << d.Weight.FractionBits) / den) + 0.5);
                Assert.Equal(expected, model.Divide(e, den));
            }
        }
    }
}
