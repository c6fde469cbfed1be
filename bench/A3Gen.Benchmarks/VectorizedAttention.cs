using System.Numerics;
using System.Numerics.Tensors;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace A3Gen.Benchmarks;

/// <summary>
/// Single-threaded float32 attention o = softmax(q K^T) V written for the CPU with
/// <see cref="Vector{T}"/> (W = Vector&lt;float&gt;.Count lanes: 8 with AVX2, 16 with AVX-512 when the
/// runtime runs with DOTNET_MaxVectorTBitWidth=512) and <see cref="TensorPrimitives.Exp(ReadOnlySpan{float}, Span{float})"/>.
/// Like the accelerator, it takes K and V once, ahead of the queries, and keeps them in the layouts
/// its loops want (that preparation is not part of a query's time):
/// <list type="bullet">
/// <item>K transposed and padded, Kt[j][i] for i &lt; np (n rounded up to W): the scores of W rows
/// are W lanes, so the dot products are broadcast-q[j] fused multiply-adds over W rows at a time with
/// no horizontal sums, 4 independent accumulators (4 W rows) in registers;</item>
/// <item>V row-major with each row padded to dp (d rounded up to W): the output is dp / W vectors
/// accumulated over the rows, 4 rows at a time into independent accumulators.</item>
/// </list>
/// Padded rows are left out of the softmax and the output. The batched variant computes m queries
/// against the same K and V and shares each K and V load between 4 queries.
/// </summary>
public sealed class VectorizedAttention
{
    private static readonly int W = Vector<float>.Count;
    private const int QueryBlock = 4;

    private readonly float[] _keysT;   // d x np
    private readonly float[] _values;  // n x dp
    private readonly float[] _scores;  // QueryBlock x np
    private readonly float[] _output;  // QueryBlock x dp

    public int Rows { get; }
    public int Dimension { get; }
    public int PaddedRows { get; }
    public int PaddedDimension { get; }
    public static int Lanes => W;

    public VectorizedAttention(ReadOnlySpan<float> keys, ReadOnlySpan<float> values, int rows, int dimension)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(rows, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(dimension, 1);
        if (keys.Length != rows * dimension || values.Length != rows * dimension)
        {
            throw new ArgumentException($"K and V must hold n x d = {rows} x {dimension} elements");
        }
        Rows = rows;
        Dimension = dimension;
        PaddedRows = (rows + W - 1) / W * W;
        PaddedDimension = (dimension + W - 1) / W * W;
        _keysT = new float[dimension * PaddedRows];
        _values = new float[rows * PaddedDimension];
        for (int i = 0; i < rows; i++)
        {
            for (int j = 0; j < dimension; j++)
            {
                _keysT[(j * PaddedRows) + i] = keys[(i * dimension) + j];
                _values[(i * PaddedDimension) + j] = values[(i * dimension) + j];
            }
        }
        _scores = new float[QueryBlock * PaddedRows];
        _output = new float[QueryBlock * PaddedDimension];
    }

    /// <summary>One query: q has d elements, o receives d.</summary>
    public void Compute(ReadOnlySpan<float> query, Span<float> output)
    {
        if (query.Length != Dimension || output.Length != Dimension)
        {
            throw new ArgumentException($"q and o must have d = {Dimension} elements");
        }
        Scores1(query);
        Span<float> scores = _scores.AsSpan(0, PaddedRows);
        float inverseSum = Softmax(scores);
        Output1(scores, inverseSum);
        _output.AsSpan(0, Dimension).CopyTo(output);
    }

