using System.Security.Cryptography;
using System.Text;
using Newtonsoft.Json;
using Newtonsoft.Json.Linq;

namespace A3Gen.Configuration;

/// <summary>Reset style of every register in the generated design.</summary>
public enum ResetStyle
{
    /// <summary>Asynchronous, active-low <c>rst_ni</c> (ASIC default).</summary>
    AsyncLow,
    /// <summary>Synchronous, active-high <c>rst_i</c> (FPGA flows).</summary>
    SyncHigh,
}

/// <summary>Who sorts the key columns for the approximate path (the sorted-key memory).</summary>
public enum KeySort
{
    /// <summary>The host sorts and loads the sorted keys (load target 2).</summary>
    Host,
    /// <summary>The hardware sorts each column after K is loaded (load target 3 starts it): Emission/SorterViews.cs.</summary>
    OnChip,
}

/// <summary>How the softmax and the weighted sum are computed.</summary>
public enum Softmax
{
    /// <summary>The paper's three passes: scores and max, exponents and expsum, weights and weighted sum.</summary>
    ThreePass,
    /// <summary>One pass over the scores: running max, sum and accumulators rescaled when the max grows, one division per output element at the end (Elaboration/OnePassSoftmax.cs).</summary>
    OnePass,
}

/// <summary>
/// A generator configuration as the user writes it (JSON, camelCase). Optional derived-format
/// overrides are null when the user leaves them to their defaults (README, "Configuration"); the elaborated
/// <see cref="Elaboration.Design"/> holds the resolved values.
/// </summary>
public sealed record A3Config
{
    public required string Name { get; init; }
    public required int MaxRows { get; init; }
    public required int Dimension { get; init; }
    public required int IntegerBits { get; init; }
    public required int FractionBits { get; init; }
    public int? ExpFractionBits { get; init; }
    public int? WeightFractionBits { get; init; }
    public int? OutputFractionBits { get; init; }
    public int? ExpTableLoBits { get; init; }
    public int ExpTableGuardBits { get; init; } = 2;
    public int AdderLevelsPerStage { get; init; } = 2;
    /// <summary>Divider pipeline stages; null: two division steps a stage (5 for the paper configuration).</summary>
    public int? DividerLatency { get; init; }
    public ResetStyle Reset { get; init; } = ResetStyle.AsyncLow;
    public int QueryQueueDepth { get; init; } = 2;
    /// <summary>Result queue entries; null: 2 (three-pass), 3 (one-pass: a third query in flight, see ResolvedResultQueueDepth).</summary>
    public int? ResultQueueDepth { get; init; }

    /// <summary>The largest per-query iteration count M of the approximate path; null means 2 N d.</summary>
    public int? MaxIterations { get; init; }
    /// <summary>c: products queued per column-side of the candidate search (the paper's component multiplication buffer).</summary>
    public int ProductQueueDepth { get; init; } = 5;
    /// <summary>S: greedy-score flags the candidate scan looks at per cycle (a power of two).</summary>
    public int ScanWidth { get; init; } = 16;
    /// <summary>Target clock frequency in MHz for the flow files (SDC) and place and route; default 1 GHz, the paper's.</summary>
    public int TargetClockMhz { get; init; } = 1000;
    /// <summary>Who sorts the key columns: the host (load target 2) or an on-chip sorter (load target 3 starts it).</summary>
    public KeySort KeySort { get; init; } = KeySort.Host;
    /// <summary>The softmax kind: the paper's three passes or a one-pass (online) softmax.</summary>
    public Softmax Softmax { get; init; } = Softmax.ThreePass;
    /// <summary>One-pass softmax: dividers of the normalizer, each output element's division on one of them; null means ceil(d / 3).</summary>
    public int? NormalizerDividers { get; init; }
    /// <summary>P: rows each stage of the exact and post-scoring pipeline takes a cycle (1, 2, 4, 8 or 16; K and V in P banks).</summary>
    public int Lanes { get; init; } = 1;

