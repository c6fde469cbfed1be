using A3Gen.Elaboration;

namespace A3Gen.Model;

/// <summary>What one query produced: raw output elements and the query's statistics.</summary>
public sealed record QueryResult(long[] OutputRaw, int Candidates, int Kept, bool Fallback)
{
    public double[] Output(FixedFormat format) => OutputRaw.Select(format.ToReal).ToArray();
}

/// <summary>Per-row intermediate values of one query, for debugging and tests.</summary>
public sealed record QueryTrace(long[] Scores, long Max, long[] Exps, long ExpSum, long[] Weights);

/// <summary>
/// Bit-exact model of A3's exact pipeline: integer arithmetic on the raw fixed-point values, in
/// the order and with the roundings of the RTL. Every width it checks comes from <see cref="Design"/>.
/// </summary>
public sealed class GoldenModel(Design design)
{
    public Design Design { get; } = design;

    /// <summary>Runs one query over the first n rows of K and V (raw values in the input format).</summary>
    public QueryResult Run(long[][] keys, long[][] values, long[] query, int n) => Run(keys, values, query, n, out _);

    public QueryResult Run(long[][] keys, long[][] values, long[] query, int n, out QueryTrace trace)
    {
        var dsn = Design;
        int d = dsn.Dimension;
        if (n < 1 || n > dsn.MaxRows)
        {
            throw new ArgumentOutOfRangeException(nameof(n), n, $"rows n must be 1..{dsn.MaxRows}");
        }
        CheckInputs(keys, n, d, "keys");
        CheckInputs(values, n, d, "values");
        CheckInputs([query], 1, d, "query");

        // Dot-product module: s_r = sum_j K[r][j] q[j], exact; the running max.
        var scores = new long[n];
        long max = 0;
        for (int r = 0; r < n; r++)
        {
            long s = 0;
            for (int j = 0; j < d; j++)
            {
                s += dsn.Product.Check(keys[r][j] * query[j]);
            }
            scores[r] = dsn.Score.Check(s);
            max = r == 0 ? s : Math.Max(max, s);
        }

        // Exponent module: e_r = exp(-(max - s_r)) by the tables; expsum.
        var exps = new long[n];
        long expSum = 0;
        for (int r = 0; r < n; r++)
        {
            long u = dsn.Difference.Check(max - scores[r]);
            long e = dsn.ExpValue.Check(dsn.Exp.Exp(dsn.Exp.Clamp(u)));
            exps[r] = e;
            expSum = dsn.ExpSum.Check(expSum + e);
        }

        // Output module: w_r = round(e_r / expsum) by restoring division; o_j = sum_r w_r V[r][j].
        var weights = new long[n];
        var acc = new long[d];
        for (int r = 0; r < n; r++)
        {
            long w = dsn.Weight.Check(Divide(exps[r], expSum));
            weights[r] = w;
            for (int j = 0; j < d; j++)
            {
                long p = dsn.WeightedValue.Check(w * values[r][j]);
                acc[j] = dsn.Accumulator.Check(acc[j] + p);
            }
        }
        var output = acc.Select(a => dsn.Output.Check(Round(a))).ToArray();
        trace = new QueryTrace(scores, max, exps, expSum, weights);
        return new QueryResult(output, n, n, false);
    }

    /// <summary>The divider: q' = floor(e * 2^(Q-1) / expsum) one bit per step, then w = (q' + 1) >> 1.</summary>
    public long Divide(long e, long expSum)
    {
        long r = e, q = 0;
        for (int step = 0; step < Design.QuotientBits; step++)
        {
            if (step > 0)
            {
                r <<= 1;
            }
            long bit = r >= expSum ? 1 : 0;
            if (bit == 1)
            {
                r -= expSum;
            }
            q = (q << 1) | bit;
        }
        return (q + 1) >> 1;
    }

    /// <summary>Accumulator to output: round half up (towards +infinity) by OutputShift bits.</summary>
    public long Round(long acc) =>
        Design.OutputShift == 0 ? acc : (acc + (1L << (Design.OutputShift - 1))) >> Design.OutputShift;

    private void CheckInputs(long[][] rows, int n, int d, string what)
    {
        if (rows.Length < n)
        {
            throw new ArgumentException($"{what}: {rows.Length} rows, need {n}");
        }
        for (int r = 0; r < n; r++)
        {
            if (rows[r].Length != d)
            {
                throw new ArgumentException($"{what}[{r}]: {rows[r].Length} elements, need d = {d}");
            }
            foreach (long v in rows[r])
            {
                Design.Input.Check(v);
            }
        }
    }
}

/// <summary>Double-precision attention (softmax without a scale), the accuracy reference.</summary>
public static class Reference
{
    public static double[] Attention(double[][] keys, double[][] values, double[] query, int n)
    {
        int d = query.Length;
        var s = new double[n];
        for (int r = 0; r < n; r++)
        {
            for (int j = 0; j < d; j++)
            {
                s[r] += keys[r][j] * query[j];
            }
        }
        double max = s.Max();
        var e = s.Select(x => Math.Exp(x - max)).ToArray();
        double sum = e.Sum();
        var o = new double[d];
        for (int r = 0; r < n; r++)
        {
            for (int j = 0; j < d; j++)
            {
                o[j] += e[r] / sum * values[r][j];
            }
        }
        return o;
    }
}
