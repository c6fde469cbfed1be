using Onnx;

namespace A3Gen.Capture;

/// <summary>The tensors of one self-attention layer that the capture exposes as graph outputs.</summary>
/// <param name="Query">Q split into heads, [batch, heads, tokens, dh]: the left input of the score MatMul.</param>
/// <param name="KeyTransposed">K^T split into heads, [batch, heads, dh, tokens]: the right input of the score MatMul.</param>
/// <param name="Value">V split into heads, [batch, heads, tokens, dh]: the right input of the MatMul after the softmax.</param>
/// <param name="Softmax">The softmax output, [batch, heads, tokens, tokens].</param>
/// <param name="Scale">The divisor the model applies to Q K^T (sqrt(dh) for BERT), read from the graph.</param>
public sealed record LayerTaps(int Layer, string Query, string KeyTransposed, string Value, string Softmax, float Scale);

/// <summary>
/// Finds each self-attention layer in a BERT-style ONNX graph as exported by PyTorch
/// (MatMul(Q, K^T) -> Div(scale) -> Add(mask) -> Softmax -> MatMul(., V)) and adds its Q, K^T, V
/// and softmax tensors to the graph's outputs, so that ONNX Runtime returns them. The layer's Q, K
/// and V are confirmed by the names of the projection biases they descend from
/// (<c>encoder.layer.L.attention.self.query.bias</c> and so on).
/// </summary>
public static class AttentionTaps
{
    public static IReadOnlyList<LayerTaps> Find(GraphProto graph)
    {
        var producer = new Dictionary<string, NodeProto>(StringComparer.Ordinal);
        foreach (var node in graph.Node)
        {
            foreach (var output in node.Output)
            {
                producer[output] = node;
            }
        }
        var consumers = graph.Node
            .SelectMany(n => n.Input.Select(i => (Input: i, Node: n)))
            .ToLookup(t => t.Input, t => t.Node, StringComparer.Ordinal);
        var layers = new List<LayerTaps>();
        foreach (var softmax in graph.Node.Where(n => n.OpType == "Softmax"))
        {
            int layer = layers.Count;
            var add = Producer(softmax.Input[0], "Add");
            var div = Producer(add.Input[0], "Div");
            var scores = Producer(div.Input[0], "MatMul");
            var weighted = consumers[softmax.Output[0]].SingleOrDefault(n => n.OpType == "MatMul")
                ?? throw Unexpected($"softmax '{softmax.Name}' does not feed a MatMul");
            var taps = new LayerTaps(layer, scores.Input[0], scores.Input[1], weighted.Input[1], softmax.Output[0], ScaleOf(div.Input[1]));
            Confirm(taps.Query, $"encoder.layer.{layer}.attention.self.query.");
            Confirm(taps.KeyTransposed, $"encoder.layer.{layer}.attention.self.key.");
            Confirm(taps.Value, $"encoder.layer.{layer}.attention.self.value.");
            layers.Add(taps);
        }
        if (layers.Count == 0)
        {
            throw Unexpected("no Softmax node");
        }
        return layers;

        NodeProto Producer(string tensor, string opType) =>
            producer.TryGetValue(tensor, out var node) && node.OpType == opType
                ? node
                : throw Unexpected($"tensor '{tensor}' is not the output of a {opType} node");

        float ScaleOf(string tensor)
        {
            if (!producer.TryGetValue(tensor, out var node) || node.OpType != "Constant")
            {
                throw Unexpected($"the score divisor '{tensor}' is not a Constant");
            }
            var value = node.Attribute.Single(a => a.Name == "value").T;
            if (value.DataType != (int)TensorProto.Types.DataType.Float)
            {
                throw Unexpected($"the score divisor '{tensor}' is not a float");
            }
            return value.RawData.Length == 4 ? BitConverter.ToSingle(value.RawData.Span) : value.FloatData.Single();
        }

        // Walks up to eight nodes back from the tensor and requires an input whose name starts with the prefix.
        void Confirm(string tensor, string prefix)
        {
            var frontier = new List<string> { tensor };
            for (int depth = 0; depth < 8 && frontier.Count > 0; depth++)
            {
                var next = new List<string>();
                foreach (var t in frontier)
                {
                    if (t.StartsWith(prefix, StringComparison.Ordinal))
                    {
                        return;
                    }
                    if (producer.TryGetValue(t, out var node))
                    {
                        next.AddRange(node.Input);
                    }
                }
                frontier = next;
            }
            throw Unexpected($"tensor '{tensor}' does not descend from '{prefix}*'");
        }
    }

    /// <summary>Adds the taps' tensors to the graph outputs (name only: ONNX Runtime infers type and shape).</summary>
    public static void Expose(GraphProto graph, IEnumerable<LayerTaps> layers)
    {
        var existing = graph.Output.Select(o => o.Name).ToHashSet(StringComparer.Ordinal);
        foreach (var taps in layers)
        {
            foreach (var name in new[] { taps.Query, taps.KeyTransposed, taps.Value, taps.Softmax })
            {
                if (existing.Add(name))
                {
                    graph.Output.Add(new ValueInfoProto { Name = name });
                }
            }
        }
    }

    private static UserException Unexpected(string what) =>
        new($"the ONNX model's attention is not laid out as expected (MatMul -> Div -> Add -> Softmax -> MatMul): {what}");
}
