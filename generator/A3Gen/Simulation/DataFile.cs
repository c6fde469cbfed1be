using A3Gen.Elaboration;
using A3Gen.Model;
using Newtonsoft.Json;
using Newtonsoft.Json.Linq;

namespace A3Gen.Simulation;

/// <summary>
/// How queries of a data file run when they do not say: exact or approximate, M and T. Null M means
/// n / 2 and null T 5%, the paper's conservative setting.
/// </summary>
public sealed record QueryDefaults(bool Approximate = false, int? Iterations = null, double? ThresholdPercent = null)
{
    public static QueryDefaults Exact { get; } = new();
}

/// <summary>
/// The simulate command's data file: <c>{"keys": [[d reals] x n], "values": [[d reals] x n],
/// "queries": [q, ...]}</c> where a query is <c>[d reals]</c> or
/// <c>{"q": [d reals], "mode": "exact"|"approx", "iterations": M, "thresholdPercent": T}</c> (every
/// field but q optional: the command line's defaults fill them). Reals are rounded to the input format
/// (to nearest, ties to even); a value the format cannot hold is an error naming the matrix, row and
/// column, or with saturation on, is clamped to the format's range and counted.
/// </summary>
public sealed record DataFile(Stimulus Stimulus, int SaturatedCount)
{
    public static DataFile Load(string path, Design design, bool saturate) => Load(path, design, saturate, QueryDefaults.Exact);

