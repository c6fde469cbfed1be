using A3Gen.Configuration;
using CsCheck;
using Newtonsoft.Json;
using Newtonsoft.Json.Linq;

namespace A3Gen.Tests;

/// <summary>
/// Random invalid configurations and malformed configuration, data and trace files through the command line:
/// the exit code, exactly one line on stderr that names the field or the position, no stack trace, and nothing
/// written or overwritten.
/// </summary>
public class FuzzInputTests
{
    /// <summary>A bad input: the file text, and a fragment the one-line error must contain (a field name or "line ").</summary>
    public sealed record BadInput(string Text, string Names, string Kind);

    private static (int Code, string Out, string Err) Run(params string[] args)
    {
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        int code = Cli.Cli.Run(args, stdout, stderr);
        return (code, stdout.ToString(), stderr.ToString());
    }

    /// <summary>One line, "a3gen: error: ...", naming what it must, no stack trace, no internal error.</summary>
    private static void AssertOneLine(string stderr, string names, string context)
    {
        var lines = stderr.Replace("\r\n", "\n").TrimEnd('\n').Split('\n');
        Assert.True(lines.Length == 1, $"{context}: {lines.Length} lines:\n{stderr}");
        Assert.StartsWith("a3gen: error: ", lines[0]);
        Assert.DoesNotContain("   at ", stderr);
        Assert.Contains(names, lines[0]);
    }

    // ---- syntax: the JSON policy ----

    /// <summary>Breaks valid JSON text at a random place in one of the ways the policy refuses; the error names a line and column.</summary>
    public static Gen<BadInput> Syntax(string json) =>
        from kind in Gen.Int[0, 10]
        from at in Gen.Int[0, int.MaxValue]
        select SyntaxBreak(json, kind, at);

    private static BadInput SyntaxBreak(string json, int kind, int at)
    {
        // Positions just after a value inside an object or array (before ',' or a closing bracket), and the keys.
        var commas = Enumerable.Range(0, json.Length).Where(k => json[k] == ',').ToArray();
        var closers = Enumerable.Range(0, json.Length).Where(k => json[k] is '}' or ']').ToArray();
        var keys = System.Text.RegularExpressions.Regex.Matches(json, "\"([A-Za-z$]+)\":").Select(m => m).ToArray();
        var numbers = System.Text.RegularExpressions.Regex.Matches(json, @"(?<=[:\[,] ?)-?\d+(\.\d+)?(?=[,\]\}])").Select(m => m).ToArray();
        string text = kind switch
        {
            0 => json.Insert(closers[at % closers.Length], ","),                                             // trailing comma
            1 => ReplaceAt(json, keys[at % keys.Length], $"'{keys[at % keys.Length].Groups[1].Value}':"),     // single quotes
            2 => ReplaceAt(json, keys[at % keys.Length], $"{keys[at % keys.Length].Groups[1].Value.TrimStart('$')}:"), // unquoted key
            3 => ReplaceAt(json, numbers[at % numbers.Length], "0x1F"),                                       // hex
            4 => ReplaceAt(json, numbers[at % numbers.Length], "017"),                                        // octal-looking
            5 => ReplaceAt(json, numbers[at % numbers.Length], new[] { "NaN", "Infinity", "-Infinity" }[at % 3]),
            6 => json.Insert(json.IndexOf('{') + 1, keys[at % keys.Length].Value + " 1, "),                    // duplicate key
            7 => json[..(1 + (at % (json.Length - 1)))],                                                       // truncated
            8 => json + new[] { " x", " {}", " 1", "," }[at % 4],                                              // a second value
            9 => ReplaceAt(json, numbers[at % numbers.Length], "1e999"),                                      // beyond double
            _ => commas.Length > 0 ? json.Remove(commas[at % commas.Length], 1) : json + "}",                  // a missing comma
        };
        return new BadInput(text, "line ", $"syntax {kind}");
    }

    private static string ReplaceAt(string text, System.Text.RegularExpressions.Match m, string with) =>
        text[..m.Index] + with + text[(m.Index + m.Length)..];

