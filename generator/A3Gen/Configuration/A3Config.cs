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

/// <summary>
/// A generator configuration as the user writes it (JSON, camelCase). Optional derived-format
/// overrides are null when the user leaves them to the defaults of DESIGN.md; the elaborated
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
    public int ResultQueueDepth { get; init; } = 2;

    /// <summary>The largest per-query iteration count M of the approximate path; null means 2 N d.</summary>
    public int? MaxIterations { get; init; }
    /// <summary>c: products queued per column-side of the candidate search (the paper's component multiplication buffer).</summary>
    public int ProductQueueDepth { get; init; } = 4;
    /// <summary>S: greedy-score flags the candidate scan looks at per cycle (a power of two).</summary>
    public int ScanWidth { get; init; } = 16;
    /// <summary>Target clock frequency in MHz for the flow files (SDC) and place and route; default 1 GHz, the paper's.</summary>
    public int TargetClockMhz { get; init; } = 1000;

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
        return JsonConvert.SerializeObject(this, settings).Replace("\r\n", "\n");
    }

    public string Hash() =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(ToCanonicalJson())));

    public static readonly IReadOnlyList<string> KnownFields =
    [
        "$schema", "name", "maxRows", "dimension", "integerBits", "fractionBits", "expFractionBits",
        "weightFractionBits", "outputFractionBits", "expTableLoBits", "expTableGuardBits",
        "adderLevelsPerStage", "dividerLatency", "reset", "queryQueueDepth", "resultQueueDepth", "maxIterations",
        "productQueueDepth", "scanWidth", "targetClockMhz",
    ];

    /// <summary>Reads and validates a configuration file; every problem is a <see cref="ConfigException"/>.</summary>
    public static A3Config Load(string path)
    {
        string text;
        try
        {
            text = File.ReadAllText(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new ConfigException("file", $"cannot read configuration '{path}': {e.Message}");
        }
        return Parse(text, path);
    }

    public static A3Config Parse(string json, string source = "configuration")
    {
        JObject obj;
        try
        {
            obj = JObject.Parse(json);
        }
        catch (JsonReaderException e)
        {
            throw new ConfigException("file", $"{source} is not valid JSON: {e.Message}");
        }
        foreach (var prop in obj.Properties())
        {
            if (!KnownFields.Contains(prop.Name))
            {
                throw new ConfigException(prop.Name, $"unknown field '{prop.Name}' (known: {string.Join(", ", KnownFields.Skip(1))})");
            }
        }
        foreach (var required in new[] { "name", "maxRows", "dimension", "integerBits", "fractionBits" })
        {
            if (obj[required] is null || obj[required]!.Type == JTokenType.Null)
            {
                throw new ConfigException(required, $"required field '{required}' is missing");
            }
        }
        foreach (var prop in obj.Properties())
        {
            if (prop.Name is "$schema" or "name" or "reset")
            {
                if (prop.Value.Type != JTokenType.String)
                {
                    throw new ConfigException(prop.Name, $"field '{prop.Name}' must be a string, got {prop.Value.Type.ToString().ToLowerInvariant()}");
                }
            }
            else if (prop.Value.Type != JTokenType.Integer && prop.Value.Type != JTokenType.Null)
            {
                throw new ConfigException(prop.Name, $"field '{prop.Name}' must be an integer, got {prop.Value.ToString(Formatting.None)}");
            }
        }
        var reset = (string?)obj["reset"];
        if (reset is not null && reset is not ("async-low" or "sync-high"))
        {
            throw new ConfigException("reset", $"reset = '{reset}' is not allowed (allowed: async-low, sync-high)");
        }
        A3Config config;
        try
        {
            obj.Remove("$schema");
            config = obj.ToObject<A3Config>(JsonSerializer.Create(JsonSettings))!;
        }
        catch (Exception e) when (e is JsonException or OverflowException or ArgumentException)
        {
            throw new ConfigException("file", $"{source}: {e.Message}");
        }
        config.Validate();
        return config;
    }

    /// <summary>Checks every field against its allowed range; throws on the first violation.</summary>
    public void Validate()
    {
        if (!System.Text.RegularExpressions.Regex.IsMatch(Name, "^[a-z][a-z0-9-]{0,31}$") || Name.EndsWith('-'))
        {
            throw new ConfigException("name", $"name = '{Name}' is not allowed (1 to 32 characters: a lower-case letter, then lower-case letters, digits and '-', not ending in '-')");
        }
        Range("maxRows", MaxRows, 1, 4096);
        Range("dimension", Dimension, 1, 256);
        Range("integerBits", IntegerBits, 0, 12);
        Range("fractionBits", FractionBits, 1, 12);
        if (1 + IntegerBits + FractionBits > 16)
        {
            throw new ConfigException("fractionBits", $"integerBits + fractionBits = {IntegerBits + FractionBits} is not allowed (allowed: at most 15, so that an input element is at most 16 bits)");
        }
        Range("expFractionBits", ExpFractionBits, 1, 16);
        Range("weightFractionBits", WeightFractionBits, 1, 16);
        int fw = WeightFractionBits ?? 2 * FractionBits;
        if (WeightFractionBits is null && fw > 16)
        {
            throw new ConfigException("weightFractionBits", $"the default weightFractionBits = 2 * fractionBits = {fw} is out of range 1..16: set weightFractionBits");
        }
        int fe = ExpFractionBits ?? 2 * FractionBits;
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
        Range("expTableGuardBits", ExpTableGuardBits, 0, 8);
        int expInputBits = Elaboration.ExpUnit.InputWidthFor(2 * FractionBits, fe);
        Range("expTableLoBits", ExpTableLoBits, 1, expInputBits - 1);
        Range("adderLevelsPerStage", AdderLevelsPerStage, 1, 8);
        Range("dividerLatency", DividerLatency, 1, fw + 2);
        Range("queryQueueDepth", QueryQueueDepth, 1, 16);
        Range("resultQueueDepth", ResultQueueDepth, 1, 16);
        // After 2 n d iterations every column-side is exhausted or stalled for good (docs/approximation-design.md),
        // so a larger M changes nothing and would only widen the iteration counter.
        if (MaxIterations is { } m && (m < 1 || m > IterationLimit))
        {
            throw new ConfigException("maxIterations", $"maxIterations = {m} is out of range 1..{IterationLimit} (2 * maxRows * dimension: more iterations change nothing)");
        }
        Range("targetClockMhz", TargetClockMhz, 1, 5000);
        // A pop at cycle t is refilled by a read at t+1 whose product enters the queue at the end of t+2:
        // three entries keep a column-side's head present while it is popped every cycle.
        Range("productQueueDepth", ProductQueueDepth, 3, 16);
        if (ScanWidth < 2 || ScanWidth > 256 || (ScanWidth & (ScanWidth - 1)) != 0)
        {
            throw new ConfigException("scanWidth", $"scanWidth = {ScanWidth} is not allowed (allowed: a power of two, 2..256)");
        }
    }

    /// <summary>2 N d: the default and the largest allowed <see cref="MaxIterations"/> (every product of both sides once).</summary>
    [JsonIgnore]
    public int IterationLimit => 2 * MaxRows * Dimension;

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