    /// <summary>
    /// The canonical JSON (and so the hash and every generated header) leaves keySort out at its default, so
    /// that a configuration written before the field existed keeps its hash and its output.
    /// </summary>
    public bool ShouldSerializeKeySort() => KeySort != KeySort.Host;

    /// <summary>The canonical JSON leaves softmax out at its default, as keySort: older configurations keep their hashes.</summary>
    public bool ShouldSerializeSoftmax() => Softmax != Softmax.ThreePass;

    /// <summary>Left out of the canonical JSON when not given, as keySort and softmax.</summary>
    public bool ShouldSerializeNormalizerDividers() => NormalizerDividers is not null;

    /// <summary>Left out of the canonical JSON at its default (one lane), as keySort and softmax.</summary>
    public bool ShouldSerializeLanes() => Lanes != 1;

    /// <summary>The paper's evaluated design (HPCA 2020, section VI): N = 320, d = 64, i = f = 4.</summary>
    public static A3Config Paper { get; } = new()
    {
        Name = "a3-paper",
        MaxRows = 320,
        Dimension = 64,
        IntegerBits = 4,
        FractionBits = 4,
    };

    /// <summary>Verilog identifier prefix of every module: the name with '-' replaced by '_'.</summary>
    public string Prefix => Name.Replace('-', '_');

    public static readonly JsonSerializerSettings JsonSettings = new()
    {
        ContractResolver = new Newtonsoft.Json.Serialization.DefaultContractResolver
        {
            NamingStrategy = new Newtonsoft.Json.Serialization.CamelCaseNamingStrategy(),
        },
        Converters = { new Newtonsoft.Json.Converters.StringEnumConverter(new Newtonsoft.Json.Serialization.KebabCaseNamingStrategy()) },
        NullValueHandling = NullValueHandling.Ignore,
        Formatting = Formatting.Indented,
    };

    /// <summary>Canonical JSON of the configuration (every field, fixed order): what the manifest hashes.</summary>
    public string ToCanonicalJson()
    {
        var settings = new JsonSerializerSettings
        {
            ContractResolver = JsonSettings.ContractResolver,
            Converters = JsonSettings.Converters,
            NullValueHandling = NullValueHandling.Include,
            Formatting = Formatting.Indented,
        };
        // The result queue's depth is hashed resolved: a three-pass configuration written before its default depended
        // on the softmax kind keeps its hash, and the same hardware has one hash.
        var canonical = this with { ResultQueueDepth = ResolvedResultQueueDepth };
        return JsonConvert.SerializeObject(canonical, settings).Replace("\r\n", "\n");
    }

