using Google.Protobuf;
using Microsoft.ML.OnnxRuntime;
using Onnx;

namespace A3Gen.Benchmarks;

/// <summary>
/// Attention o = softmax(q K^T) V as an ONNX graph, MatMul(q, Kt) -> Softmax(axis -1) -> MatMul(w, V),
/// built in memory with the ONNX protobuf messages of the OnnxSharp package (generated from onnx.proto)
/// and run by ONNX Runtime on the CPU execution provider. K^T (d x n) and V (n x d) are initializers,
/// so ONNX Runtime may pre-pack them once, as the accelerator loads K and V once. q is [m, d] with a
/// symbolic m. Each query shape gets an <see cref="OrtIoBinding"/> over preallocated input and
/// output buffers, so <see cref="Run(Binding)"/> is the inference only: no allocation, no copying
/// of results into managed tensors.
/// </summary>
public sealed class OnnxAttention : IDisposable
{
    public const string QueryName = "q";
    public const string OutputName = "o";

    private readonly SessionOptions _options;
    private readonly InferenceSession _session;
    private readonly RunOptions _runOptions = new();

    public int Rows { get; }
    public int Dimension { get; }
    public int IntraOpThreads { get; }

    public OnnxAttention(ReadOnlySpan<float> keys, ReadOnlySpan<float> values, int rows, int dimension, int intraOpThreads = 1)
    {
        if (keys.Length != rows * dimension || values.Length != rows * dimension)
        {
            throw new ArgumentException($"K and V must hold n x d = {rows} x {dimension} elements");
        }
        Rows = rows;
        Dimension = dimension;
        IntraOpThreads = intraOpThreads;
        _options = new SessionOptions
        {
            GraphOptimizationLevel = GraphOptimizationLevel.ORT_ENABLE_ALL,
            ExecutionMode = ExecutionMode.ORT_SEQUENTIAL,
            IntraOpNumThreads = intraOpThreads,
            InterOpNumThreads = 1,
        };
        _session = new InferenceSession(BuildModel(keys, values, rows, dimension).ToByteArray(), _options);
    }

    /// <summary>The ONNX model (opset 17, IR version 8) with K^T and V as float initializers.</summary>
    public static ModelProto BuildModel(ReadOnlySpan<float> keys, ReadOnlySpan<float> values, int rows, int dimension)
    {
        var keysT = new float[rows * dimension];
        for (int i = 0; i < rows; i++)
        {
            for (int j = 0; j < dimension; j++)
            {
                keysT[(j * rows) + i] = keys[(i * dimension) + j];
            }
        }
        var graph = new GraphProto { Name = "attention" };
        graph.Input.Add(FloatTensor(QueryName, new TensorShapeProto.Types.Dimension { DimParam = "m" }, Dim(dimension)));
        graph.Output.Add(FloatTensor(OutputName, new TensorShapeProto.Types.Dimension { DimParam = "m" }, Dim(dimension)));
        graph.Initializer.Add(Initializer("Kt", keysT, dimension, rows));
        graph.Initializer.Add(Initializer("V", values, rows, dimension));
        graph.Node.Add(Node("MatMul", "scores", [QueryName, "Kt"], ["s"]));
        var softmax = Node("Softmax", "softmax", ["s"], ["w"]);
        softmax.Attribute.Add(new AttributeProto { Name = "axis", Type = AttributeProto.Types.AttributeType.Int, I = -1 });
        graph.Node.Add(softmax);
        graph.Node.Add(Node("MatMul", "output", ["w", "V"], [OutputName]));
        var model = new ModelProto
        {
            IrVersion = (long)Onnx.Version.IrVersion2021730,
            ProducerName = "A3Gen.Benchmarks",
            Graph = graph,
        };
        model.OpsetImport.Add(new OperatorSetIdProto { Domain = "", Version = 17 });
        return model;
    }

    private static TensorShapeProto.Types.Dimension Dim(long value) => new() { DimValue = value };

    private static ValueInfoProto FloatTensor(string name, params TensorShapeProto.Types.Dimension[] dims)
    {
        var shape = new TensorShapeProto();
        shape.Dim.Add(dims);
        return new ValueInfoProto
        {
            Name = name,
            Type = new TypeProto { TensorType = new TypeProto.Types.Tensor { ElemType = (int)TensorProto.Types.DataType.Float, Shape = shape } },
        };
    }

    private static TensorProto Initializer(string name, ReadOnlySpan<float> data, long dim0, long dim1)
    {
        var tensor = new TensorProto { Name = name, DataType = (int)TensorProto.Types.DataType.Float };
        tensor.Dims.Add([dim0, dim1]);
        tensor.FloatData.Add(data.ToArray());
        return tensor;
    }

    private static NodeProto Node(string op, string name, string[] inputs, string[] outputs)
    {
        var node = new NodeProto { OpType = op, Name = name };
        node.Input.Add(inputs);
        node.Output.Add(outputs);
        return node;
    }

    /// <summary>An IO binding of m queries: write q into <see cref="Binding.Queries"/>, run, read <see cref="Binding.Outputs"/>.</summary>
    public Binding Bind(int queryCount) => new(_session, queryCount, Dimension);

    public void Run(Binding binding) => _session.RunWithBinding(_runOptions, binding.IoBinding);

    public void Dispose()
    {
        _session.Dispose();
        _options.Dispose();
        _runOptions.Dispose();
    }

    public sealed class Binding : IDisposable
    {
        private readonly OrtValue _query;
        private readonly OrtValue _output;

        public float[] Queries { get; }
        public float[] Outputs { get; }
        internal OrtIoBinding IoBinding { get; }

        internal Binding(InferenceSession session, int queryCount, int dimension)
        {
            Queries = new float[queryCount * dimension];
            Outputs = new float[queryCount * dimension];
            long[] shape = [queryCount, dimension];
            // Both OrtValues pin the managed arrays for their lifetime: ONNX Runtime reads q from and
            // writes o into them directly.
            _query = OrtValue.CreateTensorValueFromMemory(Queries, shape);
            _output = OrtValue.CreateTensorValueFromMemory(Outputs, shape);
            IoBinding = session.CreateIoBinding();
            IoBinding.BindInput(QueryName, _query);
            IoBinding.BindOutput(OutputName, _output);
        }

        public void Dispose()
        {
            IoBinding.Dispose();
            _query.Dispose();
            _output.Dispose();
        }
    }
}
