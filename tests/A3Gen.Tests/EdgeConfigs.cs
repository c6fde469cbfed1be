using A3Gen.Configuration;
using A3Gen.Elaboration;

namespace A3Gen.Tests;

/// <summary>Configurations at the edges of the allowed ranges, generated and checked beside the shipped ones.</summary>
public static class EdgeConfigs
{
    public static IReadOnlyDictionary<string, A3Config> All { get; } = new Dictionary<string, A3Config>
    {
        // One row, one element, the shallowest pipeline, synchronous reset, no output rounding.
        ["edge-tiny"] = new()
        {
            Name = "edge-tiny",
            MaxRows = 1,
            Dimension = 1,
            IntegerBits = 0,
            FractionBits = 1,
            DividerLatency = 1,
            Reset = ResetStyle.SyncHigh,
            QueryQueueDepth = 1,
            ResultQueueDepth = 1,
            ScanWidth = 256,
        },
        // A power-of-two N (no row-range check), odd d (pass-through adder nodes), one adder level per
        // stage, the deepest divider, a 1-bit low table, output rounding by several bits.
        ["edge-odd"] = new()
        {
            Name = "edge-odd",
            MaxRows = 32,
            Dimension = 7,
            IntegerBits = 2,
            FractionBits = 3,
            AdderLevelsPerStage = 1,
            DividerLatency = 8,
            ExpTableLoBits = 1,
            ExpTableGuardBits = 0,
            OutputFractionBits = 2,
            QueryQueueDepth = 4,
            ResultQueueDepth = 1,
            ProductQueueDepth = 5,
            ScanWidth = 2,
        },
        // keySort = "on-chip" (Elaboration/KeySorter.cs): N not a power of two, the shipped 9-bit elements
        // (2-bit digits, 5 passes: the staging half is the other half).
        ["edge-sort"] = new()
        {
            Name = "edge-sort",
            MaxRows = 20,
            Dimension = 3,
            IntegerBits = 4,
            FractionBits = 4,
            KeySort = KeySort.OnChip,
        },
        // The smallest on-chip sorter: N = 2, d = 1 (a scalar load_ids_i), 2-bit elements (1-bit digits, 2 passes), sync reset.
        ["edge-sort-tiny"] = new()
        {
            Name = "edge-sort-tiny",
            MaxRows = 2,
            Dimension = 1,
            IntegerBits = 0,
            FractionBits = 1,
            Reset = ResetStyle.SyncHigh,
            ScanWidth = 2,
            KeySort = KeySort.OnChip,
        },
        // 16-bit elements (the widest): 4-bit digits, an even pass count (the staging half is the sorted half); N = 40, d = 2.
        ["edge-sort-wide"] = new()
        {
            Name = "edge-sort-wide",
            MaxRows = 40,
            Dimension = 2,
            IntegerBits = 7,
            FractionBits = 8,
            WeightFractionBits = 8,
            ExpFractionBits = 8,
            OutputFractionBits = 8,
            KeySort = KeySort.OnChip,
        },
    };

    public static Design Design(string name) => new(All[name]);
}
