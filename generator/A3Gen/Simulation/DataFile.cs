using A3Gen.Elaboration;
using Newtonsoft.Json;
using Newtonsoft.Json.Linq;

namespace A3Gen.Simulation;

/// <summary>
/// The simulate command's data file: <c>{"keys": [[d reals] x n], "values": [[d reals] x n],
/// "queries": [[d reals], ...]}</c>. Reals are rounded to the input format (to nearest, ties to even);
/// a value the format cannot hold is an error naming the matrix, row and column, or with saturation
/// on, is clamped to the format's range and counted.
/// </summary>
public sealed record DataFile(Stimulus Stimulus, int SaturatedCount)
{
    public static DataFile Load(string path, Design design, bool saturate)
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
        return Parse(text, design, saturate, path);
    }

    public static DataFile Parse(string json, Design design, bool saturate, string source = "data file")
    {
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
        var queries = Matrix(root, "queries");
        if (keys.Length < 1 || keys.Length > design.MaxRows)
        {
            throw new UserException($"{source}: keys has {keys.Length} rows; allowed 1..{design.MaxRows} (the configuration's maxRows)");
        }
        if (values.Length != keys.Length)
        {
            throw new UserException($"{source}: values has {values.Length} rows but keys has {keys.Length}; they must match");
        }
        if (queries.Length < 1)
        {
            throw new UserException($"{source}: queries is empty; give at least one query");
        }
        int n = keys.Length;
        return new DataFile(
            new Stimulus(keys, values, queries.Select(q => new QueryBeat(q, n)).ToArray()),
            saturated);

        long[][] Matrix(JObject obj, string name)
        {
            var token = obj[name] ?? throw new UserException($"{source}: field '{name}' is missing");
            if (token is not JArray rows)
            {
                throw new UserException($"{source}: '{name}' must be an array of rows, got {token.Type.ToString().ToLowerInvariant()}");
            }
            var result = new long[rows.Count][];
            for (int r = 0; r < rows.Count; r++)
            {
                if (rows[r] is not JArray row)
                {
                    throw new UserException($"{source}: {name}[{r}] must be an array of {design.Dimension} numbers");
                }
                if (row.Count != design.Dimension)
                {
                    throw new UserException($"{source}: {name}[{r}] has {row.Count} elements; the configuration's dimension d is {design.Dimension}");
                }
                result[r] = new long[row.Count];
                for (int c = 0; c < row.Count; c++)
                {
                    if (row[c].Type is not (JTokenType.Integer or JTokenType.Float))
                    {
                        throw new UserException($"{source}: {name}[{r}][{c}] = {row[c].ToString(Formatting.None)} is not a number");
                    }
                    result[r][c] = Quantize((double)row[c], $"{name}[{r}][{c}]");
                }
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