    /// <summary>m queries against the same K and V: q is m x d row-major, o receives m x d.</summary>
    public void ComputeBatch(ReadOnlySpan<float> queries, Span<float> outputs)
    {
        int d = Dimension;
        if (queries.Length % d != 0 || outputs.Length != queries.Length)
        {
            throw new ArgumentException($"queries must be m x d (d = {d}) and outputs the same size");
        }
        int m = queries.Length / d;
        int k = 0;
        Span<float> inverseSums = stackalloc float[QueryBlock];
        for (; k + QueryBlock <= m; k += QueryBlock)
        {
            Scores4(queries.Slice(k * d, QueryBlock * d));
            for (int b = 0; b < QueryBlock; b++)
            {
                inverseSums[b] = Softmax(_scores.AsSpan(b * PaddedRows, PaddedRows));
            }
            Output4(inverseSums);
            for (int b = 0; b < QueryBlock; b++)
            {
                _output.AsSpan(b * PaddedDimension, d).CopyTo(outputs.Slice((k + b) * d, d));
            }
        }
        for (; k < m; k++)
        {
            Compute(queries.Slice(k * d, d), outputs.Slice(k * d, d));
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector<float> Load(float[] array, int offset) =>
        Vector.LoadUnsafe(ref MemoryMarshal.GetArrayDataReference(array), (nuint)offset);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Store(Vector<float> value, float[] array, int offset) =>
        value.StoreUnsafe(ref MemoryMarshal.GetArrayDataReference(array), (nuint)offset);

    /// <summary>s[i] = K[i] . q for i &lt; np, one query, into _scores[0 .. np).</summary>
    private void Scores1(ReadOnlySpan<float> query)
    {
        int np = PaddedRows;
        int d = Dimension;
        float[] kt = _keysT;
        int i = 0;
        for (; i + (4 * W) <= np; i += 4 * W)
        {
            var a0 = Vector<float>.Zero;
            var a1 = Vector<float>.Zero;
            var a2 = Vector<float>.Zero;
            var a3 = Vector<float>.Zero;
            for (int j = 0; j < d; j++)
            {
                var qj = new Vector<float>(query[j]);
                int row = (j * np) + i;
                a0 = Vector.FusedMultiplyAdd(Load(kt, row), qj, a0);
                a1 = Vector.FusedMultiplyAdd(Load(kt, row + W), qj, a1);
                a2 = Vector.FusedMultiplyAdd(Load(kt, row + (2 * W)), qj, a2);
                a3 = Vector.FusedMultiplyAdd(Load(kt, row + (3 * W)), qj, a3);
            }
            Store(a0, _scores, i);
            Store(a1, _scores, i + W);
            Store(a2, _scores, i + (2 * W));
            Store(a3, _scores, i + (3 * W));
        }
        for (; i < np; i += W)
        {
            var a = Vector<float>.Zero;
            for (int j = 0; j < d; j++)
            {
                a = Vector.FusedMultiplyAdd(Load(kt, (j * np) + i), new Vector<float>(query[j]), a);
            }
            Store(a, _scores, i);
        }
    }

    /// <summary>Scores of 4 queries (4 x d, row-major) into _scores[b np .. (b + 1) np): each K load feeds 4 queries.</summary>
    private void Scores4(ReadOnlySpan<float> queries)
    {
        int np = PaddedRows;
        int d = Dimension;
        float[] kt = _keysT;
        for (int i = 0; i < np; i += W)
        {
            var a0 = Vector<float>.Zero;
            var a1 = Vector<float>.Zero;
            var a2 = Vector<float>.Zero;
            var a3 = Vector<float>.Zero;
            for (int j = 0; j < d; j++)
            {
                var key = Load(kt, (j * np) + i);
                a0 = Vector.FusedMultiplyAdd(key, new Vector<float>(queries[j]), a0);
                a1 = Vector.FusedMultiplyAdd(key, new Vector<float>(queries[d + j]), a1);
                a2 = Vector.FusedMultiplyAdd(key, new Vector<float>(queries[(2 * d) + j]), a2);
                a3 = Vector.FusedMultiplyAdd(key, new Vector<float>(queries[(3 * d) + j]), a3);
            }
            Store(a0, _scores, i);
            Store(a1, _scores, np + i);
            Store(a2, _scores, (2 * np) + i);
            Store(a3, _scores, (3 * np) + i);
        }
    }

    /// <summary>
    /// The first n of the scores become exp(s - max), the padding after them 0; returns 1 / sum.
    /// </summary>
    private float Softmax(Span<float> scores)
    {
        int n = Rows;
        Span<float> real = scores[..n];
        float max = TensorPrimitives.Max(real);
        TensorPrimitives.Subtract(real, max, real);
        TensorPrimitives.Exp(real, real);
        scores[n..].Clear();
        return 1f / TensorPrimitives.Sum(real);
    }

    /// <summary>o = (sum_i e_i V[i]) / sum, one query's e in _scores[0 .. n), into _output[0 .. dp).</summary>
    private void Output1(ReadOnlySpan<float> weights, float inverseSum)
    {
        int n = Rows;
        int dp = PaddedDimension;
        float[] v = _values;
        for (int c = 0; c < dp; c += W)
        {
            var a0 = Vector<float>.Zero;
            var a1 = Vector<float>.Zero;
            var a2 = Vector<float>.Zero;
            var a3 = Vector<float>.Zero;
            int i = 0;
            for (; i + 4 <= n; i += 4)
            {
                int row = (i * dp) + c;
                a0 = Vector.FusedMultiplyAdd(Load(v, row), new Vector<float>(weights[i]), a0);
                a1 = Vector.FusedMultiplyAdd(Load(v, row + dp), new Vector<float>(weights[i + 1]), a1);
                a2 = Vector.FusedMultiplyAdd(Load(v, row + (2 * dp)), new Vector<float>(weights[i + 2]), a2);
                a3 = Vector.FusedMultiplyAdd(Load(v, row + (3 * dp)), new Vector<float>(weights[i + 3]), a3);
            }
            for (; i < n; i++)
            {
                a0 = Vector.FusedMultiplyAdd(Load(v, (i * dp) + c), new Vector<float>(weights[i]), a0);
            }
            Store(((a0 + a1) + (a2 + a3)) * inverseSum, _output, c);
        }
    }

    /// <summary>Outputs of 4 queries whose e are in _scores[b np ..]: each V load feeds 4 queries.</summary>
    private void Output4(ReadOnlySpan<float> inverseSums)
    {
        int n = Rows;
        int np = PaddedRows;
        int dp = PaddedDimension;
        float[] v = _values;
        float[] e = _scores;
        for (int c = 0; c < dp; c += W)
        {
            var a0 = Vector<float>.Zero;
            var a1 = Vector<float>.Zero;
            var a2 = Vector<float>.Zero;
            var a3 = Vector<float>.Zero;
            for (int i = 0; i < n; i++)
            {
                var value = Load(v, (i * dp) + c);
                a0 = Vector.FusedMultiplyAdd(value, new Vector<float>(e[i]), a0);
                a1 = Vector.FusedMultiplyAdd(value, new Vector<float>(e[np + i]), a1);
                a2 = Vector.FusedMultiplyAdd(value, new Vector<float>(e[(2 * np) + i]), a2);
                a3 = Vector.FusedMultiplyAdd(value, new Vector<float>(e[(3 * np) + i]), a3);
            }
            Store(a0 * inverseSums[0], _output, c);
            Store(a1 * inverseSums[1], _output, dp + c);
            Store(a2 * inverseSums[2], _output, (2 * dp) + c);
            Store(a3 * inverseSums[3], _output, (3 * dp) + c);
        }
    }
}
