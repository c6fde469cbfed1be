using System.Text.RegularExpressions;
using A3Gen.Elaboration;
using A3Gen.Emission;

namespace A3Gen.Tests;

public class BusLayoutTests
{
    public static TheoryData<string> Configs => new([.. TestSupport.ShippedConfigNames, .. EdgeConfigs.All.Keys]);

    [Fact]
    public void FieldsArePlacedFromBitZeroUpwards()
    {
        var bus = new BusLayout("Demo", "demo", new PackedField("A", 3, "a"), PackedField.Flag("B", "b"), new PackedField("C", 5, "c"));
        Assert.Equal([(0, 2), (3, 3), (4, 8)], bus.Fields.Select(f => (f.Lsb, f.Msb)));
        Assert.Equal(9, bus.Width);
        Assert.Throws<ArgumentException>(() => new BusLayout("Bad", "bad", new PackedField("A", 0, "a")));
        Assert.Throws<ArgumentException>(() => new BusLayout("Bad", "bad", new PackedField("A", 1, "a"), new PackedField("A", 1, "a")));
    }

    [Fact]
    public void PackingNeedsAnExpressionForEveryField()
    {
        var bus = new BusLayout("Demo", "demo", new PackedField("A", 3, "a"), PackedField.Flag("B", "b"));
        Assert.Equal("{ b, a }", Packing.Concatenation(bus, new Dictionary<string, string> { ["A"] = "a", ["B"] = "b" }));
        var e = Assert.Throws<InvalidOperationException>(() => Packing.Concatenation(bus, new Dictionary<string, string> { ["A"] = "a" }));
        Assert.Equal("packing of Demo: missing fields [B], unknown []", e.Message);
    }

    [Theory]
    [MemberData(nameof(Configs))]
    public void DesignWidthsAreTheLayouts(string name)
    {
        var design = Lint.DesignFor(name);
        Assert.Equal(design.QueryQueueEntry.Width, design.QueryQueueWidth);
        Assert.Equal(design.Threshold.Width + design.IterationCount.Width + 1 + design.RowCountWidth + design.RowDataWidth, design.QueryQueueWidth);
        Assert.Equal(design.MaxRows + 1 + design.Threshold.Width + 1 + design.RowCountWidth + design.RowDataWidth, design.CandidateMetaWidth);
        // With lanes the buffers' metadata also count their entries (groups of P rows).
        int entries = design.HasLanes ? Bits.UnsignedWidth((design.MaxRows + design.Lanes - 1) / design.Lanes) : 0;
        Assert.Equal(1 + design.Threshold.Width + 1 + design.RowCountWidth + design.Score.Width + entries, design.ScoreMetaWidth);
        Assert.Equal(1 + (2 * design.RowCountWidth) + design.ExpSum.Width + entries, design.ExpMetaWidth);
        // A buffer entry: a row id and a value, or a group id, P flags and P values.
        int id = design.HasLanes ? Bits.AddressWidth((design.MaxRows + design.Lanes - 1) / design.Lanes) : design.RowIdWidth;
        int flags = design.HasLanes ? design.Lanes : 0;
        Assert.Equal(id + flags + (design.Lanes * design.Score.Width), design.ScoreEntryWidth);
        Assert.Equal(id + flags + (design.Lanes * design.ExpValue.Width), design.ExpEntryWidth);
        Assert.Equal(1 + (2 * design.RowCountWidth) + design.ResultDataWidth, design.ResultQueueWidth);
        Assert.Equal(design.RowIdWidth + design.Input.Width, design.SortedEntryWidth);
    }

    /// <summary>Every bus field position a module declares is the layout's, and every declared localparam is used.</summary>
    [Theory]
    [MemberData(nameof(Configs))]
    public void ModulesDeclareTheLayoutsPositions(string name)
    {
        var design = Lint.DesignFor(name);
        var fields = design.Buses.SelectMany(b => b.Fields.Select(f => ($"{b.Name}{f.Name}Lsb", (long)f.Lsb))
            .Concat(b.Fields.Where(f => !f.IsFlag).Select(f => ($"{b.Name}{f.Name}Width", (long)f.Width)))
            .Append(($"{b.Name}Width", b.Width))).ToDictionary(p => p.Item1, p => p.Item2);
        int checkedCount = 0;
        foreach (var file in Emitter.RtlFiles(new Emitter(TemplateRenderer.Default()).Render(design)))
        {
            foreach (Match m in Regex.Matches(file.Text, @"localparam integer (\w+)\s*= (\d+);"))
            {
                string param = m.Groups[1].Value;
                if (fields.TryGetValue(param, out long expected))
                {
                    Assert.Equal(expected, long.Parse(m.Groups[2].Value));
                    checkedCount++;
                }
                Assert.True(Regex.Matches(file.Text, $@"\b{param}\b").Count > 1, $"{file.Name}: {param} is declared but not used");
            }
        }
        Assert.True(checkedCount > 40, $"only {checkedCount} bus localparams found");
    }

    [Fact]
    public void RtlFilesAreTheFileListsFilesInOrder()
    {
        var design = TestSupport.ShippedDesign("a3-small");
        var files = new Emitter(TemplateRenderer.Default()).Render(design);
        var rtl = Emitter.RtlFiles(files);
        Assert.Equal(files.Single(f => f.Name == "filelist.f").Text.Split('\n', StringSplitOptions.RemoveEmptyEntries), rtl.Select(f => f.Name));
        Assert.Equal($"{design.Prefix}_top.v", rtl[^1].Name);
        var e = Assert.Throws<ArgumentException>(() => Emitter.RtlFiles(files.Where(f => f.Name != rtl[0].Name).ToList()));
        Assert.Equal($"filelist.f names {rtl[0].Name}, which the file set does not hold", e.Message);
    }
}
