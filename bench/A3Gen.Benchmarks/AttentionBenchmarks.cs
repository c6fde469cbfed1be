using BenchmarkDotNet.Attributes;

namespace A3Gen.Benchmarks;

/// <summary>An attention size: n key/value rows of d elements.</summary>
public readonly record struct Shape(int Rows, int Dimension)
{
    public override string ToString() => $"{Rows}x{Dimension}";
}

/// <summary>
/// Single-query attention o = softmax(q K^T) V on one core, float32, for the shipped configurations'
/// sizes and one MiniLM head; plus m = <see cref="BatchSize"/> queries against the same K and V.
/// K and V are set up once (as the accelerator loads them once); a query's time is the measure. Every
/// implementation's output is checked against double-precision attention in the global setup,
/// outside the timed region, and a mismatch fails the benchmark.
/// </summary>
public class AttentionBenchmarks
{
    public const int BatchSize = 32;
    public const double Tolerance = 1e-5;

    public static IEnumerable<Shape> Shapes =>
        [new(320, 64), new(100, 16), new(16, 4), new(128, 32)];

    [ParamsSource(nameof(Shapes))]
    public Shape Size { get; set; }

    /// <summary>Leave out the setup's log lines (the CPU-time cross-check prints its own table).</summary>
    public bool Quiet { get; init; }

    private AttentionProblem _problem = null!;
    private VectorizedAttention _vectorized = null!;
    private TensorPrimitivesAttention _primitives = null!;
    private OnnxAttention _onnx = null!;
    private OnnxAttention.Binding _onnxSingle = null!;
    private OnnxAttention.Binding _onnxBatch = null!;
    private float[] _query = null!;
    private float[] _output = null!;
    private float[] _batchOutput = null!;

    [GlobalSetup]
    public void Setup()
    {
        _problem = new AttentionProblem(Size.Rows, Size.Dimension, BatchSize, seed: 2020);
        int d = Size.Dimension;
        _vectorized = new VectorizedAttention(_problem.Keys, _problem.Values, Size.Rows, d);
        _primitives = new TensorPrimitivesAttention(_problem.Keys, _problem.Values, Size.Rows, d);
        _onnx = new OnnxAttention(_problem.Keys, _problem.Values, Size.Rows, d, intraOpThreads: 1);
        _onnxSingle = _onnx.Bind(1);
        _onnxBatch = _onnx.Bind(BatchSize);
        _query = _problem.Query(0).ToArray();
        _output = new float[d];
        _batchOutput = new float[BatchSize * d];
        _problem.Query(0).CopyTo(_onnxSingle.Queries);
        _problem.Queries.CopyTo(_onnxBatch.Queries, 0);
        if (!Quiet)
        {
            Console.WriteLine($"// A3Gen setup: Vector<float>.Count = {VectorizedAttention.Lanes}, shape {Size}");
        }
        Check();
    }

    /// <summary>Runs every implementation once and compares it with double-precision attention.</summary>
    private void Check()
    {
        Require("Vectorized", () => { _vectorized.Compute(_query, _output); return _output; }, 1);
        Require("TensorPrimitives", () => { _primitives.Compute(_query, _output); return _output; }, 1);
        Require("OnnxRuntime", () => { _onnx.Run(_onnxSingle); return _onnxSingle.Outputs; }, 1);
        Require("Vectorized batch", () => { _vectorized.ComputeBatch(_problem.Queries, _batchOutput); return _batchOutput; }, BatchSize);
        Require("OnnxRuntime batch", () => { _onnx.Run(_onnxBatch); return _onnxBatch.Outputs; }, BatchSize);
    }

    private void Require(string name, Func<float[]> run, int queryCount)
    {
        double error = ReferenceAttention.MaxScaledError(_problem, run(), queryCount);
        if (!(error <= Tolerance))
        {
            throw new InvalidOperationException($"{name} {Size}: max |o - o_ref| / max |V| = {error:g3} exceeds {Tolerance:g3}");
        }
        if (!Quiet)
        {
            Console.WriteLine($"// A3Gen check: {name} {Size}: max |o - o_ref| / max |V| = {error:g3} (tolerance {Tolerance:g1})");
        }
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _onnxSingle.Dispose();
        _onnxBatch.Dispose();
        _onnx.Dispose();
    }

    [Benchmark(Description = "Vectorized")]
    public void Vectorized() => _vectorized.Compute(_query, _output);

    [Benchmark(Description = "TensorPrimitives")]
    public void TensorPrimitivesPerRow() => _primitives.Compute(_query, _output);

    [Benchmark(Description = "OnnxRuntime")]
    public void OnnxRuntime() => _onnx.Run(_onnxSingle);

    [Benchmark(Description = "Vectorized batch", OperationsPerInvoke = BatchSize)]
    public void VectorizedBatch() => _vectorized.ComputeBatch(_problem.Queries, _batchOutput);

    [Benchmark(Description = "OnnxRuntime batch", OperationsPerInvoke = BatchSize)]
    public void OnnxRuntimeBatch() => _onnx.Run(_onnxBatch);
}
