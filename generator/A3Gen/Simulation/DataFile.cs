using System.Globalization;
using System.Numerics;
using A3Gen.Configuration;
using A3Gen.Elaboration;
using A3Gen.Model;
using Newtonsoft.Json;
using Newtonsoft.Json.Linq;

namespace A3Gen.Simulation;

/// <summary>
/// How queries of a data file run when they do not say: exact or approximate, M and T. Null M means
/// floor(n / 2), at least 1, and null T 5%: the paper's conservative setting.
/// </summary>
public sealed record QueryDefaults(bool Approximate = false, int? Iterations = null, double? ThresholdPercent = null)
{
    public static QueryDefaults Exact { get; } = new();

    /// <summary>The default M for n rows: floor(n / 2), at least 1 (so n = 1 runs one iteration).</summary>
    public static int DefaultIterations(int rows) => Math.Max(1, rows / 2);

    /// <summary>The default T in percent.</summary>
    public const double DefaultThresholdPercent = 5;
}

/// <summary>A query of a data file as written: q in reals and the settings it gives (null: not given).</summary>
/// <param name="Where">Its position for messages: <c>queries[3]</c>.</param>
public sealed record DataQuery(string Where, double[] Q, bool? Approximate, BigInteger? Iterations, double? ThresholdPercent);

/// <summary>
/// A data file as written, before any configuration is applied: K, V and the queries in reals. Read by
/// <see cref="DataFile.Read"/>, the one parser of the format, which both <c>simulate</c> (through
/// <see cref="DataFile.Parse"/>) and the trace reader use.
/// </summary>
public sealed record DataFileContent(double[][] Keys, double[][] Values, IReadOnlyList<DataQuery> Queries)
{
    public int Dimension => Keys[0].Length;
}

/// <summary>
/// The simulate command's data file: <c>{"keys": [[d reals] x n], "values": [[d reals] x n],
/// "queries": [q, ...]}</c> where a query is <c>[d reals]</c> or
/// <c>{"q": [d reals], "mode": "exact"|"approx", "iterations": M, "thresholdPercent": T}</c> (every
/// field but q optional: the defaults fill them; null is the same as leaving a field out). The text
/// follows <see cref="JsonPolicy"/>. Reals are rounded to the input format (to nearest, ties to even); a
/// value the format cannot hold is an error naming the matrix, row and column, or with saturation on, is
/// clamped to the format's range and counted.
/// </summary>
public sealed record DataFile(Stimulus Stimulus, int SaturatedCount)
{
    public static DataFile Load(string path, Design design, bool saturate) => Load(path, design, saturate, QueryDefaults.Exact);

    public static DataFile Load(string path, Design design, bool saturate, QueryDefaults defaults) =>
        Parse(ReadText(path, "data file"), design, saturate, path, defaults);

    /// <summary>The text of a file; a folder, a missing file or an unreadable one is a one-line <see cref="UserException"/>.</summary>
    public static string ReadText(string path, string what)
    {
        if (Directory.Exists(path))
        {
            throw new UserException($"cannot read {what} '{path}': it is a folder");
        }
        try
        {
            return File.ReadAllText(path);
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            throw new UserException($"cannot read {what} '{path}': no such file");
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or NotSupportedException or ArgumentException)
        {
            throw new UserException($"cannot read {what} '{path}': {e.Message}");
        }
    }