    // ---- configurations ----

    private static readonly string[] BadNames = ["a\n", "a\r\n", "A3", "3a", "a-", "a_b", "", "a b", "é", "a\t", new string('a', 33), "-a", "a.b"];

    /// <summary>A valid configuration with one thing broken: a value out of range, of the wrong type, a bad name, an unknown or missing field.</summary>
    public static Gen<BadInput> BadConfig { get; } =
        from config in Fuzz.ValidConfig(smallRows: 64, maxRows: 256, smallDimension: 8, maxDimension: 32)
        from kind in Gen.Int[0, 5]
        from pick in Gen.Int[0, int.MaxValue]
        select BreakConfig(config, kind, pick);

    private static BadInput BreakConfig(A3Config config, int kind, int pick)
    {
        var obj = Fuzz.Json(config);
        var ranges = A3Config.FieldRanges.ToArray();
        var (field, (min, max)) = (ranges[pick % ranges.Length].Key, ranges[pick % ranges.Length].Value);
        switch (kind)
        {
            case 0:
                {
                    string[] values = [$"{(long)min - 1}", $"{(long)max + 1}", "99999999999", "-99999999999", "123456789012345678901234567890", "-9223372036854775809", $"{int.MaxValue + 1L}"];
                    var value = values[(pick / ranges.Length) % values.Length];
                    if (field == "scanWidth" && value == $"{(long)max + 1}")
                    {
                        value = "512";
                    }
                    obj[field] = JToken.Parse(value);
                    return new BadInput(obj.ToString(), field, "out of range");
                }
            case 1:
                {
                    string[] values = ["1.5", "\"4\"", "true", "[]", "{}", "1e2", "-0.5"];
                    obj[field] = JToken.Parse(values[(pick / ranges.Length) % values.Length]);
                    return new BadInput(obj.ToString(), field, "wrong type");
                }
            case 2:
                obj["name"] = BadNames[pick % BadNames.Length];
                return new BadInput(obj.ToString(), "name", "bad name");
            case 3:
                {
                    string[] fields = ["bogus", "MaxRows", "max_rows", "maxrows", "reset2", " name"];
                    var bogus = fields[pick % fields.Length];
                    obj[bogus] = 1;
                    return new BadInput(obj.ToString(), $"'{bogus}'", "unknown field");
                }
            case 4:
                {
                    var required = A3Config.RequiredFields[pick % A3Config.RequiredFields.Count];
                    if (pick % 2 == 0)
                    {
                        obj.Remove(required);
                    }
                    else
                    {
                        obj[required] = JValue.CreateNull();
                    }
                    return new BadInput(obj.ToString(), required, "missing field");
                }
            default:
                obj["reset"] = new[] { "async-high", "", "ASYNC-LOW", "1" }[pick % 4];
                return new BadInput(obj.ToString(), "reset", "bad reset");
        }
    }

    private static Gen<BadInput> AnyBadConfig { get; } = Gen.OneOf(
        BadConfig,
        from config in Fuzz.ValidConfig(smallRows: 64, maxRows: 256, smallDimension: 8, maxDimension: 32)
        from bad in Syntax(Fuzz.Json(config).ToString())
        select bad);

