namespace A3Gen.Benchmarks;

/// <summary>
/// One single-head attention instance: keys K and values V (n x d, row-major) and m queries
/// (m x d, row-major), seeded Gaussian data. The queries carry the 1/sqrt(d) scale, as the
/// accelerator expects (it computes q . K[i] unscaled: README, "Number formats"). The benchmark's timings do not depend on the values.
/// </summary>
public sealed class AttentionProblem
{
    public int Rows { get; }
    public int Dimension { get; }
    public int QueryCount { get; }
    public float[] Keys { get; }
    public float[] Values { get; }
    public float[] Queries { get; }

    public AttentionProblem(int rows, int dimension, int queryCount, int seed)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(rows, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(dimension, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(queryCount, 1);
        Rows = rows;
        Dimension = dimension;
        QueryCount = queryCount;
        var random = new Random(seed);
        Keys = Gaussian(random, rows * dimension, 1.0);
        Values = Gaussian(random, rows * dimension, 1.0);
        // A few-times-larger spread than 1/sqrt(d) so that the softmax is not nearly uniform.
        Queries = Gaussian(random, queryCount * dimension, 3.0 / Math.Sqrt(dimension));
    }

    public ReadOnlySpan<float> Query(int index) => Queries.AsSpan(index * Dimension, Dimension);

    private static float[] Gaussian(Random random, int count, double scale)
    {
        var data = new float[count];
        for (int k = 0; k < count; k++)
        {
            // Box-Muller; 1 - NextDouble() lies in (0, 1], so the logarithm is finite.
            double u = 1.0 - random.NextDouble();
            double v = random.NextDouble();
            data[k] = (float)(scale * Math.Sqrt(-2.0 * Math.Log(u)) * Math.Cos(2.0 * Math.PI * v));
        }
        return data;
    }
}

/// <summary>Plain double-precision attention o = softmax(q K^T) V: the reference both implementations are checked against.</summary>
public static class ReferenceAttention
{
    /// <summary>The attention output of one query over the first <paramref name="rows"/> rows of flat row-major K and V (A3Gen.Model.Reference in double).</summary>
    public static double[] Compute(ReadOnlySpan<float> query, float[] keys, float[] values, int rows, int dimension)
    {
        var q = new double[dimension];
        for (int j = 0; j < dimension; j++)
        {
            q[j] = query[j];
        }
        return A3Gen.Model.Reference.Attention(Rows(keys, rows, dimension), Rows(values, rows, dimension), q, rows);
    }

    private static double[][] Rows(float[] flat, int rows, int dimension) =>
        Enumerable.Range(0, rows).Select(i => flat.AsSpan(i * dimension, dimension).ToArray().Select(x => (double)x).ToArray()).ToArray();

    /// <summary>
    /// The largest |o - o_ref| over the first <paramref name="queryCount"/> queries, divided by the largest
    /// |V| element, for an implementation that wrote query k's output to <c>outputs[k d .. (k + 1) d)</c>.
    /// </summary>
    public static double MaxScaledError(AttentionProblem problem, ReadOnlySpan<float> outputs, int queryCount)
    {
        if (queryCount < 1 || queryCount > problem.QueryCount || outputs.Length < queryCount * problem.Dimension)
        {
            throw new ArgumentException($"need 1..{problem.QueryCount} queries and d floats per query");
        }
        double maxValue = 0;
        foreach (float v in problem.Values)
        {
            maxValue = Math.Max(maxValue, Math.Abs(v));
        }
        double worst = 0;
        for (int k = 0; k < queryCount; k++)
        {
            var expected = Compute(problem.Query(k), problem.Keys, problem.Values, problem.Rows, problem.Dimension);
            for (int j = 0; j < problem.Dimension; j++)
            {
                double error = Math.Abs(outputs[(k * problem.Dimension) + j] - expected[j]);
                worst = Math.Max(worst, double.IsNaN(error) ? double.PositiveInfinity : error);
            }
        }
        return worst / Math.Max(maxValue, double.Epsilon);
    }
}
