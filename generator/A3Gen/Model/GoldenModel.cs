using A3Gen.Elaboration;

namespace A3Gen.Model;

/// <summary>What one query produced: raw output elements and the query's statistics.</summary>
public sealed record QueryResult(long[] OutputRaw, int Candidates, int Kept, bool Fallback)
{
    public double[] Output(FixedFormat format) => OutputRaw.Select(format.ToReal).ToArray();
}

/// <summary>
/// Intermediate values of one query, for debugging and tests. <see cref="Scores"/> are those of
/// <see cref="ScoredRows"/> (the rows the dot product read: all n on the exact path, the candidates on
/// the approximate one); <see cref="Exps"/> and <see cref="Weights"/> those of <see cref="KeptRows"/>
/// (the rows post-scoring passed to the exponent module), both in ascending rowId order. With the one-pass
/// softmax, <see cref="Exps"/> are the kept rows' e against the final max (what the three-pass exponent computes;
/// the online stage's own, against the running max, are in <see cref="OnePassTrace"/>), <see cref="ExpSum"/> is the
/// online stage's final sum and <see cref="Weights"/> is empty (there are no weights: one division per output element).
/// </summary>
public sealed record QueryTrace(int[] ScoredRows, long[] Scores, long Max, int[] KeptRows, long[] Exps, long ExpSum, long[] Weights);

/// <summary>
/// Bit-exact model of A3's exact pipeline: integer arithmetic on the raw fixed-point values, in
/// the order and with the roundings of the RTL. Every width it checks comes from <see cref="Design"/>.
/// The approximate path (<see cref="ApproximateModel"/>) feeds the same stages another row list.
/// </summary>
public sealed class GoldenModel(Design design)
{
    public Design Design { get; } = design;

    /// <summary>Runs one query over the first n rows of K and V (raw values in the input format).</summary>
    public QueryResult Run(long[][] keys, long[][] values, long[] query, int n) => Run(keys, values, query, n, out _);

    public QueryResult Run(long[][] keys, long[][] values, long[] query, int n, out QueryTrace trace)
    {
        CheckQuery(keys, values, query, n);
        var output = Attend(keys, values, query, Enumerable.Range(0, n).ToArray(), null, out trace);
        return new QueryResult(output, n, n, false);
    }

    /// <summary>Checks n and the raw inputs of a query against the design.</summary>
    public void CheckQuery(long[][] keys, long[][] values, long[] query, int n)
    {
        if (n < 1 || n > Design.MaxRows)
        {
            throw new ArgumentOutOfRangeException(nameof(n), n, $"rows n must be 1..{Design.MaxRows}");
        }
        CheckInputs(Design, keys, n, "keys");
        CheckInputs(Design, values, n, "values");
        CheckInputs(Design, [query], 1, "query");
    }