    [Fact]
    public void InvalidConfigurationsAreRefusedInOneLineAndWriteNothing()
    {
        long count = 0;
        AnyBadConfig.Sample(bad =>
        {
            var dir = TestSupport.TempDir("fuzz-config");
            var path = Path.Combine(dir, "config.json");
            File.WriteAllText(path, bad.Text);
            // Half the time the output folder exists already: it must survive unchanged.
            var outDir = Path.Combine(dir, "out");
            bool existing = bad.Text.Length % 2 == 0;
            if (existing)
            {
                Directory.CreateDirectory(outDir);
                File.WriteAllText(Path.Combine(outDir, "keep.v"), "// keep\n");
            }
            var (code, stdout, stderr) = Run("generate", "--config", path, "--out", outDir);
            Assert.True(code == 2, $"{bad.Kind}: exit code {code}, stderr: {stderr}");
            Assert.Equal("", stdout);
            AssertOneLine(stderr, bad.Names, bad.Kind);
            Assert.StartsWith("a3gen: error: configuration: ", stderr);
            if (existing)
            {
                Assert.Equal(["keep.v"], Directory.GetFiles(outDir).Select(Path.GetFileName));
            }
            else
            {
                Assert.False(Directory.Exists(outDir));
            }
            Assert.Equal(existing ? 2 : 1, Directory.GetFileSystemEntries(dir).Length);
            Directory.Delete(dir, true);
            Interlocked.Increment(ref count);
        }, seed: Fuzz.Seed, iter: 150L * Fuzz.Scale, threads: 1, print: b => $"{b.Kind}: {JsonConvert.ToString(b.Text)}");
        Fuzz.Count("invalid configurations refused through the CLI", count);
    }

    // ---- data files (simulate) and traces (explore) ----

    /// <summary>A valid data file for a3-small (N = 16, d = 4, s9.4) with random rows and query forms.</summary>
    public static Gen<JObject> ValidData { get; } =
        from rows in Gen.Int[1, 16]
        from queries in Gen.Int[1, 4]
        from seed in Gen.Int[0, int.MaxValue]
        select MakeData(rows, queries, seed);

    private static JObject MakeData(int rows, int queries, int seed)
    {
        var rng = new Random(seed);
        JArray Row() => new(Enumerable.Range(0, 4).Select(_ => Math.Round((rng.NextDouble() * 30) - 15, 2)));
        JToken Query()
        {
            if (rng.Next(2) == 0)
            {
                return Row();
            }
            var q = new JObject { ["q"] = Row() };
            if (rng.Next(2) == 0)
            {
                q["mode"] = rng.Next(2) == 0 ? "approx" : "exact";
            }
            if (rng.Next(2) == 0)
            {
                q["iterations"] = rng.Next(0, 129);
            }
            if (rng.Next(2) == 0)
            {
                q["thresholdPercent"] = new[] { 1, 2.5, 5, 10, 100 }[rng.Next(5)];
            }
            return q;
        }
        return new JObject
        {
            ["keys"] = new JArray(Enumerable.Range(0, rows).Select(_ => Row())),
            ["values"] = new JArray(Enumerable.Range(0, rows).Select(_ => Row())),
            ["queries"] = new JArray(Enumerable.Range(0, queries).Select(_ => Query())),
        };
    }

    /// <summary>A valid data file with one thing broken; the error must name the matrix, row and column, or the query's field.</summary>
    public static Gen<BadInput> BadData { get; } = Gen.OneOf(
        from data in ValidData
        from kind in Gen.Int[0, 9]
        from pick in Gen.Int[0, int.MaxValue]
        select BreakData(data, kind, pick),
        from data in ValidData
        from bad in Syntax(data.ToString(Formatting.None))
        select bad);

