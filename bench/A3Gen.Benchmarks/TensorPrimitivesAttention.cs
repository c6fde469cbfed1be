using System.Numerics.Tensors;

namespace A3Gen.Benchmarks;

/// <summary>
/// Single-threaded float32 attention written the direct way with <see cref="TensorPrimitives"/>
/// (which uses Vector512 where the CPU has AVX-512): one Dot per key row, Max, Subtract, Exp, Sum,
/// then one MultiplyAdd per value row, K and V row-major as given. A reference point for what a
/// library call per row costs next to <see cref="VectorizedAttention"/>'s fused loops.
/// </summary>
public sealed class TensorPrimitivesAttention
{
    private readonly float[] _keys;
    private readonly float[] _values;
    private readonly float[] _scores;

    public int Rows { get; }
    public int Dimension { get; }

    public TensorPrimitivesAttention(ReadOnlySpan<float> keys, ReadOnlySpan<float> values, int rows, int dimension)
    {
        if (keys.Length != rows * dimension || values.Length != rows * dimension)
        {
            throw new ArgumentException($"K and V must hold n x d = {rows} x {dimension} elements");
        }
        Rows = rows;
        Dimension = dimension;
        _keys = keys.ToArray();
        _values = values.ToArray();
        _scores = new float[rows];
    }

    public void Compute(ReadOnlySpan<float> query, Span<float> output)
    {
        int n = Rows;
        int d = Dimension;
        if (query.Length != d || output.Length != d)
        {
            throw new ArgumentException($"q and o must have d = {d} elements");
        }
        var keys = _keys.AsSpan();
        var values = _values.AsSpan();
        var scores = _scores.AsSpan();
        for (int i = 0; i < n; i++)
        {
            scores[i] = TensorPrimitives.Dot(keys.Slice(i * d, d), query);
        }
        float max = TensorPrimitives.Max(scores);
        TensorPrimitives.Subtract(scores, max, scores);
        TensorPrimitives.Exp(scores, scores);
        float inverseSum = 1f / TensorPrimitives.Sum(scores);
        output.Clear();
        for (int i = 0; i < n; i++)
        {
            TensorPrimitives.MultiplyAdd(values.Slice(i * d, d), scores[i] * inverseSum, output, output);
        }
    }
}
