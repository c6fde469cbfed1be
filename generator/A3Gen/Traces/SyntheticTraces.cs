namespace A3Gen.Traces;

/// <summary>
/// Seeded synthetic trace families: the same arguments give the same values. The generator is
/// SplitMix64 (not <see cref="Random"/>, whose seeded sequence .NET does not promise to keep) and
/// normals come from the Box-Muller transform (Math.Log, Sin and Cos: the same bits on every x64
/// machine; another CPU architecture's math library may differ in the last bit).
/// </summary>
public static class SyntheticTraces
{
    /// <summary>
    /// Plain Gaussian data: every element of q, K and V drawn from N(0, sigma^2), independently.
    /// Instances are named <c>gaussian/head&lt;i&gt;</c>.
    /// </summary>
    public static Trace Gaussian(ulong seed, int instances, int queries, int rows, int dimension, double sigma = 1.0)
    {
        Check(instances, queries, rows, dimension);
        var rng = new SplitMix64(seed);
        var list = new List<AttentionInstance>();
        for (int h = 0; h < instances; h++)
        {
            var q = rng.Matrix(queries, dimension, sigma);
            var k = rng.Matrix(rows, dimension, sigma);
            var v = rng.Matrix(rows, dimension, sigma);
            list.Add(new AttentionInstance("gaussian", h, q, k, v));
        }
        return new Trace($"gaussian(seed {seed}, {instances} x m {queries}, n {rows}, d {dimension}, sigma {sigma})", list);
    }

    /// <summary>
    /// A few dominant rows, as in the memory networks the paper evaluates: K and V are N(0, sigma^2);
    /// each query picks <paramref name="dominant"/> distinct rows at random (its supporting facts) and
    /// points along the sum of their keys, scaled so that the mean score of those rows is
    /// <paramref name="gap"/> (in units of the softmax input: a row at score s - gap weighs e^-gap as
    /// much), plus N(0, (noise sigma)^2) per element. The other rows' scores then spread about 0 with a
    /// standard deviation near gap sqrt(dominant / d), so attention concentrates on the planted rows.
    /// <paramref name="planted"/> receives, per instance and query, the planted row indices (ascending).
    /// </summary>
    public static Trace Planted(
        ulong seed, int instances, int queries, int rows, int dimension,
        int dominant, double gap, out int[][][] planted, double sigma = 1.0, double noise = 0.05)
    {
        Check(instances, queries, rows, dimension);
        if (dominant < 1 || dominant > rows)
        {
            throw new ArgumentOutOfRangeException(nameof(dominant), dominant, $"dominant must be 1..n = {rows}");
        }
        var rng = new SplitMix64(seed);
        var list = new List<AttentionInstance>();
        planted = new int[instances][][];
        for (int h = 0; h < instances; h++)
        {
            var k = rng.Matrix(rows, dimension, sigma);
            var v = rng.Matrix(rows, dimension, sigma);
            var q = new double[queries][];
            planted[h] = new int[queries][];
            for (int m = 0; m < queries; m++)
            {
                var chosen = rng.Distinct(dominant, rows);
                planted[h][m] = chosen;
                var direction = new double[dimension];
                foreach (int r in chosen)
                {
                    for (int j = 0; j < dimension; j++)
                    {
                        direction[j] += k[r][j];
                    }
                }
                double meanScore = chosen.Average(r => Dot(direction, k[r]));
                double scale = meanScore > 0 ? gap / meanScore : 0;
                q[m] = new double[dimension];
                for (int j = 0; j < dimension; j++)
                {
                    q[m][j] = direction[j] * scale + noise * rng.Normal();
                }
            }
            list.Add(new AttentionInstance("planted", h, q, k, v));
        }
        return new Trace(
            $"planted(seed {seed}, {instances} x m {queries}, n {rows}, d {dimension}, {dominant} dominant rows, gap {gap})", list);
    }

    /// <inheritdoc cref="Planted(ulong, int, int, int, int, int, double, out int[][][], double, double)"/>
    public static Trace Planted(ulong seed, int instances, int queries, int rows, int dimension, int dominant, double gap) =>
        Planted(seed, instances, queries, rows, dimension, dominant, gap, out _);

    private static double Dot(double[] a, double[] b)
    {
        double s = 0;
        for (int i = 0; i < a.Length; i++)
        {
            s += a[i] * b[i];
        }
        return s;
    }

    private static void Check(int instances, int queries, int rows, int dimension)
    {
        if (instances < 1 || queries < 1 || rows < 1 || dimension < 1)
        {
            throw new ArgumentOutOfRangeException(
                nameof(instances), $"instances, queries, rows and dimension must be at least 1 (got {instances}, {queries}, {rows}, {dimension})");
        }
    }

    /// <summary>SplitMix64 (Steele, Lea and Flood, 2014): a small, fully specified 64-bit generator.</summary>
    private sealed class SplitMix64(ulong seed)
    {
        private ulong state = seed;
        private double? spare;

        public ulong Next()
        {
            ulong z = state += 0x9E3779B97F4A7C15UL;
            z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
            z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
            return z ^ (z >> 31);
        }

        /// <summary>Uniform in (0, 1]: 53 random bits, never 0 (the logarithm below needs that).</summary>
        public double Uniform() => ((Next() >> 11) + 1) * (1.0 / (1UL << 53));

        public double Normal()
        {
            if (spare is double s)
            {
                spare = null;
                return s;
            }
            double r = Math.Sqrt(-2.0 * Math.Log(Uniform()));
            double theta = 2.0 * Math.PI * Uniform();
            spare = r * Math.Sin(theta);
            return r * Math.Cos(theta);
        }

        public double[][] Matrix(int rows, int columns, double sigma)
        {
            var m = new double[rows][];
            for (int r = 0; r < rows; r++)
            {
                m[r] = new double[columns];
                for (int c = 0; c < columns; c++)
                {
                    m[r][c] = sigma * Normal();
                }
            }
            return m;
        }

        /// <summary><paramref name="count"/> distinct integers in 0..<paramref name="bound"/>-1, ascending (partial Fisher-Yates).</summary>
        public int[] Distinct(int count, int bound)
        {
            var pool = Enumerable.Range(0, bound).ToArray();
            for (int i = 0; i < count; i++)
            {
                int j = i + (int)(Next() % (ulong)(bound - i));
                (pool[i], pool[j]) = (pool[j], pool[i]);
            }
            var chosen = pool[..count];
            Array.Sort(chosen);
            return chosen;
        }
    }
}
