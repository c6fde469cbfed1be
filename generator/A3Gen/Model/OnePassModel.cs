using A3Gen.Elaboration;

namespace A3Gen.Model;

/// <summary>What the one-pass softmax did for one query: its rows' exp values (e, against the running max at each row's beat), the rises of the running max (at most one a beat), and the final sum.</summary>
public sealed record OnePassTrace(long[] Exps, int Rises, long Sum);

/// <summary>
/// Bit-exact model of the one-pass (online) softmax of <see cref="OnePassSoftmax"/>: the same interleaved sets,
/// the same rescales and roundings, the same flush, merge and division as the RTL (templates/rtl/online.v.scriban).
/// </summary>
public static class OnePassModel
{
    /// <summary>
    /// The weighted sum of <paramref name="rows"/> (in the order the hardware sees them) with their scores.
    /// <paramref name="presetMax"/> is the known max of an approximate query (the running max starts there, so
    /// nothing is rescaled); null on the exact path (the running max starts at the first row).
    /// </summary>
    public static long[] Attend(Design design, long[][] values, IReadOnlyList<int> rows, IReadOnlyList<long> scores, long? presetMax, out OnePassTrace trace)
    {
        var op = design.OnePass ?? throw new InvalidOperationException("the configuration's softmax is not one-pass");
        int d = design.Dimension, p = design.Lanes;
        const int sets = OnePassSoftmax.Sets;
        // A beat is the rows of one group of P (rows r / P equal; one row with one lane), which reach the online stage
        // together: the running max m rises once a beat, to the beat's largest score. Lane l takes the rows r with
        // r mod P = l into its own two sets (its rows alternate between them), each rescaled against the shared max.
        var acc = new long[p, sets][];
        var sum = new long[p, sets];
        var setMax = new long[p, sets];
        var fresh = new bool[p, sets];
        var count = new int[p];
        bool empty = presetMax is null;
        long m = presetMax ?? 0;
        for (int l = 0; l < p; l++)
        {
            for (int s = 0; s < sets; s++)
            {
                acc[l, s] = new long[d];
                fresh[l, s] = true;
                setMax[l, s] = presetMax ?? 0;
            }
        }
        var exps = new long[rows.Count];
        int rises = 0;
        for (int first = 0; first < rows.Count;)
        {
            int beat = rows[first] / p, end = first;
            while (end < rows.Count && rows[end] / p == beat)
            {
                end++;
            }
            long beatMax = Enumerable.Range(first, end - first).Max(k => design.Score.Check(scores[k]));
            long mNew = empty ? beatMax : Math.Max(m, beatMax);
            if (!empty && mNew > m)
            {
                rises++;
            }
            for (int k = first; k < end; k++)
            {
                int lane = rows[k] % p;
                int set = count[lane]++ % sets;
                long s = scores[k];
                long a = Factor(design, op, fresh[lane, set], mNew, setMax[lane, set]);
                long e = design.ExpValue.Check(design.Exp.Exp(design.Exp.Clamp(design.Difference.Check(mNew - s))));
                exps[k] = e;
                var v = values[rows[k]];
                var accSet = acc[lane, set];
                for (int j = 0; j < d; j++)
                {
                    long ev = op.Weighted.Check(e * v[j]);
                    accSet[j] = op.Accumulator.Check(Rescale(op, fresh[lane, set] ? 0 : accSet[j], a) + ev);
                }
                sum[lane, set] = op.Sum.Check(Rescale(op, fresh[lane, set] ? 0 : sum[lane, set], a) + e);
                fresh[lane, set] = false;
                setMax[lane, set] = mNew;
            }
            m = mNew;
            empty = false;
            first = end;
        }

        // Flush: each set rescaled to the final max; then the merge.
        long final = m;
        var total = new long[d];
        long totalSum = 0;
        for (int l = 0; l < p; l++)
        {
            for (int set = 0; set < sets; set++)
            {
                if (fresh[l, set])
                {
                    continue;
                }
                long a = Factor(design, op, false, final, setMax[l, set]);
                for (int j = 0; j < d; j++)
                {
                    total[j] = op.Accumulator.Check(total[j] + Rescale(op, acc[l, set][j], a));
                }
                totalSum = op.Sum.Check(totalSum + Rescale(op, sum[l, set], a));
            }
        }
        trace = new OnePassTrace(exps, rises, totalSum);
        return total.Select(x => design.Output.Check(Divide(op, x, totalSum))).ToArray();
    }

    /// <summary>A set's factor a = exp(-(m' - m_s)) by the tables; 1.0 for a set's first row.</summary>
    private static long Factor(Design design, OnePassSoftmax op, bool fresh, long mNew, long setMax) =>
        fresh ? op.One : design.ExpValue.Check(design.Exp.Exp(design.Exp.Clamp(design.Difference.Check(mNew - setMax))));

    /// <summary>round(x a / 2^Fe), half up (towards +infinity): the loop's rescale.</summary>
    public static long Rescale(OnePassSoftmax op, long x, long a) =>
        ((x * a) + (1L << (op.RescaleShift - 1))) >> op.RescaleShift;

    /// <summary>
    /// The normalizer: o = sign(A) ((floor(2 |A| 2^NumeratorShift / (S 2^DenominatorShift)) + 1) >> 1), that is
    /// A / S in the output format rounded half away from zero.
    /// </summary>
    public static long Divide(OnePassSoftmax op, long accumulator, long sum)
    {
        if (sum <= 0)
        {
            throw new InvalidOperationException("one-pass sum is not positive: the row at the max adds 1.0");
        }
        long magnitude = Math.Abs(accumulator);
        long numerator = (magnitude << 1) << op.NumeratorShift;
        long denominator = sum << op.DenominatorShift;
        long q = numerator / denominator;
        if (q >= 1L << op.QuotientBits)
        {
            throw new OverflowException($"one-pass quotient {q} exceeds {op.QuotientBits} bits");
        }
        long rounded = (q + 1) >> 1;
        return accumulator < 0 ? -rounded : rounded;
    }
}
