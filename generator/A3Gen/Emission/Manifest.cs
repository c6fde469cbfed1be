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
                ["productQueueDepth"] = design.ProductQueueDepth,
                ["scanWidth"] = design.ScanWidth,
                ["sortedEntryWidth"] = design.SortedEntryWidth,
            },
            ["timing"] = new JObject
            {
                ["stageOverheads"] = new JObject
                {
                    ["candidateSelectionExact"] = design.CandidateExactPeriod,
                    ["candidateSelectionApproximate"] = design.CandidateOverhead,
                    ["dotProduct"] = design.DotProductOverhead,
                    ["exponent"] = design.ExponentOverhead,
                    ["output"] = design.OutputOverhead,
                },
                ["latency"] = design.LatencyFormula,
                ["interval"] = design.IntervalFormula,
                ["paperLatency"] = "3n + 27",
                ["paperInterval"] = "n + 9",
                ["approximate"] = $"candidate selection {design.CandidateOverhead} + M, dot product scan + {design.DotProductOverhead}, exponent C + {design.ExponentOverhead}, output K + {design.OutputOverhead}; scan = sum over ceil(n / {design.ScanWidth}) windows of max(1, candidates in the window)",
                ["examples"] = new JArray(sampleRows.Select(n => new JObject
                {
                    ["n"] = n,
                    ["latencyCycles"] = design.Latency(n),
                    ["intervalCycles"] = Number(design.MeanInterval(n)),
                })),
            },
            ["memories"] = new JArray(Memories(design)),
            ["memoryInterface"] = MemoryInterface(design),
            ["flow"] = new JObject
            {
                ["clockPort"] = design.ClockPort,
                ["targetClockMhz"] = design.Config.TargetClockMhz,
                ["clockPeriodNs"] = design.ClockPeriodNs,
                ["fileList"] = "filelist.f",
                ["fusesoc"] = FlowFiles.CoreName(design),
                ["sdc"] = FlowFiles.SdcName(design),
                ["yosysScripts"] = new JArray(FlowFiles.Targets.Select(FlowFiles.ScriptName)),
            },
            ["ports"] = new JArray(design.Ports.Select(p => new JObject
            {
                ["name"] = p.Name,
                ["direction"] = p.Direction,
                ["width"] = p.Width,
                ["description"] = p.Description,
            })),
            ["files"] = new JArray(files.Select(f => new JObject { ["name"] = f.Name, ["sha256"] = f.Sha256 })),
        };
        if (design.Sorter is { } sorter)
        {
            root.Property("memoryInterface")!.AddAfterSelf(new JProperty("keySorter", KeySorterSection(design, sorter)));
        }
        return root.ToString(Formatting.Indented).Replace("\r\n", "\n") + "\n";
    }

    /// <summary>keySort = "on-chip": the sorter's algorithm, its closed form and the dual-port SRAM module's interface.</summary>
    /// <summary>A whole number of cycles as an integer (18, not 18.0), a mean between whole numbers as it is (5.5).</summary>
    private static JToken Number(double value) => value == Math.Floor(value) ? new JValue((long)value) : new JValue(value);

    private static JObject KeySorterSection(Design design, KeySorter sorter) => new()
    {
        ["algorithm"] = "LSD radix sort of every key column in lockstep: offset-binary keys, stable scatter passes between the two halves of each column's dual-port memory",
        ["digitBits"] = sorter.DigitBits,
        ["passes"] = sorter.Passes,
        ["sortCycles"] = $"P (n + 1) + 1 = {sorter.Passes} (n + 1) + 1, from the sort beat (load target 3) to load_ready_o for K",
        ["loadAndSortCycles"] = $"n + P (n + 1) + 1 = {sorter.Passes + 1} n + {sorter.Passes + 1}, K rows back to back then the sort beat; budget n ceil(log2 n) + {KeySorter.BudgetSlack}",
        ["examples"] = new JArray(new[] { 1, 2, (design.MaxRows + 1) / 2, design.MaxRows }.Distinct().Select(n => new JObject
        {
            ["n"] = n,
            ["loadAndSortCycles"] = sorter.LoadAndSortCycles(n),
            ["budgetCycles"] = KeySorter.Budget(n),
        })),
        ["dualPortInterface"] = Interface($"{design.Prefix}_sram_dp", DualPortPorts),
    };

    private static readonly (string Name, string Direction, string Width, string Description)[] DualPortPorts =
    [
        ("clk_i", "input", "1", "clock: writes and reads happen at its rising edge"),
        ("a_en_i", "input", "1", "port A enable: a write if a_we_i, else a read"),
        ("a_we_i", "input", "1", "port A write enable"),
        ("a_addr_i", "input", "AddrWidth", "port A address"),
        ("a_wdata_i", "input", "Width", "port A write data"),
        ("a_rdata_o", "output", "Width", "port A read data, registered: valid the cycle after a read; holds while port A does not read"),
        ("b_en_i", "input", "1", "port B enable: a write if b_we_i, else a read"),
        ("b_we_i", "input", "1", "port B write enable"),
        ("b_addr_i", "input", "AddrWidth", "port B address"),
        ("b_wdata_i", "input", "Width", "port B write data"),
        ("b_rdata_o", "output", "Width", "port B read data, registered: valid the cycle after a read; holds while port B does not read"),
    ];

    private static IEnumerable<JObject> Memories(Design design) =>
        design.Memories.Select(m => new JObject
        {
            ["instance"] = m.Instance,
            ["module"] = $"{design.Prefix}_{m.ModuleSuffix}",
            ["depth"] = m.Depth,
            ["width"] = m.Width,
            ["addressWidth"] = m.AddressWidth,
            ["bits"] = m.Bits,
            ["ports"] = m.PortsDescription,
            ["readLatency"] = 1,
            ["readDuringWrite"] = "old data",
            ["purpose"] = m.Purpose,
        });

    /// <summary>The SRAM module's interface: what a memory macro's wrapper implements.</summary>
    private static JObject MemoryInterface(Design design) => Interface($"{design.Prefix}_sram", SramPorts);

    /// <summary>A memory module's interface: its parameters and ports.</summary>
    private static JObject Interface(string module, IEnumerable<(string Name, string Direction, string Width, string Description)> ports) => new()
    {
        ["module"] = module,
        ["parameters"] = new JArray("Width", "Depth", "AddrWidth"),
        ["ports"] = new JArray(ports.Select(p => new JObject
        {
            ["name"] = p.Name,
            ["direction"] = p.Direction,
            ["width"] = p.Width,
            ["description"] = p.Description,
        })),
    };

    private static readonly (string Name, string Direction, string Width, string Description)[] SramPorts =
    [
        ("clk_i", "input", "1", "clock: writes and reads happen at its rising edge"),
        ("we_i", "input", "1", "write enable"),
        ("waddr_i", "input", "AddrWidth", "write address"),
        ("wdata_i", "input", "Width", "write data"),
        ("re_i", "input", "1", "read enable: rdata_o holds its value while low"),
        ("raddr_i", "input", "AddrWidth", "read address"),
        ("rdata_o", "output", "Width", "read data, registered: valid the cycle after re_i; old data on a same-address write"),
    ];
}
