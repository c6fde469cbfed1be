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
        // The one-pass softmax (Elaboration/OnePassSoftmax.cs) on a3-small's shape.
        ["onepass-small"] = new()
        {
            Name = "onepass-small",
            MaxRows = 16,
            Dimension = 4,
            IntegerBits = 4,
            FractionBits = 4,
            Softmax = Softmax.OnePass,
        },
        // One-pass at its edges: one row and one element (every query n = 1, one set empty), no integer bits, one-entry queues.
        ["edge-onepass-tiny"] = new()
        {
            Name = "edge-onepass-tiny",
            MaxRows = 1,
            Dimension = 1,
            IntegerBits = 0,
            FractionBits = 1,
            Reset = ResetStyle.SyncHigh,
            QueryQueueDepth = 1,
            ResultQueueDepth = 1,
            ScanWidth = 256,
            Softmax = Softmax.OnePass,
        },
        // One-pass with fewer output than input fraction bits (the divisor is shifted instead of the dividend), odd d
        // on nine dividers (two groups, the last padded; the ninth divider on the divisor's inverted copy), a 1-bit low
        // table, a one-entry result queue.
        ["edge-onepass-odd"] = new()
        {
            Name = "edge-onepass-odd",
            MaxRows = 32,
            Dimension = 11,
            IntegerBits = 2,
            FractionBits = 3,
            AdderLevelsPerStage = 1,
            ExpTableLoBits = 1,
            ExpTableGuardBits = 0,
            OutputFractionBits = 2,
            QueryQueueDepth = 4,
            ResultQueueDepth = 1,
            ScanWidth = 2,
            Softmax = Softmax.OnePass,
            NormalizerDividers = 9,
        },
        // One-pass with the on-chip sorter, a three-entry result queue (three queries in flight) and one divider: the
        // drain takes three cycles a query, so a third query waits for the oldest one's drain (OnePassSoftmax.InFlight).
        ["edge-onepass-sort"] = new()
        {
            Name = "edge-onepass-sort",
            MaxRows = 20,
            Dimension = 3,
            IntegerBits = 4,
            FractionBits = 4,
            ResultQueueDepth = 3,
            KeySort = KeySort.OnChip,
            Softmax = Softmax.OnePass,
            NormalizerDividers = 1,
        },
        // Lanes (lanes = P > 1): a3-small's shape with four lanes (four groups of four rows).
        ["lanes-small"] = new()
        {
            Name = "lanes-small",
            MaxRows = 16,
            Dimension = 4,
            IntegerBits = 4,
            FractionBits = 4,
            Lanes = 4,
        },
        // Lanes at their edges: two rows in two lanes (one group: the group id has no bits to select), one element, sync reset, one-entry queues.
        ["edge-lanes-tiny"] = new()
        {
            Name = "edge-lanes-tiny",
            MaxRows = 2,
            Dimension = 1,
            IntegerBits = 0,
            FractionBits = 1,
            Reset = ResetStyle.SyncHigh,
            QueryQueueDepth = 1,
            ResultQueueDepth = 1,
            ScanWidth = 2,
            Lanes = 2,
        },
        // Four lanes that do not divide N = 10 (the last group half full), odd d, one adder level a stage, output rounding,
        // a 1-bit low table, a one-entry result queue, two groups a scan window, the on-chip sorter.
        ["edge-lanes-odd"] = new()
        {
            Name = "edge-lanes-odd",
            KeySort = KeySort.OnChip,
            MaxRows = 10,
            Dimension = 7,
            IntegerBits = 2,
            FractionBits = 3,
            AdderLevelsPerStage = 1,
            DividerLatency = 3,
            ExpTableLoBits = 1,
            ExpTableGuardBits = 0,
            OutputFractionBits = 2,
            QueryQueueDepth = 4,
            ResultQueueDepth = 1,
            ScanWidth = 2,
            Lanes = 4,
        },
        // Sixteen lanes (the most) over N = 20 (two groups, the second a quarter full), d = 2, 4-bit elements (sixteen
        // lanes of everything: with 9-bit elements the Yosys gate alone took 64 s in the suite, 117,143 cells; 43,013 now).
        ["edge-lanes-wide"] = new()
        {
            Name = "edge-lanes-wide",
            MaxRows = 20,
            Dimension = 2,
            IntegerBits = 1,
            FractionBits = 2,
            Lanes = 16,
        },
        // One-pass with lanes (the lanes share the running max, each has its own two sets): a3-small's shape with four lanes.
        ["onepass-lanes"] = new()
        {
            Name = "onepass-lanes",
            MaxRows = 16,
            Dimension = 4,
            IntegerBits = 4,
            FractionBits = 4,
            Softmax = Softmax.OnePass,
            Lanes = 4,
        },
        // One-pass with two lanes over two rows (one group), one element, one-entry queues, sync reset, the on-chip sorter.
        ["edge-onepass-lanes-tiny"] = new()
        {
            Name = "edge-onepass-lanes-tiny",
            KeySort = KeySort.OnChip,
            MaxRows = 2,
            Dimension = 1,
            IntegerBits = 0,
            FractionBits = 1,
            Reset = ResetStyle.SyncHigh,
            QueryQueueDepth = 1,
            ResultQueueDepth = 1,
            ScanWidth = 2,
            Softmax = Softmax.OnePass,
            Lanes = 2,
        },
        // One-pass with four lanes not dividing N = 10, odd d on three dividers, fewer output than input fraction bits,
        // a one-entry result queue.
        ["edge-onepass-lanes-odd"] = new()
        {
            Name = "edge-onepass-lanes-odd",
            MaxRows = 10,
            Dimension = 7,
            IntegerBits = 2,
            FractionBits = 3,
            AdderLevelsPerStage = 1,
            ExpTableLoBits = 1,
            ExpTableGuardBits = 0,
            OutputFractionBits = 2,
            QueryQueueDepth = 4,
            ResultQueueDepth = 1,
            ScanWidth = 2,
            Softmax = Softmax.OnePass,
            NormalizerDividers = 3,
            Lanes = 4,
        },
        // One-pass with eight lanes over N = 12 (two groups, the second half full), d = 2, two dividers, a three-entry
        // result queue, 4-bit elements (98,846 generic cells with 9-bit ones, 37,037 now; sixteen one-pass lanes
        // synthesize for about two minutes: measured apart, see the README's "Lanes").
        ["edge-onepass-lanes-wide"] = new()
        {
            Name = "edge-onepass-lanes-wide",
            MaxRows = 12,
            Dimension = 2,
            IntegerBits = 1,
            FractionBits = 2,
            ResultQueueDepth = 3,
            Softmax = Softmax.OnePass,
            NormalizerDividers = 2,
            Lanes = 8,
        },
    };

    public static Design Design(string name) => new(All[name]);
}