    public static DataFile Load(string path, Design design, bool saturate, QueryDefaults defaults)
    {
        string text;
        try
        {
            text = File.ReadAllText(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new UserException($"cannot read data file '{path}': {e.Message}");
        }
        return Parse(text, design, saturate, path, defaults);
    }

    public static DataFile Parse(string json, Design design, bool saturate, string source = "data file", QueryDefaults? defaults = null)
    {
        defaults ??= QueryDefaults.Exact;
        JObject root;
        try
        {
            root = JObject.Parse(json);
        }
        catch (JsonReaderException e)
        {
            throw new UserException($"{source} is not valid JSON: {e.Message}");
        }
        foreach (var prop in root.Properties())
        {
            if (prop.Name is not ("keys" or "values" or "queries"))
            {
                throw new UserException($"{source}: unknown field '{prop.Name}' (expected keys, values, queries)");
            }
        }
        int saturated = 0;
        var keys = Matrix(root, "keys");
        var values = Matrix(root, "values");
        var queryTokens = root["queries"] ?? throw new UserException($"{source}: field 'queries' is missing");
        if (queryTokens is not JArray queryArray)
        {
            throw new UserException($"{source}: 'queries' must be an array of queries, got {queryTokens.Type.ToString().ToLowerInvariant()}");
        }
        if (keys.Length < 1 || keys.Length > design.MaxRows)
        {
            throw new UserException($"{source}: keys has {keys.Length} rows; allowed 1..{design.MaxRows} (the configuration's maxRows)");
        }
        if (values.Length != keys.Length)
        {
            throw new UserException($"{source}: values has {values.Length} rows but keys has {keys.Length}; they must match");
        }
        if (queryArray.Count < 1)
        {
            throw new UserException($"{source}: queries is empty; give at least one query");
        }
        int n = keys.Length;
        var beats = queryArray.Select((token, k) => Query(token, k)).ToArray();
        return new DataFile(new Stimulus(keys, values, beats), saturated);

        QueryBeat Query(JToken token, int k)
        {
            string where = $"queries[{k}]";
            if (token is JArray)
            {
                return new QueryBeat(Row(token, where), n, Settings(defaults.Approximate, defaults.Iterations, defaults.ThresholdPercent, where));
            }
            if (token is not JObject obj)
            {
                throw new UserException($"{source}: {where} must be an array of {design.Dimension} numbers or an object with q, mode, iterations, thresholdPercent");
            }
            foreach (var prop in obj.Properties())
            {
                if (prop.Name is not ("q" or "mode" or "iterations" or "thresholdPercent"))
                {
                    throw new UserException($"{source}: {where}: unknown field '{prop.Name}' (expected q, mode, iterations, thresholdPercent)");
                }
            }
            var q = Row(obj["q"] ?? throw new UserException($"{source}: {where}: field 'q' is missing"), $"{where}.q");
            bool approximate = defaults.Approximate;
            if (obj["mode"] is { } mode)
            {
                approximate = mode.Type == JTokenType.String && (string)mode! is "approx" or "exact"
                    ? (string)mode! == "approx"
                    : throw new UserException($"{source}: {where}.mode = {mode.ToString(Formatting.None)} is not allowed (allowed: \"exact\", \"approx\")");
            }
            int? iterations = defaults.Iterations;
            if (obj["iterations"] is { } m)
            {
                iterations = m.Type == JTokenType.Integer
                    ? (int)Math.Clamp((long)m, int.MinValue, int.MaxValue)
                    : throw new UserException($"{source}: {where}.iterations = {m.ToString(Formatting.None)} is not an integer (allowed: 0..{design.MaxIterations})");
            }
            double? percent = defaults.ThresholdPercent;
            if (obj["thresholdPercent"] is { } t)
            {
                percent = t.Type is JTokenType.Integer or JTokenType.Float
                    ? (double)t
                    : throw new UserException($"{source}: {where}.thresholdPercent = {t.ToString(Formatting.None)} is not a number (allowed: (0, 100])");
            }
            return new QueryBeat(q, n, Settings(approximate, iterations, percent, where));
        }

        QuerySettings Settings(bool approximate, int? iterations, double? percent, string where)
        {
            if (!approximate)
            {
                return QuerySettings.Exact;
            }
            int m = iterations ?? Math.Max(1, n / 2);
            if (m < 0 || m > design.MaxIterations)
            {
                throw new UserException($"{source}: {where}.iterations = {m} is out of range 0..{design.MaxIterations} (the configuration's maxIterations)");
            }
            double p = percent ?? 5;
            if (!(p > 0 && p <= 100))
            {
                throw new UserException($"{source}: {where}.thresholdPercent = {p} is out of range (0, 100]");
            }
            return QuerySettings.ApproximateFor(design, m, p);
        }

        long[][] Matrix(JObject obj, string name)
        {
            var token = obj[name] ?? throw new UserException($"{source}: field '{name}' is missing");
            if (token is not JArray rows)
            {
                throw new UserException($"{source}: '{name}' must be an array of rows, got {token.Type.ToString().ToLowerInvariant()}");
            }
            return rows.Select((row, r) => Row(row, $"{name}[{r}]")).ToArray();
        }

        long[] Row(JToken token, string where)
        {
            if (token is not JArray row)
            {
                throw new UserException($"{source}: {where} must be an array of {design.Dimension} numbers");
            }
            if (row.Count != design.Dimension)
            {
                throw new UserException($"{source}: {where} has {row.Count} elements; the configuration's dimension d is {design.Dimension}");
            }
            var result = new long[row.Count];
            for (int c = 0; c < row.Count; c++)
            {
                if (row[c].Type is not (JTokenType.Integer or JTokenType.Float))
                {
                    throw new UserException($"{source}: {where}[{c}] = {row[c].ToString(Formatting.None)} is not a number");
                }
                result[c] = Quantize((double)row[c], $"{where}[{c}]");
            }
            return result;
        }

        long Quantize(double value, string where)
        {
            var f = design.Input;
            double scaled = Math.Round(value * f.Scale, MidpointRounding.ToEven);
            if (double.IsNaN(value) || scaled < f.MinRaw || scaled > f.MaxRaw)
            {
                if (!saturate || double.IsNaN(value))
                {
                    throw new UserException(
                        $"{source}: {where} = {value} does not fit the input format {f.Describe()} (range {f.ToReal(f.MinRaw)}..{f.ToReal(f.MaxRaw)}); pass --saturate to clamp");
                }
                saturated++;
                return scaled < f.MinRaw ? f.MinRaw : f.MaxRaw;
            }
            return (long)scaled;
        }
    }
}
