using A3Gen.Configuration;

namespace A3Gen.Tests;

public class ConfigurationTests
{
    private const string Minimal = """{"name": "t", "maxRows": 16, "dimension": 4, "integerBits": 4, "fractionBits": 4""";

    private static ConfigException Fails(string json) => Assert.Throws<ConfigException>(() => A3Config.Parse(json));

    /// <summary>The minimal configuration with the fields of <paramref name="fields"/> (a JSON object) set or replaced.</summary>
    private static string With(string fields)
    {
        var obj = Newtonsoft.Json.Linq.JObject.Parse(Minimal + "}");
        foreach (var p in Newtonsoft.Json.Linq.JObject.Parse(fields).Properties())
        {
            obj[p.Name] = p.Value;
        }
        return obj.ToString();
    }

    [Fact]
    public void ShippedConfigurationsLoad()
    {
        foreach (var name in TestSupport.ShippedConfigNames)
        {
            var config = TestSupport.Shipped(name);
            Assert.Equal(name, config.Name);
        }
    }

    [Fact]
    public void PaperConfigurationIsTheBuiltInDefault()
    {
        Assert.Equal(A3Config.Paper, TestSupport.Shipped("a3-paper"));
        Assert.Equal((320, 64, 4, 4), (A3Config.Paper.MaxRows, A3Config.Paper.Dimension, A3Config.Paper.IntegerBits, A3Config.Paper.FractionBits));
    }

    [Fact]
    public void DefaultsApply()
    {
        var c = A3Config.Parse(Minimal + "}");
        Assert.Equal(ResetStyle.AsyncLow, c.Reset);
        Assert.Null(c.DividerLatency);
        Assert.Equal(5, new Elaboration.Design(c).DividerLatency);
        Assert.Equal(2, new Elaboration.Design(c with { WeightFractionBits = 1, OutputFractionBits = 0 }).DividerLatency);
        Assert.Equal(6, new Elaboration.Design(c with { WeightFractionBits = 10 }).DividerLatency);
        Assert.Equal(2, c.AdderLevelsPerStage);
        Assert.Null(c.WeightFractionBits);
        Assert.Null(c.MaxIterations);
        Assert.Equal(2 * 16 * 4, new A3Gen.Elaboration.Design(c).MaxIterations);
    }

    [Fact]
    public void MaxIterationsSetsTheIterationCountWidth()
    {
        var c = A3Config.Parse(Minimal + ", \"maxIterations\": 100}");
        var d = new A3Gen.Elaboration.Design(c);
        Assert.Equal(100, d.MaxIterations);
        Assert.Equal(7, d.IterationCount.Width);
        Assert.Equal(8, new A3Gen.Elaboration.Design(c with { MaxIterations = 128 }).IterationCount.Width);
        // The largest configuration's default, 2 * 4096 * 256 = 2^21, is allowed.
        var largest = A3Config.Paper with { MaxRows = 4096, Dimension = 256 };
        largest.Validate();
        Assert.Equal(1 << 21, new A3Gen.Elaboration.Design(largest).MaxIterations);
    }