    private static BadInput BreakData(JObject data, int kind, int pick)
    {
        string[] matrices = ["keys", "values"];
        var matrix = matrices[pick % 2];
        var rows = (JArray)data[matrix]!;
        int r = pick % rows.Count, c = (pick / 7) % 4;
        var queries = (JArray)data["queries"]!;
        int k = pick % queries.Count;
        switch (kind)
        {
            case 0:
                rows[r]![c] = JToken.Parse(new[] { "\"x\"", "null", "true", "[]", "{}" }[pick % 5]);
                return new BadInput(data.ToString(), $"{matrix}[{r}][{c}]", "not a number");
            case 1:
                ((JArray)rows[r]!).Add(1);
                return new BadInput(data.ToString(), $"{matrix}[{r}]", "long row");
            case 2:
                rows[r]![c] = new[] { 40, -17, 1e6, 16 }[pick % 4];
                return new BadInput(data.ToString(), $"{matrix}[{r}][{c}]", "out of the format");
            case 3:
                queries[k] = new JObject { ["q"] = new JArray(0, 0, 0, 0), ["mode"] = "approx", ["iterations"] = JToken.Parse(new[] { "129", "-1", "99999999999", "123456789012345678901234567890", "1.5", "\"8\"" }[pick % 6]) };
                return new BadInput(data.ToString(), $"queries[{k}].iterations", "bad iterations");
            case 4:
                queries[k] = new JObject { ["q"] = new JArray(0, 0, 0, 0), ["mode"] = "approx", ["thresholdPercent"] = JToken.Parse(new[] { "0", "-1", "100.5", "\"5\"", "1e300" }[pick % 5]) };
                return new BadInput(data.ToString(), $"queries[{k}].thresholdPercent", "bad threshold");
            case 5:
                queries[k] = new JObject { ["q"] = new JArray(0, 0, 0, 0), ["mode"] = JToken.Parse(new[] { "\"fast\"", "1", "true", "\"APPROX\"" }[pick % 4]) };
                return new BadInput(data.ToString(), $"queries[{k}].mode", "bad mode");
            case 6:
                queries[k] = new JObject { ["q"] = new JArray(0, 0, 0, 0), ["m"] = 3 };
                return new BadInput(data.ToString(), $"queries[{k}]", "unknown query field");
            case 7:
                {
                    var field = new[] { "keys", "values", "queries" }[pick % 3];
                    if (pick % 2 == 0)
                    {
                        data.Remove(field);
                    }
                    else
                    {
                        data[field] = JValue.CreateNull();
                    }
                    return new BadInput(data.ToString(), $"'{field}'", "missing field");
                }
            case 8:
                data["extra"] = 1;
                return new BadInput(data.ToString(), "'extra'", "unknown field");
            default:
                queries[k] = new JArray(0, 0, 0);
                return new BadInput(data.ToString(), $"queries[{k}]", "short query");
        }
    }

    [Fact]
    public void MalformedDataFilesAreRefusedInOneLineAndOverwriteNothing()
    {
        var config = Path.Combine(TestSupport.RepoRoot, "configs", "a3-small.json");
        long count = 0;
        BadData.Sample(bad =>
        {
            var dir = TestSupport.TempDir("fuzz-data");
            var path = Path.Combine(dir, "data.json");
            File.WriteAllText(path, bad.Text);
            var outFile = Path.Combine(dir, "result.json");
            bool existing = bad.Text.Length % 2 == 0;
            if (existing)
            {
                File.WriteAllText(outFile, "{}\n");
            }
            var (code, stdout, stderr) = Run("simulate", "--config", config, "--data", path, "--simulator", "model", "--out", outFile);
            Assert.True(code == 1, $"{bad.Kind}: exit code {code}, stderr: {stderr}");
            Assert.Equal("", stdout);
            AssertOneLine(stderr, bad.Names, bad.Kind);
            Assert.Equal(existing ? "{}\n" : null, File.Exists(outFile) ? File.ReadAllText(outFile) : null);
            Assert.Equal(existing ? 2 : 1, Directory.GetFileSystemEntries(dir).Length);
            Directory.Delete(dir, true);
            Interlocked.Increment(ref count);
        }, seed: Fuzz.Seed, iter: 150L * Fuzz.Scale, threads: 1, print: b => $"{b.Kind}: {JsonConvert.ToString(b.Text)}");
        Fuzz.Count("malformed data files refused through the CLI (simulate)", count);
    }

