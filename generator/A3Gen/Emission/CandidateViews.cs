using A3Gen.Elaboration;

namespace A3Gen.Emission;

/// <summary>One column-side of the candidate search in candidate.v: its index among the sides, its stream name, its column.</summary>
/// <param name="Name">Its stream: the wires Name_present, Name_valid, Name_prod, Name_row and Name_pop.</param>
/// <param name="DownAtStart">Whether the side walks its column from entry n-1 down: from q[j]'s sign.</param>
public sealed record SideView(int Index, string Name, int Column, string DownAtStart);

/// <summary>
/// A merge-tree node instance in candidate.v: merges streams A (lower columns, preferred on ties) and B
/// into the stream named <see cref="Name"/>; <see cref="Ascending"/> is 1 on the min side.
/// </summary>
public sealed record MergeTreeNodeView(string Name, string A, string B, int Ascending);

/// <summary>templates/rtl/candidate.v.scriban: the candidate-selection stage.</summary>
/// <param name="Streams">Every stream (column-side or merge-tree node): the wires it declares.</param>
public sealed record CandidateView(
    IReadOnlyList<LocalparamView> Localparams,
    int Dimension,
    int MergeTreeLevels,
    IReadOnlyList<SideView> Sides,
    IReadOnlyList<string> Streams,
    IReadOnlyList<MergeTreeNodeView> Nodes,
    string MaxRoot,
    string MinRoot,
    bool RowCountNeedsUpperClamp,
    string RowCountZero,
    string RowCountOne,
    string RowCountMax,
    string ScoreZero,
    string ThresholdZero,
    string QueryZero,
    string MaskZero,
    string IterationZero,
    string IterationOne,
    string RunningSumZero,
    string ProductZero,
    string MaxProductToRunningSum,
    string MinProductToRunningSum,
    string MaxProductToScore,
    string MinProductToScore,
    string MaskOne,
    string WaitZero,
    string WaitOne,
    string FillLiteral,
    string DrainLiteral,
    string CandMetaPacking);

public sealed record QueueEntryView(int Index, string Literal, bool HasNext, int Next);

/// <summary>templates/rtl/column_side.v.scriban: one side of one sorted key column.</summary>
public sealed record ColumnSideView(
    IReadOnlyList<LocalparamView> Localparams,
    int QueueDepth,
    int ProductRegisterStages,
    IReadOnlyList<QueueEntryView> QueueEntries,
    string QueueDepthLiteral,
    string QueueCountZero,
    bool RowCountWiderThanRowId,
    string RowCountZero,
    string RowCountOne,
    string PopExtended,
    string ReadCountExtended,
    string ProductArriveExtended,
    string ReadExtended,
    string PopRowsExtended);

/// <summary>templates/rtl/merge_node.v.scriban: one two-input node of the candidate search's merge trees.</summary>
public sealed record MergeNodeView(IReadOnlyList<LocalparamView> Localparams);