    public string Hash() =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(ToCanonicalJson())));

    /// <summary>
    /// Every field a configuration file may hold, in file order: "$schema" (for editors) and the JSON name of
    /// every settable property of this record. A new property is a new field: parsing, the schema test and
    /// the canonical JSON all take it from here.
    /// </summary>
    public static IReadOnlyList<string> KnownFields { get; } =
        ["$schema", .. Properties.Select(p => JsonName(p.Name))];

    /// <summary>The fields a file must give.</summary>
    public static IReadOnlyList<string> RequiredFields { get; } =
        Properties.Where(p => p.IsDefined(typeof(System.Runtime.CompilerServices.RequiredMemberAttribute), false)).Select(p => JsonName(p.Name)).ToArray();

    /// <summary>
    /// The range of every integer field on its own (the schema's minimum and maximum). Some fields are narrowed
    /// further by the others (outputFractionBits, expTableLoBits, dividerLatency, maxIterations): <see cref="Validate"/>
    /// checks those and names the narrower range.
    /// </summary>
    public static IReadOnlyDictionary<string, (int Min, int Max)> FieldRanges { get; } = new Dictionary<string, (int Min, int Max)>
    {
        ["maxRows"] = (1, 4096),
        ["dimension"] = (1, 256),
        ["integerBits"] = (0, 12),
        ["fractionBits"] = (1, 12),
        ["expFractionBits"] = (1, 16),
        ["weightFractionBits"] = (1, 16),
        ["outputFractionBits"] = (0, 28),
        ["expTableLoBits"] = (1, ExpTableSplit.MaxIndexBits),
        ["expTableGuardBits"] = (0, 8),
        ["adderLevelsPerStage"] = (1, 8),
        ["dividerLatency"] = (1, 18),
        ["queryQueueDepth"] = (1, 16),
        ["resultQueueDepth"] = (1, 16),
        ["maxIterations"] = (1, 2 * 4096 * 256),
        ["productQueueDepth"] = (5, 16),
        ["scanWidth"] = (2, 256),
        ["targetClockMhz"] = (1, 5000),
        ["normalizerDividers"] = (1, 256),
        ["lanes"] = (1, 16),
    };

    private static System.Reflection.PropertyInfo[] Properties =>
        typeof(A3Config).GetProperties(System.Reflection.BindingFlags.Public | System.Reflection.BindingFlags.Instance)
            .Where(p => p.CanWrite && !p.IsDefined(typeof(JsonIgnoreAttribute), false))
            .ToArray();

    private static string JsonName(string property) => char.ToLowerInvariant(property[0]) + property[1..];

    /// <summary>Reads and validates a configuration file; every problem is a <see cref="ConfigException"/>.</summary>
    public static A3Config Load(string path)
    {
        string text;
        try
        {
            text = File.ReadAllText(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or NotSupportedException or ArgumentException)
        {
            var why = Directory.Exists(path) ? "it is a folder" : e is FileNotFoundException or DirectoryNotFoundException ? "no such file" : e.Message;
            throw new ConfigException("file", $"cannot read configuration '{path}': {why}");
        }
        return Parse(text, path);
    }

    /// <summary>
    /// Parses a configuration under <see cref="JsonPolicy"/>: an object of known fields; integers in their
    /// field's range however large the number written; null for a field means the field is not given.
    /// </summary>
    public static A3Config Parse(string json, string source = "configuration")
    {
        JToken root;
        try
        {
            root = JsonPolicy.Parse(json);
        }
        catch (JsonPolicyException e)
        {
            throw new ConfigException("file", $"{source}: {e.Message}");
        }
        if (root is not JObject obj)
        {
            throw new ConfigException("file", $"{source}: a configuration is a JSON object {{\"name\": ..., \"maxRows\": ...}}, got {TypeName(root)}");
        }
        foreach (var prop in obj.Properties())
        {
            if (!KnownFields.Contains(prop.Name))
            {
                throw new ConfigException(prop.Name, $"unknown field '{prop.Name}' at {JsonPolicy.Position(prop)} (known: {string.Join(", ", KnownFields.Skip(1))})");
            }
        }
        var given = obj.Properties().Where(p => p.Value.Type != JTokenType.Null).ToDictionary(p => p.Name, p => p.Value);
        foreach (var required in RequiredFields)
        {
            if (!given.ContainsKey(required))
            {
                throw new ConfigException(required, $"required field '{required}' is missing");
            }
        }
        if (given.TryGetValue("$schema", out var schema) && schema.Type != JTokenType.String)
        {
            throw new ConfigException("$schema", $"field '$schema' must be a string, got {TypeName(schema)}");
        }
        var config = (A3Config)System.Runtime.CompilerServices.RuntimeHelpers.GetUninitializedObject(typeof(A3Config));
        // Fields not given keep the record's defaults (the paper configuration has every optional field at its default).
        var defaults = Paper;
        foreach (var property in Properties)
        {
            var field = JsonName(property.Name);
            given.TryGetValue(field, out var token);
            object? value = token is null ? property.GetValue(defaults) : ReadField(field, property.PropertyType, token);
            property.SetValue(config, value);
        }
        config.Validate();
        return config;
    }

    private static object ReadField(string field, Type type, JToken token)
    {
        var target = Nullable.GetUnderlyingType(type) ?? type;
        if (target == typeof(string))
        {
            return token.Type == JTokenType.String
                ? (string)token!
                : throw new ConfigException(field, $"field '{field}' must be a string, got {TypeName(token)}");
        }
        if (target == typeof(ResetStyle))
        {
            var text = token.Type == JTokenType.String ? (string)token! : null;
            return text switch
            {
                "async-low" => ResetStyle.AsyncLow,
                "sync-high" => ResetStyle.SyncHigh,
                null => throw new ConfigException(field, $"field '{field}' must be a string (async-low or sync-high), got {TypeName(token)}"),
                _ => throw new ConfigException(field, $"{field} = '{text}' is not allowed (allowed: async-low, sync-high)"),
            };
        }
        if (target == typeof(KeySort))
        {
            var text = token.Type == JTokenType.String ? (string)token! : null;
            return text switch
            {
                "host" => KeySort.Host,
                "on-chip" => KeySort.OnChip,
                null => throw new ConfigException(field, $"field '{field}' must be a string (host or on-chip), got {TypeName(token)}"),
                _ => throw new ConfigException(field, $"{field} = '{text}' is not allowed (allowed: host, on-chip)"),
            };
        }
        if (target == typeof(Softmax))
        {
            var text = token.Type == JTokenType.String ? (string)token! : null;
            return text switch
            {
                "three-pass" => Softmax.ThreePass,
                "one-pass" => Softmax.OnePass,
                null => throw new ConfigException(field, $"field '{field}' must be a string (three-pass or one-pass), got {TypeName(token)}"),
                _ => throw new ConfigException(field, $"{field} = '{text}' is not allowed (allowed: three-pass, one-pass)"),
            };
        }
        if (target == typeof(int))
        {
            if (token.Type != JTokenType.Integer)
            {
                throw new ConfigException(field, $"field '{field}' must be an integer, got {token.ToString(Newtonsoft.Json.Formatting.None)}");
            }
            // A value beyond Int32 is out of every field's range: name the field's own range. Smaller values are
            // checked by Validate, which knows the ranges the other fields narrow.
            var value = JsonPolicy.Integer(token);
            if (value < int.MinValue || value > int.MaxValue)
            {
                var (min, max) = FieldRanges[field];
                throw new ConfigException(field, $"{field} = {value} is out of range {min}..{max}");
            }
            return (int)value;
        }
        throw new InvalidOperationException($"configuration field '{field}' has type {type.Name}, which the parser does not read");
    }

    private static string TypeName(JToken token) => token.Type switch
    {
        JTokenType.Object => "an object",
        JTokenType.Array => "an array",
        JTokenType.Integer or JTokenType.Float => $"the number {token.ToString(Newtonsoft.Json.Formatting.None)}",
        JTokenType.String => $"the string {token.ToString(Newtonsoft.Json.Formatting.None)}",
        JTokenType.Boolean => $"{token.ToString(Newtonsoft.Json.Formatting.None)}",
        _ => token.Type.ToString().ToLowerInvariant(),
    };

    // ---- resolved values: every default written once, here ----

    /// <summary>Fraction bits of exp values: as given, else 2f.</summary>
    [JsonIgnore]
    public int ResolvedExpFractionBits => ExpFractionBits ?? (2 * FractionBits);

    /// <summary>Fraction bits of the softmax weights: as given, else 2f.</summary>
    [JsonIgnore]
    public int ResolvedWeightFractionBits => WeightFractionBits ?? (2 * FractionBits);

    /// <summary>Fraction bits of the output: as given, else 3f.</summary>
    [JsonIgnore]
    public int ResolvedOutputFractionBits => OutputFractionBits ?? (3 * FractionBits);

    /// <summary>Divider stages: as given, else two of the Fw + 2 division steps a stage, (Fw + 3) / 2 rounded down.</summary>
    [JsonIgnore]
    public int ResolvedDividerLatency => DividerLatency ?? ((ResolvedWeightFractionBits + 3) / 2);

    /// <summary>One-pass softmax: the normalizer's dividers, as given, else ceil(d / 3) (at most three cycles of issue a query).</summary>
    [JsonIgnore]
    public int ResolvedNormalizerDividers => NormalizerDividers ?? ((Dimension + 2) / 3);

    /// <summary>
    /// Result queue entries: as given, else 2 (three-pass) or 3 (one-pass). A one-pass design keeps up to
    /// min(depth, 3) queries between the dot product's start and the push (the push cannot be refused, so each needs
    /// an entry); the third keeps short queries (ceil(n/P) below the normalizer's tail) at ceil(n/P) + 2 a query.
    /// </summary>
    [JsonIgnore]
    public int ResolvedResultQueueDepth => ResultQueueDepth ?? (Softmax == Softmax.OnePass ? 3 : 2);

    /// <summary>The largest M a query may ask for: as given, else <see cref="IterationLimit"/>.</summary>
    [JsonIgnore]
    public int ResolvedMaxIterations => MaxIterations ?? IterationLimit;

    /// <summary>The exp unit's clamp and table split (scores carry 2f fraction bits).</summary>
    [JsonIgnore]
    public ExpTableSplit ExpTables => ExpTableSplit.Derive(2 * FractionBits, ResolvedExpFractionBits, ExpTableGuardBits, ExpTableLoBits);

    /// <summary>Checks every field against its allowed range; throws on the first violation.</summary>
    public void Validate()
    {
        // \A and \z: .NET's $ also matches before a final newline, which would let "a\n" through.
        if (Name is null || !System.Text.RegularExpressions.Regex.IsMatch(Name, @"\A[a-z][a-z0-9-]{0,31}\z") || Name.EndsWith('-'))
        {
            throw new ConfigException("name", $"name = '{JsonConvert.ToString(Name ?? "")[1..^1]}' is not allowed (1 to 32 characters: a lower-case letter, then lower-case letters, digits and '-', not ending in '-')");
        }
        Range("maxRows", MaxRows);
        Range("dimension", Dimension);
        Range("integerBits", IntegerBits);
        Range("fractionBits", FractionBits);
        if (1 + IntegerBits + FractionBits > 16)
        {
            throw new ConfigException("fractionBits", $"integerBits + fractionBits = {IntegerBits + FractionBits} is not allowed (allowed: at most 15, so that an input element is at most 16 bits)");
        }
        if (KeySort == KeySort.OnChip && MaxRows < 2)
        {
            throw new ConfigException("keySort", $"keySort = 'on-chip' needs maxRows >= 2, got maxRows = {MaxRows} (one row needs no sorting: use 'host')");
        }
        Range("expFractionBits", ExpFractionBits);
        Range("weightFractionBits", WeightFractionBits);
        int fw = ResolvedWeightFractionBits;
        if (WeightFractionBits is null && fw > 16)
        {
            throw new ConfigException("weightFractionBits", $"the default weightFractionBits = 2 * fractionBits = {fw} is out of range 1..16: set weightFractionBits");
        }
        int fe = ResolvedExpFractionBits;
        if (ExpFractionBits is null && fe > 16)
        {
            throw new ConfigException("expFractionBits", $"the default expFractionBits = 2 * fractionBits = {fe} is out of range 1..16: set expFractionBits");
        }
        int maxOut = fw + FractionBits;
        if (OutputFractionBits is null && 3 * FractionBits > maxOut)
        {
            throw new ConfigException("outputFractionBits", $"the default outputFractionBits = 3 * fractionBits = {3 * FractionBits} exceeds weightFractionBits + fractionBits = {maxOut}: set outputFractionBits");
        }
        Range("outputFractionBits", OutputFractionBits, 0, maxOut);
        Range("expTableGuardBits", ExpTableGuardBits);
        ValidateExpTables(fe);
        Range("adderLevelsPerStage", AdderLevelsPerStage);
        Range("dividerLatency", DividerLatency, 1, fw + 2);
        Range("normalizerDividers", NormalizerDividers, 1, Dimension);
        Range("queryQueueDepth", QueryQueueDepth);
        Range("resultQueueDepth", ResultQueueDepth);
        // After 2 n d iterations every column-side is exhausted or stalled for good (docs/approximation-design.md),
        // so a larger M changes nothing and would only widen the iteration counter.
        if (MaxIterations is { } m && (m < 1 || m > IterationLimit))
        {
            throw new ConfigException("maxIterations", $"maxIterations = {m} is out of range 1..{IterationLimit} (2 * maxRows * dimension: more iterations change nothing)");
        }
        Range("targetClockMhz", TargetClockMhz);
        // A pop at cycle t is refilled by a read at t+1 whose data is registered at the end of t+2, its
        // product at the end of t+3, and enters the queue at the end of t+4 (Design.ProductRegisterStages):
        // five entries keep a column-side's head present while it is popped every cycle.
        Range("productQueueDepth", ProductQueueDepth);
        if (ScanWidth < 2 || ScanWidth > 256 || (ScanWidth & (ScanWidth - 1)) != 0)
        {
            throw new ConfigException("scanWidth", $"scanWidth = {ScanWidth} is not allowed (allowed: a power of two, 2..256)");
        }
        if (Lanes < 1 || Lanes > 16 || (Lanes & (Lanes - 1)) != 0)
        {
            throw new ConfigException("lanes", $"lanes = {Lanes} is not allowed (allowed: 1, 2, 4, 8 or 16)");
        }
        if (Lanes > MaxRows)
        {
            throw new ConfigException("lanes", $"lanes = {Lanes} is out of range 1..maxRows = {MaxRows} (a lane reads one row of a group of lanes rows)");
        }
    }

    /// <summary>The exp tables: a low-table width the split allows, and no table above 2^14 entries.</summary>
    private void ValidateExpTables(int fe)
    {
        int fs = 2 * FractionBits;
        var natural = ExpTableSplit.Derive(fs, fe, ExpTableGuardBits, null);
        if (ExpTableLoBits is { } lo)
        {
            var allowed = ExpTableSplit.AllowedLoBits(fs, fe, ExpTableGuardBits);
            if (!allowed.Contains(lo))
            {
                throw new ConfigException("expTableLoBits",
                    $"expTableLoBits = {lo} is out of range {Ranges(allowed)} (the clamped exp input is {natural.InputWidth} bits, split into a low table of 2^expTableLoBits entries and a high table of the rest; each table may hold at most 2^{ExpTableSplit.MaxIndexBits} entries)");
            }
        }
        else if (!natural.Fits)
        {
            throw new ConfigException("expTableLoBits",
                $"the default expTableLoBits = {natural.LoBits} leaves a table above 2^{ExpTableSplit.MaxIndexBits} entries: set expTableLoBits (allowed: {Ranges(ExpTableSplit.AllowedLoBits(fs, fe, ExpTableGuardBits))})");
        }
    }

    /// <summary>"1..10", or "3..5, 7..9" when there is a gap, or "none".</summary>
    private static string Ranges(IReadOnlyList<int> values)
    {
        if (values.Count == 0)
        {
            return "none";
        }
        var parts = new List<string>();
        int start = values[0];
        for (int k = 1; k <= values.Count; k++)
        {
            if (k == values.Count || values[k] != values[k - 1] + 1)
            {
                parts.Add($"{start}..{values[k - 1]}");
                if (k < values.Count)
                {
                    start = values[k];
                }
            }
        }
        return string.Join(", ", parts);
    }

    /// <summary>2 N d: the default and the largest allowed <see cref="MaxIterations"/> (every product of both sides once).</summary>
    [JsonIgnore]
    public int IterationLimit => 2 * MaxRows * Dimension;

    private static void Range(string field, int? value) => Range(field, value, FieldRanges[field].Min, FieldRanges[field].Max);

    private static void Range(string field, int? value, int min, int max)
    {
        if (value is { } v && (v < min || v > max))
        {
            throw new ConfigException(field, $"{field} = {v} is out of range {min}..{max}");
        }
    }
}

/// <summary>A configuration problem the user can fix: names the field, the value and the allowed range.</summary>
public sealed class ConfigException(string field, string message) : Exception(message)
{
    public string Field { get; } = field;
}
