using A3Gen.Elaboration;
using Newtonsoft.Json;
using Newtonsoft.Json.Linq;

namespace A3Gen.Emission;

/// <summary>The manifest: what was generated, from what, with every derived number and the files' hashes.</summary>
public static class Manifest
{
    public static string Build(Design design, string generatorVersion, IReadOnlyList<GeneratedFile> files)
    {
        var config = JObject.Parse(design.Config.ToCanonicalJson());
        int[] sampleRows = new[] { 1, 16, 64, design.MaxRows }.Where(n => n <= design.MaxRows).Distinct().ToArray();
        var root = new JObject
        {
            ["generator"] = "A3Gen",
            ["generatorVersion"] = generatorVersion,
            ["configuration"] = config,
            ["configurationSha256"] = design.Config.Hash(),
            ["top"] = $"{design.Prefix}_top",
            ["formats"] = new JArray(design.Formats.Select(f => new JObject
            {
                ["name"] = f.Name,
                ["signed"] = f.Signed,
                ["width"] = f.Width,
                ["integerBits"] = f.IntegerBits,
                ["fractionBits"] = f.FractionBits,
                ["derivation"] = f.Derivation,
            })),
            ["exp"] = new JObject
            {
                ["inputIntegerBits"] = design.Exp.InputIntegerBits,
                ["inputWidth"] = design.Exp.InputWidth,
                ["clampRaw"] = design.Exp.ClampRaw,
                ["clampValue"] = design.Exp.ClampRaw / Math.Pow(2, design.Exp.InputFractionBits),
                ["hiBits"] = design.Exp.HiBits,
                ["loBits"] = design.Exp.LoBits,
                ["tableFractionBits"] = design.Exp.TableFractionBits,
                ["tableEntryWidth"] = design.Exp.TableEntryWidth,
                ["productShift"] = design.Exp.ProductShift,
                ["hiTable"] = new JArray(design.Exp.HiTable),
                ["loTable"] = new JArray(design.Exp.LoTable),
            },
            ["structure"] = new JObject
            {
                ["adderTreeLevels"] = design.AdderTree.Count,
                ["adderTreeStages"] = design.AdderStages,
                ["dividerQuotientBits"] = design.QuotientBits,
                ["dividerStageSteps"] = new JArray(design.DividerStageSteps),
                ["outputShift"] = design.OutputShift,
                ["rowIdWidth"] = design.RowIdWidth,
                ["rowCountWidth"] = design.RowCountWidth,
            },
            ["timing"] = new JObject
            {
                ["stageOverheads"] = new JObject
                {
                    ["dotProduct"] = design.DotProductOverhead,
                    ["exponent"] = design.ExponentOverhead,
                    ["output"] = design.OutputOverhead,
                },
                ["latency"] = $"3n + {design.Latency(0)}",
                ["interval"] = $"n + {design.Interval(0)}",
                ["paperLatency"] = "3n + 27",
                ["paperInterval"] = "n + 9",
                ["examples"] = new JArray(sampleRows.Select(n => new JObject
                {
                    ["n"] = n,
                    ["latencyCycles"] = design.Latency(n),
                    ["intervalCycles"] = design.Interval(n),
                })),
            },
            ["memories"] = new JArray(Memories(design)),
            ["ports"] = new JArray(design.Ports.Select(p => new JObject
            {
                ["name"] = p.Name,
                ["direction"] = p.Direction,
                ["width"] = p.Width,
                ["description"] = p.Description,
            })),
            ["files"] = new JArray(files.Select(f => new JObject { ["name"] = f.Name, ["sha256"] = f.Sha256 })),
        };
        return root.ToString(Formatting.Indented).Replace("\r\n", "\n") + "\n";
    }

    private static IEnumerable<JObject> Memories(Design design)
    {
        var p = design.Prefix;
        (string instance, int width, string purpose)[] memories =
        [
            ("u_key_sram", design.RowDataWidth, "key matrix K, one row per word"),
            ("u_value_sram", design.RowDataWidth, "value matrix V, one row per word"),
            ("u_score_sram0", design.ScoreEntryWidth, "score buffer bank 0: (rowId, score)"),
            ("u_score_sram1", design.ScoreEntryWidth, "score buffer bank 1: (rowId, score)"),
            ("u_exp_sram0", design.ExpEntryWidth, "exp buffer bank 0: (rowId, e)"),
            ("u_exp_sram1", design.ExpEntryWidth, "exp buffer bank 1: (rowId, e)"),
        ];
        return memories.Select(m => new JObject
        {
            ["instance"] = m.instance,
            ["module"] = $"{p}_sram",
            ["depth"] = design.MaxRows,
            ["width"] = m.width,
            ["bits"] = (long)design.MaxRows * m.width,
            ["ports"] = "1 write, 1 registered read",
            ["purpose"] = m.purpose,
        });
    }
}