    /// <summary>
    /// The stages every query shares, over a row list in ascending rowId order: dot product and running
    /// max over <paramref name="rows"/>; post-scoring (keep a row iff max - s &lt;= t) when a threshold is
    /// given; exponent and expsum, division and accumulation over the kept rows. Returns the raw output.
    /// </summary>
    public long[] Attend(long[][] keys, long[][] values, long[] query, IReadOnlyList<int> rows, long? thresholdRaw, out QueryTrace trace)
    {
        var dsn = Design;
        int d = dsn.Dimension;
        if (rows.Count == 0)
        {
            throw new ArgumentException("the row list is empty: the exponent stage needs the max row", nameof(rows));
        }

        // Dot-product module: s_r = sum_j K[r][j] q[j], exact; the running max (the first row wins a tie).
        var scores = new long[rows.Count];
        long max = 0;
        for (int k = 0; k < rows.Count; k++)
        {
            int r = rows[k];
            long s = 0;
            for (int j = 0; j < d; j++)
            {
                s += dsn.Product.Check(keys[r][j] * query[j]);
            }
            scores[k] = dsn.Score.Check(s);
            max = k == 0 ? s : Math.Max(max, s);
        }

        // Post-scoring: keep a row iff max - s <= t (raw comparison); the exact path keeps every row.
        var kept = new List<int>(rows.Count);
        var keptScores = new List<long>(rows.Count);
        for (int k = 0; k < rows.Count; k++)
        {
            if (thresholdRaw is not { } t || dsn.Difference.Check(max - scores[k]) <= dsn.Threshold.Check(t))
            {
                kept.Add(rows[k]);
                keptScores.Add(scores[k]);
            }
        }

        if (dsn.OnePass is not null)
        {
            // One-pass softmax: the kept rows in order through the online stage; an approximate query's
            // running max starts at its known max.
            var onePass = OnePassModel.Attend(dsn, values, kept, keptScores, thresholdRaw is null ? null : max, out var online);
            var finalExps = keptScores.Select(s => dsn.Exp.Exp(dsn.Exp.Clamp(dsn.Difference.Check(max - s)))).ToArray();
            trace = new QueryTrace(rows.ToArray(), scores, max, kept.ToArray(), finalExps, online.Sum, []);
            return onePass;
        }

        // Exponent module: e_r = exp(-(max - s_r)) by the tables; expsum.
        var exps = new long[kept.Count];
        long expSum = 0;
        for (int k = 0; k < kept.Count; k++)
        {
            long u = dsn.Difference.Check(max - keptScores[k]);
            long e = dsn.ExpValue.Check(dsn.Exp.Exp(dsn.Exp.Clamp(u)));
            exps[k] = e;
            expSum = dsn.ExpSum.Check(expSum + e);
        }

        // Output module: w_r = round(e_r / expsum) by restoring division; o_j = sum_r w_r V[r][j].
        var weights = new long[kept.Count];
        var acc = new long[d];
        for (int k = 0; k < kept.Count; k++)
        {
            long w = dsn.Weight.Check(Divide(exps[k], expSum));
            weights[k] = w;
            for (int j = 0; j < d; j++)
            {
                long p = dsn.WeightedValue.Check(w * values[kept[k]][j]);
                acc[j] = dsn.Accumulator.Check(acc[j] + p);
            }
        }
        var output = acc.Select(a => dsn.Output.Check(Round(a))).ToArray();
        trace = new QueryTrace(rows.ToArray(), scores, max, kept.ToArray(), exps, expSum, weights);
        return output;
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

    /// <summary>Checks that the first n rows exist, have d elements and hold input-format values.</summary>
    public static void CheckInputs(Design design, long[][] rows, int n, string what)
    {
        int d = design.Dimension;
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
                design.Input.Check(v);
            }
        }
    }
}

/// <summary>
/// Double-precision attention, softmax(q K^T) V without a scale: the one accuracy reference of the
/// project (golden-model error bounds, the paper's algorithm, traces, exploration, the CPU baseline).
/// </summary>
public static class Reference
{
    /// <summary>The scores q . K[r] of the first <paramref name="n"/> rows.</summary>
    public static double[] Scores(IReadOnlyList<double[]> keys, double[] query, int n)
    {
        var s = new double[n];
        for (int r = 0; r < n; r++)
        {
            double sum = 0;
            var k = keys[r];
            for (int j = 0; j < query.Length; j++)
            {
                sum += k[j] * query[j];
            }
            s[r] = sum;
        }
        return s;
    }

    /// <summary>softmax over <paramref name="rows"/> of the scores (all of them when null); rows left out weigh 0.</summary>
    public static double[] Weights(double[] scores, IReadOnlyList<int>? rows = null)
    {
        rows ??= Enumerable.Range(0, scores.Length).ToArray();
        double max = rows.Max(r => scores[r]);
        var w = new double[scores.Length];
        double total = 0;
        foreach (int r in rows)
        {
            w[r] = Math.Exp(scores[r] - max);
            total += w[r];
        }
        foreach (int r in rows)
        {
            w[r] /= total;
        }
        return w;
    }

    /// <summary>sum_r w[r] V[r] over the rows of <paramref name="weights"/>.</summary>
    public static double[] WeightedSum(double[] weights, IReadOnlyList<double[]> values)
    {
        var o = new double[values[0].Length];
        for (int r = 0; r < weights.Length; r++)
        {
            if (weights[r] == 0)
            {
                continue;
            }
            for (int j = 0; j < o.Length; j++)
            {
                o[j] += weights[r] * values[r][j];
            }
        }
        return o;
    }

    /// <summary>Attention of <paramref name="query"/> over the first <paramref name="n"/> rows.</summary>
    public static double[] Attention(double[][] keys, double[][] values, double[] query, int n) =>
        WeightedSum(Weights(Scores(keys, query, n)), values);
}