    [Fact]
    public void MalformedTracesAreRefusedInOneLineAndWriteNothing()
    {
        // The trace reader reads the same format with the same parser: every break but a value outside the input
        // format (a trace is in reals) and a whole short row is refused by explore before it writes anything.
        var config = Path.Combine(TestSupport.RepoRoot, "configs", "a3-small.json");
        long count = 0;
        BadData.Where(b => b.Kind is not ("out of the format" or "bad iterations" or "bad threshold" or "bad mode" or "short query"))
            .Sample(bad =>
            {
                var dir = TestSupport.TempDir("fuzz-trace");
                var path = Path.Combine(dir, "trace.json");
                File.WriteAllText(path, bad.Text);
                var outDir = Path.Combine(dir, "out");
                var (code, stdout, stderr) = Run("explore", "--config", config, "--trace", path, "--no-area", "--cosim-sample", "0", "--out", outDir);
                Assert.True(code == 1, $"{bad.Kind}: exit code {code}, stderr: {stderr}");
                Assert.Equal("", stdout);
                AssertOneLine(stderr, bad.Names.Replace("queries[", "queries[", StringComparison.Ordinal), bad.Kind);
                Assert.False(Directory.Exists(outDir));
                Directory.Delete(dir, true);
                Interlocked.Increment(ref count);
            }, seed: Fuzz.Seed, iter: 60L * Fuzz.Scale, threads: 1, print: b => $"{b.Kind}: {JsonConvert.ToString(b.Text)}");
        Fuzz.Count("malformed traces refused through the CLI (explore)", count);
    }

    // ---- command-line numbers ----

    public static Gen<(string[] Args, string Names)> BadOptions { get; } =
        from kind in Gen.Int[0, 5]
        from value in Gen.OneOf<string>(
            Gen.OneOf<string>("99999999999", "-99999999999", "1e3", "x", "", "1,,2", "NaN", "-1", "0", "101", "1.5", "2147483648", "1..2", ",", " "),
            Gen.Long.Select(l => l.ToString(System.Globalization.CultureInfo.InvariantCulture) + "0"))
        select MakeOptions(kind, value);

    private static (string[] Args, string Names) MakeOptions(int kind, string value)
    {
        var config = Path.Combine(TestSupport.RepoRoot, "configs", "a3-small.json");
        var data = Path.Combine(TestSupport.RepoRoot, "testbenches", "data", "a3-small-example.json");
        return kind switch
        {
            0 => (["simulate", "--config", config, "--data", data, "--simulator", "model", "--mode", "approx", "--iterations", value], "--iterations"),
            1 => (["simulate", "--config", config, "--data", data, "--simulator", "model", "--mode", "approx", "--threshold-percent", value], "--threshold-percent"),
            2 => (["explore", "--config", config, "--trace", data, "--no-area", "--cosim-sample", "0", "--iterations", value + ",n/2"], "--iterations"),
            3 => (["explore", "--config", config, "--trace", data, "--no-area", "--cosim-sample", "0", "--threshold-percent", "5," + value], "--threshold-percent"),
            4 => (["explore", "--config", config, "--trace", data, "--no-area", "--cosim-sample", value], "--cosim-sample"),
            _ => (["explore", "--config", config, "--trace", data, "--no-area", "--cosim-sample", "0", "--queries-per-instance", value], "--queries-per-instance"),
        };
    }

    [Fact]
    public void BadOptionValuesAreRefusedInOneLine()
    {
        long count = 0;
        BadOptions.Sample(t =>
        {
            var outDir = Path.Combine(TestSupport.TempDir("fuzz-options"), "out");
            var (code, stdout, stderr) = Run([.. t.Args, "--out", outDir]);
            if (code == 0)
            {
                // Some values are valid for some options (0 for --cosim-sample, "-1" nowhere): then the run must have worked.
                Assert.Equal("", stderr.Replace("\r\n", "\n").Split('\n').FirstOrDefault(l => l.StartsWith("a3gen: error", StringComparison.Ordinal)) ?? "");
                return;
            }
            Assert.True(code == 1, $"exit code {code}, stderr: {stderr}");
            AssertOneLine(stderr, t.Names, string.Join(' ', t.Args));
            Assert.False(Directory.Exists(outDir));
            Interlocked.Increment(ref count);
        }, seed: Fuzz.Seed, iter: 40L * Fuzz.Scale, threads: 1, print: t => string.Join(' ', t.Args));
        Fuzz.Count("bad option values refused through the CLI", count);
    }
}
