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
}