/// <summary>Builds the candidate search's views from <see cref="Design"/>.</summary>
public static class CandidateViewBuilder
{
    public static CandidateView Candidate(Design design)
    {
        int d = design.Dimension, wN = design.RowCountWidth, wId = design.RowIdWidth, wScore = design.Score.Width;
        int wProd = design.Product.Width, wIter = design.IterationCount.Width, wRun = design.RunningSum.Width;
        int wWait = Bits.UnsignedWidth(Math.Max(design.CandidateFillCycles, design.CandidateDrainCycles));
        var lp = new LocalparamList()
            .Width("MaxRows", design.MaxRows, "N, greedy-score registers")
            .Width("ElementWidth", design.Input.Width, $"q and key elements: {design.Input.Describe()}")
            .Width("RowWidth", design.RowDataWidth, $"q: d = {d} elements")
            .Width("RowIdWidth", wId, $"row id, 0..{design.MaxRows - 1}")
            .Width("RowCountWidth", wN, $"row count, 0..{design.MaxRows}")
            .Width("ProductWidth", wProd, $"product: {design.Product.Describe()}")
            .Width("ScoreWidth", wScore, $"greedy score and threshold: {design.GreedyScore.Describe()}")
            .Width("IterationWidth", wIter, $"iteration count M: {design.IterationCount.Describe()}")
            .Width("RunningSumWidth", wRun, $"running sum R (carry-save: two words): {design.RunningSum.Describe()}")
            .Width("WaitWidth", wWait, $"fill and drain countdown, 0..{Math.Max(design.CandidateFillCycles, design.CandidateDrainCycles)}")
            .Width("SideCount", 2 * d, "column-sides: max side of column j at 2j, min side at 2j+1")
            .BusWidth(design.SortedEntry)
            .Bus(design.QueryQueueEntry)
            .BusWidth(design.CandidateMeta);
        var sides = new List<SideView>();
        for (int j = 0; j < d; j++)
        {
            sides.Add(new SideView(2 * j, $"max{j}", j, $"!in_q[{j + 1}*ElementWidth-1]"));
            sides.Add(new SideView((2 * j) + 1, $"min{j}", j, $"in_q[{j + 1}*ElementWidth-1]"));
        }
        var streams = new List<string>();
        var nodes = new List<MergeTreeNodeView>();
        string maxRoot = MergeTree(d, "max", "mx", 0, streams, nodes), minRoot = MergeTree(d, "min", "mn", 1, streams, nodes);
        string maskZero = Verilog.Unsigned(design.MaxRows, 0);
        var packing = Packing.Concatenation(design.CandidateMeta, new Dictionary<string, string>
        {
            ["Q"] = "qv_q",
            ["Rows"] = "rows_q",
            ["PostScoring"] = "post",
            ["Threshold"] = "t_q",
            ["Fallback"] = "fallback",
            ["Mask"] = $"(post ? pos : {maskZero})",
        });
        return new CandidateView(lp.Build(), d, design.MergeTreeLevels, sides, streams, nodes, maxRoot, minRoot,
            design.RowsNeedUpperClamp, Verilog.Unsigned(wN, 0), Verilog.Unsigned(wN, 1), Verilog.Unsigned(wN, design.MaxRows),
            $"{wScore}'sd0", Verilog.Unsigned(wScore, 0), Verilog.Unsigned(design.RowDataWidth, 0), maskZero,
            Verilog.Unsigned(wIter, 0), Verilog.Unsigned(wIter, 1), Verilog.Unsigned(wRun, 0), $"{wProd}'sd0",
            Verilog.SignExtend("p_max", wProd, wRun), Verilog.SignExtend("p_min", wProd, wRun),
            Verilog.SignExtend("upd_max_p_q", wProd, wScore), Verilog.SignExtend("upd_min_p_q", wProd, wScore),
            Verilog.Unsigned(design.MaxRows, 1),
            Verilog.Unsigned(wWait, 0), Verilog.Unsigned(wWait, 1),
            Verilog.Unsigned(wWait, design.CandidateFillCycles), Verilog.Unsigned(wWait, design.CandidateDrainCycles), packing);
    }

    public static ColumnSideView ColumnSide(Design design)
    {
        int wN = design.RowCountWidth, wId = design.RowIdWidth, depth = design.ProductQueueDepth, wCount = design.ProductQueueCountWidth;
        var lp = new LocalparamList()
            .Width("ElementWidth", design.Input.Width, $"q[j]: {design.Input.Describe()}")
            .Width("RowIdWidth", wId, $"row id, 0..{design.MaxRows - 1}")
            .Width("RowCountWidth", wN, $"row count, 0..{design.MaxRows}")
            .Width("ProductWidth", design.Product.Width, $"product: {design.Product.Describe()}")
            .Width("QueueCountWidth", wCount, $"queue occupancy, 0..{depth}")
            .Bus(design.SortedEntry);
        return new ColumnSideView(lp.Build(), depth, design.ProductRegisterStages,
            Enumerable.Range(0, depth).Select(k => new QueueEntryView(k, Verilog.Unsigned(wCount, k), k < depth - 1, k + 1)).ToList(),
            Verilog.Unsigned(wCount, depth), Verilog.Unsigned(wCount, 0), wN > wId, Verilog.Unsigned(wN, 0), Verilog.Unsigned(wN, 1),
            Verilog.ZeroExtend("pop", 1, wCount), Verilog.ZeroExtend("re_o", 1, wCount), Verilog.ZeroExtend("product_q", 1, wCount),
            Verilog.ZeroExtend("re_o", 1, wN), Verilog.ZeroExtend("pop", 1, wN));
    }

    public static MergeNodeView MergeNode(Design design) =>
        new(new LocalparamList()
            .Width("ProductWidth", design.Product.Width, $"product: {design.Product.Describe()}")
            .Width("RowIdWidth", design.RowIdWidth, $"row id, 0..{design.MaxRows - 1}")
            .Build());

    /// <summary>
    /// One side's merge tree over the d column-sides (level 0, column order): each level pairs neighbours
    /// (A the lower columns), an odd one out passes to the next level as it is. Returns the root's stream.
    /// </summary>
    private static string MergeTree(int d, string side, string prefix, int ascending, List<string> streams, List<MergeTreeNodeView> nodes)
    {
        var level = Enumerable.Range(0, d).Select(j => $"{side}{j}").ToList();
        streams.AddRange(level);
        for (int l = 1; level.Count > 1; l++)
        {
            var next = new List<string>();
            for (int k = 0; 2 * k < level.Count; k++)
            {
                if ((2 * k) + 1 < level.Count)
                {
                    string name = $"{prefix}{l}_{k}";
                    nodes.Add(new MergeTreeNodeView(name, level[2 * k], level[(2 * k) + 1], ascending));
                    streams.Add(name);
                    next.Add(name);
                }
                else
                {
                    next.Add(level[2 * k]);
                }
            }
            level = next;
        }
        return level[0];
    }
}