    /// <summary>
    /// Reads the format without a configuration: every row of K, V and q has the same length d (the
    /// <paramref name="dimension"/> if given, else the length of keys[0]), every element is a finite number.
    /// </summary>
    public static DataFileContent Read(string json, string source, int? dimension = null)
    {
        JToken parsed;
        try
        {
            parsed = JsonPolicy.Parse(json);
        }
        catch (JsonPolicyException e)
        {
            throw new UserException($"{source}: {e.Message}");
        }
        if (parsed is not JObject root)
        {
            throw new UserException($"{source}: a data file is a JSON object {{\"keys\", \"values\", \"queries\"}}, got {parsed.Type.ToString().ToLowerInvariant()}");
        }
        foreach (var prop in root.Properties())
        {
            if (prop.Name is not ("keys" or "values" or "queries"))
            {
                throw new UserException($"{source}: unknown field '{prop.Name}' at {JsonPolicy.Position(prop)} (expected keys, values, queries)");
            }
        }
        int? d = dimension;
        var keys = Matrix("keys");
        var values = Matrix("values");
        if (values.Length != keys.Length)
        {
            throw new UserException($"{source}: values has {values.Length} rows but keys has {keys.Length}; they must match");
        }
        var queryArray = Field("queries") as JArray ?? throw new UserException($"{source}: 'queries' must be an array of queries, got {root["queries"]!.Type.ToString().ToLowerInvariant()}");
        if (queryArray.Count < 1)
        {
            throw new UserException($"{source}: queries is empty; give at least one query");
        }
        var queries = queryArray.Select((token, k) => Query(token, $"queries[{k}]")).ToArray();
        return new DataFileContent(keys, values, queries);

        JToken Field(string name) =>
            root[name] is { Type: not JTokenType.Null } token ? token : throw new UserException($"{source}: field '{name}' is missing");

        double[][] Matrix(string name)
        {
            var token = Field(name);
            if (token is not JArray rows)
            {
                throw new UserException($"{source}: '{name}' must be an array of rows, got {token.Type.ToString().ToLowerInvariant()}");
            }
            if (rows.Count == 0)
            {
                throw new UserException($"{source}: {name} has 0 rows; give at least one");
            }
            return rows.Select((row, r) => Row(row, $"{name}[{r}]")).ToArray();
        }

        DataQuery Query(JToken token, string where)
        {
            if (token is JArray)
            {
                return new DataQuery(where, Row(token, where), null, null, null);
            }
            if (token is not JObject obj)
            {
                throw new UserException($"{source}: {where} must be an array of {DimensionText()} numbers or an object with q, mode, iterations, thresholdPercent");
            }
            foreach (var prop in obj.Properties())
            {
                if (prop.Name is not ("q" or "mode" or "iterations" or "thresholdPercent"))
                {
                    throw new UserException($"{source}: {where}: unknown field '{prop.Name}' at {JsonPolicy.Position(prop)} (expected q, mode, iterations, thresholdPercent)");
                }
            }
            JToken? Given(string name) => obj[name] is { Type: not JTokenType.Null } t ? t : null;
            var q = Row(Given("q") ?? throw new UserException($"{source}: {where}: field 'q' is missing"), $"{where}.q");
            bool? approximate = Given("mode") switch
            {
                null => null,
                { Type: JTokenType.String } mode when (string)mode! is "approx" => true,
                { Type: JTokenType.String } mode when (string)mode! is "exact" => false,
                var mode => throw new UserException($"{source}: {where}.mode = {mode.ToString(Formatting.None)} is not allowed (allowed: \"exact\", \"approx\")"),
            };
            BigInteger? iterations = Given("iterations") switch
            {
                null => null,
                { Type: JTokenType.Integer } m => JsonPolicy.Integer(m),
                var m => throw new UserException($"{source}: {where}.iterations = {m.ToString(Formatting.None)} is not an integer"),
            };
            double? percent = Given("thresholdPercent") switch
            {
                null => null,
                { Type: JTokenType.Integer or JTokenType.Float } t => (double)t,
                var t => throw new UserException($"{source}: {where}.thresholdPercent = {t.ToString(Formatting.None)} is not a number"),
            };
            return new DataQuery(where, q, approximate, iterations, percent);
        }

        string DimensionText() => d is { } known ? known.ToString(CultureInfo.InvariantCulture) : "d";

        double[] Row(JToken token, string where)
        {
            if (token is not JArray row)
            {
                throw new UserException($"{source}: {where} must be an array of {DimensionText()} numbers, got {token.Type.ToString().ToLowerInvariant()}");
            }
            if (d is null)
            {
                if (row.Count == 0)
                {
                    throw new UserException($"{source}: {where} is empty; a row holds d >= 1 numbers");
                }
                d = row.Count;
            }
            else if (row.Count != d)
            {
                throw new UserException(dimension is null
                    ? $"{source}: {where} has {row.Count} elements, expected d = {d} (the length of keys[0])"
                    : $"{source}: {where} has {row.Count} elements; the configuration's dimension d is {d}");
            }
            var result = new double[row.Count];
            for (int c = 0; c < row.Count; c++)
            {
                if (row[c].Type is not (JTokenType.Integer or JTokenType.Float))
                {
                    throw new UserException($"{source}: {where}[{c}] = {row[c].ToString(Formatting.None)} is not a number");
                }
                result[c] = (double)row[c];
            }
            return result;
        }
    }

