using A3Gen.Cli;
using A3Gen.Elaboration;
using A3Gen.Model;
using Newtonsoft.Json.Linq;

namespace A3Gen.Tests;

public class CliTests
{
    private static (int Code, string Out, string Err) Run(params string[] args)
    {
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        int code = Cli.Cli.Run(args, stdout, stderr);
        return (code, stdout.ToString(), stderr.ToString());
    }

    private static string Config(string name) => Path.Combine(TestSupport.RepoRoot, "configs", name + ".json");

    private static string WriteTemp(string text, string ext = ".json")
    {
        var path = Path.Combine(TestSupport.TempDir("cli"), "file" + ext);
        File.WriteAllText(path, text);
        return path;
    }

    [Fact]
    public void GenerateWritesTheOutputFolder()
    {
        var outDir = Path.Combine(TestSupport.TempDir("gen"), "out");
        var (code, stdout, stderr) = Run("generate", "--config", Config("a3-small"), "--out", outDir);
        Assert.Equal(0, code);
        Assert.Equal("", stderr);
        Assert.Contains("a3-small: wrote 21 files", stdout);
        Assert.True(File.Exists(Path.Combine(outDir, "a3_small_top.v")));
        Assert.True(File.Exists(Path.Combine(outDir, "manifest.json")));
    }

    [Fact]
    public void SynthRejectsAnUnknownTargetInOneLine()
    {
        var outDir = Path.Combine(TestSupport.TempDir("synth-bad"), "out");
        var (code, stdout, stderr) = Run("synth", "--config", Config("a3-small"), "--target", "asic40", "--out", outDir);
        Assert.Equal(1, code);
        Assert.Equal("", stdout);
        Assert.Single(stderr.Trim().Split('\n'));
        Assert.StartsWith("a3gen: error: ", stderr);
        Assert.Contains("asic40", stderr);
        Assert.False(Directory.Exists(outDir));
    }

    [Fact]
    public void BadConfigurationIsOneLineAndWritesNothing()
    {
        var bad = WriteTemp("""{"name": "bad", "maxRows": 0, "dimension": 4, "integerBits": 4, "fractionBits": 4}""");
        var outDir = Path.Combine(Path.GetDirectoryName(bad)!, "out");
        var (code, stdout, stderr) = Run("generate", "--config", bad, "--out", outDir);
        Assert.Equal(2, code);
        Assert.Equal("", stdout);
        Assert.Equal("a3gen: error: configuration: maxRows = 0 is out of range 1..4096\n", stderr.Replace("\r\n", "\n"));
        Assert.False(Directory.Exists(outDir));
        Assert.Single(Directory.GetFileSystemEntries(Path.GetDirectoryName(bad)!));
    }

    [Fact]
    public void ExistingOutputSurvivesAFailedGeneration()
    {
        var outDir = Path.Combine(TestSupport.TempDir("keep"), "out");
        Assert.Equal(0, Run("generate", "--config", Config("a3-small"), "--out", outDir).Code);
        var before = Directory.GetFiles(outDir).Select(File.ReadAllText).ToArray();
        var bad = WriteTemp("""{"name": "a3-small", "maxRows": 16, "dimension": 4, "integerBits": 4, "fractionBits": 4, "dividerLatency": 0}""");
        Assert.Equal(2, Run("generate", "--config", bad, "--out", outDir).Code);
        Assert.Equal(before, Directory.GetFiles(outDir).Select(File.ReadAllText).ToArray());
    }

    [Theory]
    [InlineData(new[] { "bogus" }, "a3gen: error: Unrecognized command or argument 'bogus'.")]
    [InlineData(new[] { "simulate" }, "a3gen: error: Option '--data' is required. (see 'a3gen simulate --help')")]
    public void ParseErrorsAreOneLine(string[] args, string start)
    {
        var (code, _, stderr) = Run(args);
        Assert.Equal(1, code);
        Assert.StartsWith(start, stderr);
        Assert.Single(stderr.TrimEnd('\n').Split('\n'));
    }

