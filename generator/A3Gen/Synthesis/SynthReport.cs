using A3Gen.Emission;

namespace A3Gen.Synthesis;

/// <summary>Counts of one module (its own cells) or of a subtree (with its instances, recursively).</summary>
public sealed record CellCounts
{
    public long Cells { get; init; }
    public long FlipFlops { get; init; }
    public long Latches { get; init; }
    public long Luts { get; init; }
    public long Dsps { get; init; }
    public long BlockRams { get; init; }
    public long LutRams { get; init; }
    public long Transistors { get; init; }
    /// <summary>$mul cells of the RTL before mapping.</summary>
    public long Multipliers { get; init; }
    /// <summary>Memory bits of the RTL before mapping (ROM tables; the SRAMs when they are synthesized).</summary>
    public long MemoryBits { get; init; }
    /// <summary>SRAM instances left as black-box macros.</summary>
    public long Macros { get; init; }
    public long MacroBits { get; init; }
    public SortedDictionary<string, long> ByType { get; init; } = new(StringComparer.Ordinal);

    public CellCounts Plus(CellCounts o, long times = 1)
    {
        var byType = new SortedDictionary<string, long>(ByType, StringComparer.Ordinal);
        foreach (var (k, v) in o.ByType)
        {
            byType[k] = byType.GetValueOrDefault(k) + (v * times);
        }
        return new CellCounts
        {
            Cells = Cells + (o.Cells * times),
            FlipFlops = FlipFlops + (o.FlipFlops * times),
            Latches = Latches + (o.Latches * times),
            Luts = Luts + (o.Luts * times),
            Dsps = Dsps + (o.Dsps * times),
            BlockRams = BlockRams + (o.BlockRams * times),
            LutRams = LutRams + (o.LutRams * times),
            Transistors = Transistors + (o.Transistors * times),
            Multipliers = Multipliers + (o.Multipliers * times),
            MemoryBits = MemoryBits + (o.MemoryBits * times),
            Macros = Macros + (o.Macros * times),
            MacroBits = MacroBits + (o.MacroBits * times),
            ByType = byType,
        };
    }
}

/// <summary>One synthesized module (a Yosys module: a parameter variant of a generated module).</summary>
public sealed record ModuleReport(string Module, string YosysName, IReadOnlyList<string> UsedBy, CellCounts Own, int Depth);

/// <summary>One instance of the top with everything below it, or the top's own glue logic.</summary>
public sealed record InstanceReport(string Instance, string Module, CellCounts Total, int Depth);

/// <summary>One SRAM instance: what a memory compiler needs.</summary>
public sealed record MacroReport(string Instance, string Module, int Depth, int Width, int AddressWidth, long Bits, string Ports, string Purpose, string Mapping);

/// <summary>nextpnr-ice40's answer, or why it did not run.</summary>
public sealed record PlaceAndRoute(string Device, bool Ran, string Note, double FmaxMhz, int TargetMhz, long LogicCells, long LogicCellsAvailable, long Rams, long RamsAvailable, long Ios, long IosAvailable);

/// <summary>The longest combinational path of the flattened netlist and where it lies.</summary>
public sealed record LongestPath(int Depth, string Instance, string Module, string From, string To);

public sealed record SynthReport(
    string Config,
    string Top,
    string Target,
    string Memories,
    string Script,
    double Seconds,
    IReadOnlyList<ModuleReport> Modules,
    IReadOnlyList<InstanceReport> Instances,
    CellCounts Total,
    LongestPath LongestPath,
    int CheckProblems,
    IReadOnlyList<MacroReport> Macros,
    PlaceAndRoute? PlaceAndRoute,
    AsicTiming? Asic = null)
{
    public SynthTarget TargetKind => Enum.Parse<SynthTarget>(Target, ignoreCase: true);
}
