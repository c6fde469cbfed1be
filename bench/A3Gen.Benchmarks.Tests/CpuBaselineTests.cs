using A3Gen.Benchmarks;

namespace A3Gen.Benchmarks.Tests;

/// <summary>
/// The software baseline of bench/A3Gen.Benchmarks: every CPU implementation agrees with
/// double-precision attention within float tolerance, on sizes that do and do not fill the vector
/// lanes, and the accelerator figures it compares against are the elaboration's.
/// </summary>
public class CpuBaselineTests
{
    private const double Tolerance = AttentionBenchmarks.Tolerance;

    public static TheoryData<int, int> Sizes => new()
    {
        { 1, 1 }, { 3, 2 }, { 13, 5 }, { 16, 4 }, { 33, 17 }, { 100, 16 }, { 128, 32 }, { 320, 64 },
    };

    [Theory]
    [MemberData(nameof(Sizes))]
    public void VectorizedAgreesWithDoubleAttention(int n, int d)
    {
        var problem = new AttentionProblem(n, d, 7, seed: n * 31 + d);
        var attention = new VectorizedAttention(problem.Keys, problem.Values, n, d);
        var outputs = new float[7 * d];
        for (int k = 0; k < 7; k++)
        {
            attention.Compute(problem.Query(k), outputs.AsSpan(k * d, d));
        }
        Assert.InRange(ReferenceAttention.MaxScaledError(problem, outputs, 7), 0, Tolerance);

        // 7 queries: one block of 4 sharing the K and V loads, then 3 one at a time.
        var batch = new float[7 * d];
        attention.ComputeBatch(problem.Queries, batch);
        Assert.InRange(ReferenceAttention.MaxScaledError(problem, batch, 7), 0, Tolerance);
    }

    [Theory]
    [MemberData(nameof(Sizes))]
    public void TensorPrimitivesAgreesWithDoubleAttention(int n, int d)
    {
        var problem = new AttentionProblem(n, d, 3, seed: n * 17 + d);
        var attention = new TensorPrimitivesAttention(problem.Keys, problem.Values, n, d);
        var outputs = new float[3 * d];
        for (int k = 0; k < 3; k++)
        {
            attention.Compute(problem.Query(k), outputs.AsSpan(k * d, d));
        }
        Assert.InRange(ReferenceAttention.MaxScaledError(problem, outputs, 3), 0, Tolerance);
    }

    [Theory]
    [MemberData(nameof(Sizes))]
    public void OnnxRuntimeAgreesWithDoubleAttention(int n, int d)
    {
        var problem = new AttentionProblem(n, d, 5, seed: n * 7 + d);
        using var attention = new OnnxAttention(problem.Keys, problem.Values, n, d);
        using var single = attention.Bind(1);
        problem.Query(2).CopyTo(single.Queries);
        attention.Run(single);
        var expected = ReferenceAttention.Compute(problem.Query(2), problem.Keys, problem.Values, n, d);
        double maxV = problem.Values.Max(Math.Abs);
        Assert.All(Enumerable.Range(0, d), j => Assert.InRange(Math.Abs(single.Outputs[j] - expected[j]) / maxV, 0, Tolerance));

        using var batch = attention.Bind(5);
        problem.Queries.CopyTo(batch.Queries, 0);
        attention.Run(batch);
        Assert.InRange(ReferenceAttention.MaxScaledError(problem, batch.Outputs, 5), 0, Tolerance);
    }

    [Fact]
    public void OnnxModelIsMatMulSoftmaxMatMulOverInitializers()
    {
        var problem = new AttentionProblem(6, 3, 1, seed: 1);
        var model = OnnxAttention.BuildModel(problem.Keys, problem.Values, 6, 3);
        Assert.Equal(["MatMul", "Softmax", "MatMul"], model.Graph.Node.Select(node => node.OpType));
        Assert.Equal(["Kt", "V"], model.Graph.Initializer.Select(t => t.Name));
        Assert.Equal([3L, 6L], model.Graph.Initializer[0].Dims);
        // K^T: element (j, i) is K[i][j].
        Assert.Equal(problem.Keys[(4 * 3) + 1], model.Graph.Initializer[0].FloatData[(1 * 6) + 4]);
    }

    [Theory]
    [InlineData(320, 64, "a3-paper", 322)]
    [InlineData(100, 16, "a3-mid", 102)]
    [InlineData(16, 4, "a3-small", 18)]
    [InlineData(128, 32, "a3-n128-d32", 130)]
    public void HardwareFiguresAreTheElaborationsExactPathInterval(int n, int d, string config, int cycles)
    {
        var hw = HardwareBaseline.For(new Shape(n, d));
        Assert.Equal(config, hw.ConfigName);
        Assert.Equal(cycles, hw.CyclesPerQuery);
        Assert.Equal(1000, hw.ClockMhz);
        Assert.Equal(cycles, hw.NanosecondsPerQuery, 9);
        Assert.Equal(1e9 / cycles, hw.QueriesPerSecond, 3);
    }
}