    [Theory]
    [InlineData("\"maxRows\": 0", "maxRows", "maxRows = 0 is out of range 1..4096")]
    [InlineData("\"maxRows\": 5000", "maxRows", "maxRows = 5000 is out of range 1..4096")]
    [InlineData("\"dimension\": 0", "dimension", "dimension = 0 is out of range 1..256")]
    [InlineData("\"productQueueDepth\": 4", "productQueueDepth", "productQueueDepth = 4 is out of range 5..16")]
    [InlineData("\"dimension\": 257", "dimension", "dimension = 257 is out of range 1..256")]
    [InlineData("\"integerBits\": -1", "integerBits", "integerBits = -1 is out of range 0..12")]
    [InlineData("\"fractionBits\": 0", "fractionBits", "fractionBits = 0 is out of range 1..12")]
    [InlineData("\"expFractionBits\": 17", "expFractionBits", "expFractionBits = 17 is out of range 1..16")]
    [InlineData("\"weightFractionBits\": 0", "weightFractionBits", "weightFractionBits = 0 is out of range 1..16")]
    [InlineData("\"outputFractionBits\": 13", "outputFractionBits", "outputFractionBits = 13 is out of range 0..12")]
    [InlineData("\"expTableGuardBits\": 9", "expTableGuardBits", "expTableGuardBits = 9 is out of range 0..8")]
    [InlineData("\"expTableLoBits\": 11", "expTableLoBits", "expTableLoBits = 11 is out of range 1..10")]
    [InlineData("\"adderLevelsPerStage\": 0", "adderLevelsPerStage", "adderLevelsPerStage = 0 is out of range 1..8")]
    [InlineData("\"dividerLatency\": 11", "dividerLatency", "dividerLatency = 11 is out of range 1..10")]
    [InlineData("\"queryQueueDepth\": 0", "queryQueueDepth", "queryQueueDepth = 0 is out of range 1..16")]
    [InlineData("\"resultQueueDepth\": 17", "resultQueueDepth", "resultQueueDepth = 17 is out of range 1..16")]
    [InlineData("\"maxIterations\": 0", "maxIterations", "maxIterations = 0 is out of range 1..128")]
    [InlineData("\"maxIterations\": 129", "maxIterations", "maxIterations = 129 is out of range 1..128 (2 * maxRows * dimension: more iterations change nothing)")]
    [InlineData("\"targetClockMhz\": 0", "targetClockMhz", "targetClockMhz = 0 is out of range 1..5000")]
    [InlineData("\"reset\": \"async-high\"", "reset", "reset = 'async-high' is not allowed (allowed: async-low, sync-high)")]
    [InlineData("\"maxRows\": 2.5", "maxRows", "field 'maxRows' must be an integer, got 2.5")]
    [InlineData("\"bogus\": 1", "bogus", "unknown field 'bogus'")]
    public void RangeViolationsNameFieldValueAndRange(string field, string name, string message)
    {
        var e = Fails(With("{" + field + "}"));
        Assert.Equal(name, e.Field);
        Assert.StartsWith(message, e.Message);
    }

    [Fact]
    public void InputWiderThan16BitsIsRejected()
    {
        var e = Fails("""{"name": "t", "maxRows": 4, "dimension": 4, "integerBits": 8, "fractionBits": 8}""");
        Assert.Equal("fractionBits", e.Field);
        Assert.Equal("integerBits + fractionBits = 16 is not allowed (allowed: at most 15, so that an input element is at most 16 bits)", e.Message);
    }

    [Fact]
    public void DefaultOutputFractionBitsThatDoNotFitNameTheField()
    {
        var e = Fails(Minimal + ", \"weightFractionBits\": 4}");
        Assert.Equal("outputFractionBits", e.Field);
        Assert.Equal("the default outputFractionBits = 3 * fractionBits = 12 exceeds weightFractionBits + fractionBits = 8: set outputFractionBits", e.Message);
    }