    [Fact]
    public void SimulateOnTheModelPrintsTheResultsAndThePredictedCycles()
    {
        var design = TestSupport.ShippedDesign("a3-small");
        var data = Path.Combine(TestSupport.RepoRoot, "testbenches", "data", "a3-small-example.json");
        var (code, stdout, stderr) = Run("simulate", "--config", Config("a3-small"), "--data", data, "--simulator", "model");
        Assert.True(code == 0, stderr);
        var json = JObject.Parse(stdout);
        Assert.Equal("a3-small", (string?)json["config"]);
        Assert.Equal("model", (string?)json["simulator"]);
        var file = JObject.Parse(File.ReadAllText(data));
        int n = ((JArray)file["keys"]!).Count;
        Assert.Equal(design.MeanInterval(n), (double)json["cyclesPerQuery"]!);
        var queries = (JArray)json["queries"]!;
        Assert.Equal(((JArray)file["queries"]!).Count, queries.Count);
        Assert.Equal(design.Latency(n), (int)queries[0]["latencyCycles"]!);
        // The JSON's raw outputs are the golden model's on the rounded inputs, and output = raw / 2^Fo.
        long[][] Raw(string name) => ((JArray)file[name]!).Select(r => r.Select(v => (long)Math.Round((double)v * 16)).ToArray()).ToArray();
        var model = new GoldenModel(design);
        for (int k = 0; k < queries.Count; k++)
        {
            var expected = model.Run(Raw("keys"), Raw("values"), Raw("queries")[k], n);
            Assert.Equal(expected.OutputRaw, queries[k]["outputRaw"]!.Select(v => (long)v).ToArray());
            Assert.Equal(expected.OutputRaw.Select(design.Output.ToReal), queries[k]["output"]!.Select(v => (double)v));
            Assert.Equal(n, (int)queries[k]["candidates"]!);
            Assert.Equal(n, (int)queries[k]["kept"]!);
            Assert.False((bool)queries[k]["fallback"]!);
        }
    }

    [Theory]
    [InlineData("""{"keys": [[1,2,3]], "values": [[1,2,3,4]], "queries": [[0,0,0,0]]}""", "keys[0] has 3 elements; the configuration's dimension d is 4")]
    [InlineData("""{"keys": [[1,2,3,4]], "values": [[1,2,3,4],[1,2,3,4]], "queries": [[0,0,0,0]]}""", "values has 2 rows but keys has 1; they must match")]
    [InlineData("""{"keys": [[1,2,3,4]], "values": [[1,2,3,4]], "queries": [[0,0,40,0]]}""", "queries[0][2] = 40 does not fit the input format s9.4 (range -16..15.9375); pass --saturate to clamp")]
    [InlineData("""{"keys": [[1,2,3,4]], "values": [[1,2,"x",4]], "queries": [[0,0,0,0]]}""", "values[0][2] = \"x\" is not a number")]
    [InlineData("""{"keys": [[1,2,3,4]], "values": [[1,2,3,4]], "queries": []}""", "queries is empty; give at least one query")]
    [InlineData("""{"keys": [], "values": [], "queries": [[0,0,0,0]]}""", "keys has 0 rows; give at least one")]
    [InlineData("""{"keys": [[1,2,3,4]], "values": [[1,2,3,4]], "queries": [{"q": [0,0,0,0], "mode": "approx", "iterations": 99999999999999999999}]}""", "queries[0].iterations = 99999999999999999999 is out of range 0..128 (the configuration's maxIterations)")]
    [InlineData("""{"keys": [[1,2,3,4]], "values": [[1,2,3,4]], "queries": [[0,0,0,0],]}""", "line 1, column 68: trailing comma (not allowed in JSON)")]
    [InlineData("""{"keys": [[1,2,3,4]], "values": [[1,2,3,4]], "queries": [[0,0,0,Infinity]]}""", "line 1, column 65: 'I' is an invalid start of a value")]
    [InlineData("""{"keys": [[1,2,3,4]], "keys": [[1,2,3,4]], "values": [[1,2,3,4]], "queries": [[0,0,0,0]]}""", "line 1, column 23: duplicate key 'keys'")]
    [InlineData("""{"keys": [[1,2,3,4]], "values": null, "queries": [[0,0,0,0]]}""", "field 'values' is missing")]
    [InlineData("""{"keys": [[1,2,3,4]], "queries": [[0,0,0,0]]}""", "field 'values' is missing")]
    public void DataFileErrorsNameTheMatrixRowAndColumn(string json, string message)
    {
        var path = WriteTemp(json);
        var outFile = Path.Combine(Path.GetDirectoryName(path)!, "result.json");
        var (code, stdout, stderr) = Run("simulate", "--config", Config("a3-small"), "--data", path, "--simulator", "model", "--out", outFile);
        Assert.Equal(1, code);
        Assert.Equal("", stdout);
        Assert.Equal($"a3gen: error: {path}: {message}\n", stderr.Replace("\r\n", "\n"));
        Assert.False(File.Exists(outFile));
    }