    public static DataFile Parse(string json, Design design, bool saturate, string source = "data file", QueryDefaults? defaults = null)
    {
        defaults ??= QueryDefaults.Exact;
        var content = Read(json, source, design.Dimension);
        if (content.Keys.Length > design.MaxRows)
        {
            throw new UserException($"{source}: keys has {content.Keys.Length} rows; allowed 1..{design.MaxRows} (the configuration's maxRows)");
        }
        int saturated = 0;
        int n = content.Keys.Length;
        var keys = content.Keys.Select((row, r) => Quantize(row, $"keys[{r}]")).ToArray();
        var values = content.Values.Select((row, r) => Quantize(row, $"values[{r}]")).ToArray();
        var beats = content.Queries.Select(query => new QueryBeat(
            Quantize(query.Q, query.Where),
            n,
            Settings(query.Approximate ?? defaults.Approximate, query.Iterations ?? defaults.Iterations, query.ThresholdPercent ?? defaults.ThresholdPercent, query))).ToArray();
        return new DataFile(new Stimulus(keys, values, beats), saturated);

        QuerySettings Settings(bool approximate, BigInteger? iterations, double? percent, DataQuery query)
        {
            if (!approximate)
            {
                return QuerySettings.Exact;
            }
            // A value the query gives is named by its field; a default comes from the caller, who checked it.
            var m = iterations ?? QueryDefaults.DefaultIterations(n);
            if (m < 0 || m > design.MaxIterations)
            {
                throw new UserException($"{source}: {query.Where}.iterations = {m} is out of range 0..{design.MaxIterations} (the configuration's maxIterations)");
            }
            double p = percent ?? QueryDefaults.DefaultThresholdPercent;
            if (!(p > 0 && p <= 100))
            {
                throw new UserException($"{source}: {query.Where}.thresholdPercent = {p.ToString(CultureInfo.InvariantCulture)} is out of range (0, 100]");
            }
            return QuerySettings.ApproximateFor(design, (int)m, p);
        }

        long[] Quantize(double[] row, string where) => row.Select((value, c) => QuantizeOne(value, $"{where}[{c}]")).ToArray();

        long QuantizeOne(double value, string where)
        {
            var f = design.Input;
            double scaled = Math.Round(value * f.Scale, MidpointRounding.ToEven);
            if (scaled < f.MinRaw || scaled > f.MaxRaw)
            {
                if (!saturate)
                {
                    throw new UnsaturatedValueException(string.Create(CultureInfo.InvariantCulture,
                        $"{source}: {where} = {value} does not fit the input format {f.Describe()} (range {f.ToReal(f.MinRaw)}..{f.ToReal(f.MaxRaw)})"));
                }
                saturated++;
                return scaled < f.MinRaw ? f.MinRaw : f.MaxRaw;
            }
            return (long)scaled;
        }
    }
}

/// <summary>A value of a data file the input format cannot hold, with saturation off (a front end says how to turn it on).</summary>
public sealed class UnsaturatedValueException(string message) : Exception(message);