    [Theory]
    [InlineData("\"A3\"")]
    [InlineData("\"3a\"")]
    [InlineData("\"a3-\"")]
    [InlineData("\"a_b\"")]
    public void BadNamesAreRejected(string name)
    {
        var e = Fails("{\"name\": " + name + """, "maxRows": 4, "dimension": 4, "integerBits": 4, "fractionBits": 4}""");
        Assert.Equal("name", e.Field);
        Assert.StartsWith($"name = '{name.Trim('"')}' is not allowed", e.Message);
    }

    [Fact]
    public void MissingRequiredFieldIsNamed()
    {
        var e = Fails("""{"name": "t", "dimension": 4, "integerBits": 4, "fractionBits": 4}""");
        Assert.Equal("maxRows", e.Field);
        Assert.Equal("required field 'maxRows' is missing", e.Message);
    }

    [Fact]
    public void InvalidJsonIsReported()
    {
        var e = Fails("{\"name\": ");
        Assert.Equal("file", e.Field);
        Assert.StartsWith("configuration: line 1, column 10: ", e.Message);
    }

    [Fact]
    public void HashDependsOnEveryField()
    {
        var a = A3Config.Paper;
        Assert.NotEqual(a.Hash(), (a with { DividerLatency = 4 }).Hash());
        Assert.Equal(a.Hash(), (a with { }).Hash());
    }

    [Fact]
    public void SchemaListsTheFieldsAndRangesTheValidatorEnforces()
    {
        var schema = Newtonsoft.Json.Linq.JObject.Parse(File.ReadAllText(Path.Combine(TestSupport.RepoRoot, "schema", "a3gen-config.schema.json")));
        var properties = (Newtonsoft.Json.Linq.JObject)schema["properties"]!;
        Assert.Equal(A3Config.KnownFields.Order(), properties.Properties().Select(p => p.Name).Order());
        Assert.Equal(["dimension", "fractionBits", "integerBits", "maxRows", "name"], schema["required"]!.Select(r => (string)r!).Order());
        foreach (var property in properties.Properties().Where(p => (string?)p.Value["type"] == "integer"))
        {
            // Just outside the schema's range the generator refuses the value too.
            foreach (var (bound, step) in new[] { ("minimum", -1), ("maximum", 1) })
            {
                if (property.Value[bound] is { } limit)
                {
                    long value = (long)limit + step;
                    var json = With($"{{\"{property.Name}\": {value}}}");
                    var e = Assert.Throws<ConfigException>(() => A3Config.Parse(json));
                    Assert.Equal(property.Name, e.Field);
                }
            }
        }
    }

    [Fact]
    public void ATinyExpFormatWithoutGuardBitsElaborates()
    {
        // Rounded to one fraction bit, the tables overestimate exp: at the natural clamp (u = 1.75) they give 0.5, not 0.
        // The clamp grows by one integer bit until the tables reach 0 too.
        var c = A3Config.Parse("""{"name":"a","maxRows":1,"dimension":1,"integerBits":0,"fractionBits":1,"expFractionBits":1,"expTableGuardBits":0}""");
        var design = new Elaboration.Design(c);
        Assert.Equal(ExpTableSplit.NaturalIntegerBits(2, 1) + 1, design.Exp.InputIntegerBits);
        Assert.Equal(0, design.Exp.Exp(design.Exp.ClampRaw));
        Assert.Equal(2, design.Exp.Exp(0));
    }

    [Fact]
    public void ExpTablesAreBoundedWithTheReason()
    {
        var e = Fails(With("""{"integerBits": 3, "fractionBits": 12, "expFractionBits": 16, "weightFractionBits": 16, "outputFractionBits": 2, "expTableLoBits": 2}"""));
        Assert.Equal("expTableLoBits", e.Field);
        Assert.Equal("expTableLoBits = 2 is out of range 14..14 (the clamped exp input is 28 bits, split into a low table of 2^expTableLoBits entries and a high table of the rest; each table may hold at most 2^14 entries)", e.Message);
        e = Fails(With("""{"expTableLoBits": 15}"""));
        Assert.StartsWith("expTableLoBits = 15 is out of range 1..10 (the clamped exp input is 11 bits", e.Message);
    }

    [Theory]
    [InlineData("\"a\\n\"", "a\\n")]
    [InlineData("\"a\\r\\n\"", "a\\r\\n")]
    public void ANameWithALineBreakIsRefused(string json, string shown)
    {
        var e = Fails(With("{\"name\": " + json + "}"));
        Assert.Equal("name", e.Field);
        Assert.StartsWith($"name = '{shown}' is not allowed", e.Message);
        Assert.DoesNotContain('\n', e.Message);
    }

    [Theory]
    [InlineData("\"maxRows\": 123456789012345678901234567890", "maxRows", "maxRows = 123456789012345678901234567890 is out of range 1..4096")]
    [InlineData("\"dimension\": -9223372036854775809", "dimension", "dimension = -9223372036854775809 is out of range 1..256")]
    [InlineData("\"maxIterations\": 2147483648", "maxIterations", "maxIterations = 2147483648 is out of range 1..2097152")]
    [InlineData("\"reset\": 1", "reset", "field 'reset' must be a string (async-low or sync-high), got the number 1")]
    [InlineData("\"name\": 5", "name", "field 'name' must be a string, got the number 5")]
    [InlineData("\"scanWidth\": 1e2", "scanWidth", "field 'scanWidth' must be an integer, got 100.0")]
    public void NumbersOfAnySizeAndWrongTypesNameTheField(string field, string name, string message)
    {
        var e = Fails(With("{" + field + "}"));
        Assert.Equal(name, e.Field);
        Assert.Equal(message, e.Message);
    }

    [Theory]
    [InlineData("{\"name\": \"t\", \"maxRows\": 16,}", "line 1, column 29: trailing comma (not allowed in JSON)")]
    [InlineData("{'name': \"t\"}", "line 1, column 2: ''' is an invalid start of a property name. keys are written in double quotes")]
    [InlineData("{name: \"t\"}", "line 1, column 2: 'n' is an invalid start of a property name. keys are written in double quotes")]
    [InlineData("{\"maxRows\": 0x10}", "line 1, column 14: 'x' is an invalid end of a number. Expected a delimiter")]
    [InlineData("{\"maxRows\": 010}", "line 1, column 14: Invalid leading zero before '1'")]
    [InlineData("{\"maxRows\": NaN}", "line 1, column 13: 'N' is an invalid start of a value")]
    [InlineData("{\"maxRows\": Infinity}", "line 1, column 13: 'I' is an invalid start of a value")]
    [InlineData("{\"maxRows\": 1e999}", "line 1, column 13: number 1e999 is too large")]
    [InlineData("{\"name\": \"t\",\n \"name\": \"u\"}", "line 2, column 2: duplicate key 'name'")]
    [InlineData("", "line 1, column 1: no JSON value (the file is empty or holds only comments)")]
    [InlineData("{} {}", "line 1, column 4: '{' is invalid after a single JSON value. Expected end of data")]
    public void TheJsonPolicyRefusesWithLineAndColumn(string json, string message)
    {
        var e = Fails(json);
        Assert.Equal("file", e.Field);
        Assert.Equal("configuration: " + message, e.Message);
    }

    [Fact]
    public void CommentsAreAllowedAndNullMeansNotGiven()
    {
        var c = A3Config.Parse("""
            // JSONC: comments are allowed
            {"name": "t", "maxRows": 16, /* N */ "dimension": 4, "integerBits": 4, "fractionBits": 4,
             "reset": null, "dividerLatency": null, "expTableGuardBits": null, "$schema": null}
            """);
        Assert.Equal(A3Config.Parse(Minimal + "}"), c);
        var e = Fails(With("""{"maxRows": null}"""));
        Assert.Equal("required field 'maxRows' is missing", e.Message);
    }

    [Fact]
    public void TheSchemaHasEveryFieldRangeAndDefaultOfTheType()
    {
        var schema = Newtonsoft.Json.Linq.JObject.Parse(File.ReadAllText(Path.Combine(TestSupport.RepoRoot, "schema", "a3gen-config.schema.json")));
        var properties = (Newtonsoft.Json.Linq.JObject)schema["properties"]!;
        Assert.Equal(A3Config.KnownFields.Order(), properties.Properties().Select(p => p.Name).Order());
        Assert.Equal(A3Config.RequiredFields.Order(), schema["required"]!.Select(r => (string)r!).Order());
        var defaults = Fuzz.Json(A3Config.Paper);
        foreach (var (field, (min, max)) in A3Config.FieldRanges)
        {
            var p = properties[field]!;
            if (p["enum"] is { } values)
            {
                Assert.Equal(min, values.Min(v => (int)v));
                Assert.Equal(max, values.Max(v => (int)v));
            }
            else
            {
                Assert.True(min == (int)p["minimum"]! && max == (int)p["maximum"]!, $"{field}: schema {p["minimum"]}..{p["maximum"]}, type {min}..{max}");
            }
            // A default the schema states is the record's; a field without one is derived from the others.
            if (p["default"] is { } d)
            {
                // A field the canonical JSON leaves out at its default (lanes) has the schema's default in the record.
                Assert.Equal(d, defaults[field] ?? Newtonsoft.Json.Linq.JToken.FromObject(A3Config.Paper.Lanes));
                Assert.True(defaults[field] is not null || field == "lanes", $"{field}: left out of the canonical JSON");
            }
            else
            {
                Assert.True(A3Config.RequiredFields.Contains(field) || defaults[field] is null, $"{field}: the record has a default the schema does not state");
            }
        }
        Assert.Equal("async-low", (string?)properties["reset"]!["default"]);
        Assert.Equal("host", (string?)properties["keySort"]!["default"]);
        Assert.Equal(["host", "on-chip"], properties["keySort"]!["enum"]!.Select(v => (string)v!));
        Assert.Equal("three-pass", (string?)properties["softmax"]!["default"]);
        Assert.Equal(["three-pass", "one-pass"], properties["softmax"]!["enum"]!.Select(v => (string)v!));
        Assert.Equal(A3Config.KnownFields.Where(f => f is not ("$schema" or "name" or "reset" or "keySort" or "softmax")).Order(), A3Config.FieldRanges.Keys.Order());
    }
}