    [Fact]
    public void SaturateClampsAndCounts()
    {
        var path = WriteTemp("""{"keys": [[1,2,3,4]], "values": [[100,-100,0.03125,0.09375]], "queries": [[0,0,40,0]]}""");
        var (code, stdout, stderr) = Run("simulate", "--config", Config("a3-small"), "--data", path, "--simulator", "model", "--saturate");
        Assert.True(code == 0, stderr);
        var json = JObject.Parse(stdout);
        Assert.Equal(3, (int)json["saturated"]!);
        // One row: weight 1.0, so the output is V's row as quantized: clamped to the range, 1/32 -> 0 and 3/32 -> 2/16 (ties to even).
        Assert.Equal(new[] { 15.9375, -16, 0, 0.125 }, json["queries"]![0]!["output"]!.Select(v => (double)v));
    }

    [Fact]
    public void SimulateGivesTheSameAnswerOnAllThreeSimulators()
    {
        var data = Path.Combine(TestSupport.RepoRoot, "testbenches", "data", "a3-small-example.json");
        var answers = new[] { "verilator", "icarus", "model" }.Select(sim =>
        {
            var (code, stdout, stderr) = Run("simulate", "--config", Config("a3-small"), "--data", data, "--simulator", sim);
            Assert.True(code == 0, stderr);
            var json = JObject.Parse(stdout);
            Assert.Equal(sim, (string?)json["simulator"]);
            json.Remove("simulator");
            return json;
        }).ToArray();
        Assert.True(JToken.DeepEquals(answers[0], answers[2]), "verilator and model differ");
        Assert.True(JToken.DeepEquals(answers[1], answers[2]), "icarus and model differ");
    }

    [Fact]
    public void SimulateWritesAWaveformOnRequest()
    {
        var data = Path.Combine(TestSupport.RepoRoot, "testbenches", "data", "a3-small-example.json");
        var fst = Path.Combine(TestSupport.TempDir("fst"), "run.fst");
        var (code, _, stderr) = Run("simulate", "--config", Config("a3-small"), "--data", data, "--trace", fst);
        Assert.True(code == 0, stderr);
        Assert.True(new FileInfo(fst).Length > 0);
        var (code2, _, stderr2) = Run("simulate", "--config", Config("a3-small"), "--data", data, "--simulator", "icarus", "--trace", fst);
        Assert.Equal(1, code2);
        Assert.Equal("a3gen: error: --trace needs --simulator verilator\n", stderr2.Replace("\r\n", "\n"));
    }

    [Fact]
    public void NumbersAndPathsTheCommandLineCannotUseAreNamed()
    {
        var data = Path.Combine(TestSupport.RepoRoot, "testbenches", "data", "a3-small-example.json");
        var (code, _, stderr) = Run("simulate", "--config", Config("a3-small"), "--data", data, "--mode", "approx", "--iterations", "99999999999");
        Assert.Equal(1, code);
        Assert.Equal("a3gen: error: --iterations 99999999999 is not an integer in range -2147483648..2147483647 (see 'a3gen simulate --help')\n", stderr.Replace("\r\n", "\n"));
        var folder = TestSupport.TempDir("cli-folder");
        (code, _, stderr) = Run("simulate", "--config", Config("a3-small"), "--data", folder, "--simulator", "model");
        Assert.Equal(1, code);
        Assert.Equal($"a3gen: error: cannot read data file '{folder}': it is a folder\n", stderr.Replace("\r\n", "\n"));
        (code, _, stderr) = Run("generate", "--config", folder, "--out", Path.Combine(folder, "out"));
        Assert.Equal(2, code);
        Assert.Equal($"a3gen: error: configuration: cannot read configuration '{folder}': it is a folder\n", stderr.Replace("\r\n", "\n"));
        (code, _, stderr) = Run("explore", "--config", Config("a3-small"), "--trace", data, "--no-area", "--threshold-percent", "1,,2", "--out", Path.Combine(folder, "out"));
        Assert.Equal(1, code);
        Assert.Equal("a3gen: error: --threshold-percent: '1,,2' has an empty item at position 2 (give e.g. 1,2.5,5,10,20)\n", stderr.Replace("\r\n", "\n"));
        Assert.Empty(Directory.GetFileSystemEntries(folder));
    }

    [Fact]
    public void AnApproximateQueryOfOneRowWithoutIterationsRunsOne()
    {
        // The default M is n / 2 rounded down, at least 1.
        var path = WriteTemp("""{"keys": [[1,2,3,4]], "values": [[1,2,3,4]], "queries": [{"q": [1,0,0,0], "mode": "approx"}, {"q": [1,0,0,0], "mode": "approx", "iterations": null}]}""");
        var (code, stdout, stderr) = Run("simulate", "--config", Config("a3-small"), "--data", path, "--simulator", "model");
        Assert.True(code == 0, stderr);
        Assert.All(JObject.Parse(stdout)["queries"]!, q => Assert.Equal(1, (int)q["iterations"]!));
    }

    [Fact]
    public void LaneCostReadsEachRunsRowAndComparesWithOneLane()
    {
        var shape = A3Gen.Configuration.A3Config.Load(Config("a3-small")) with { Name = "costshape" };
        var root = TestSupport.TempDir("lanecost");
        var configPath = Path.Combine(root, "costshape.json");
        File.WriteAllText(configPath, File.ReadAllText(Config("a3-small")).Replace("\"a3-small\"", "\"costshape\"", StringComparison.Ordinal));
        var outRoot = Path.Combine(root, "runs");
        // Figures of runs done before: cells 1000 P (+ 500 one-pass), so P = 4 three-pass is 4.00x its P = 1.
        foreach (var kind in new[] { A3Gen.Configuration.Softmax.ThreePass, A3Gen.Configuration.Softmax.OnePass })
        {
            foreach (int p in new[] { 1, 2, 4, 8 })
            {
                bool one = kind == A3Gen.Configuration.Softmax.OnePass;
                var config = shape with { Name = $"costshape-{(one ? "onepass" : "threepass")}-p{p}", Lanes = p, Softmax = kind };
                var dir = Directory.CreateDirectory(Path.Combine(outRoot, config.Name + "-generic")).FullName;
                File.WriteAllText(Path.Combine(dir, "config.json"), config.ToCanonicalJson());
                var row = new LaneCost.Figures((1000 * p) + (one ? 500 : 0), 100 * p, 7000 * p, 4000, 0, 0, 0, 0, 1);
                File.WriteAllText(Path.Combine(dir, "row.json"), Newtonsoft.Json.JsonConvert.SerializeObject(row));
            }
        }
        var (code, stdout, stderr) = Run("bench", "--config", configPath, "--lanes-cost", "--cost-out", outRoot);
        Assert.Equal("", stderr);
        Assert.Equal(0, code);
        var rows = stdout.Split('\n').Where(l => l.StartsWith("| three-pass |", StringComparison.Ordinal) || l.StartsWith("| one-pass |", StringComparison.Ordinal)).ToArray();
        Assert.Equal(8, rows.Length);
        var three4 = new Design(shape with { Lanes = 4 });
        var three1 = new Design(shape);
        int n = shape.MaxRows;
        string interval = three4.MeanInterval(n).ToString("0.#", System.Globalization.CultureInfo.InvariantCulture);
        string gain = (three1.MeanInterval(n) / three4.MeanInterval(n)).ToString("0.00", System.Globalization.CultureInfo.InvariantCulture);
        Assert.Equal($"| three-pass | 4 | {three4.Latency(n)} / {interval} | {gain}x | 4,000 | 400 | 0.03 M | 4.00x | 4,000 |", rows[2]);
        Assert.StartsWith("| one-pass | 8 |", rows[7]);
        Assert.EndsWith("| 8,500 | 800 | 0.06 M | 5.67x | 4,000 |", rows[7]);
    }
}
