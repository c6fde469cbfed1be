using A3Gen.Elaboration;

namespace A3Gen.Emission;

/// <summary>One column-side of the candidate search in candidate.v: its index among the sides, its column, its head signals.</summary>
/// <param name="DownAtStart">Whether the side walks its column from entry n-1 down: from q[j]'s sign.</param>
/// <param name="Pop">When its head is consumed.</param>
public sealed record SideView(int Index, string Name, int Column, string DownAtStart, string Pop, string HeadValid, string HeadProduct, string HeadRow);

/// <summary>A comparator-tree node: a leaf (a column's head), a pass-through, or a compare of A and B.</summary>
public sealed record CompareNodeView(string Name, string Kind, string A, string B, int Col, string ColLiteral);

public sealed record CompareTreeView(string Title, string Op, string Out, string Root, IReadOnlyList<CompareNodeView> Nodes);

/// <summary>templates/rtl/candidate.v.scriban: the candidate-selection stage.</summary>
public sealed record CandidateView(
    IReadOnlyList<LocalparamView> Localparams,
    int Dimension,
    IReadOnlyList<ElementView> Elements,
    IReadOnlyList<SideView> Sides,
    IReadOnlyList<CompareTreeView> Trees,
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
    string UpdMaxRowExtended,
    string UpdMinRowExtended,
    string CandMetaPacking);

public sealed record QueueEntryView(int Index, string Literal, bool HasNext, int Next);

/// <summary>templates/rtl/column_side.v.scriban: one side of one sorted key column.</summary>
public sealed record ColumnSideView(
    IReadOnlyList<LocalparamView> Localparams,
    int QueueDepth,
    IReadOnlyList<QueueEntryView> QueueEntries,
    string QueueDepthLiteral,
    string QueueCountZero,
    bool RowCountWiderThanRowId,
    string RowCountZero,
    string RowCountOne,
    string PopExtended,
    string ReadCountExtended,
    string ArriveExtended,
    string ReadExtended,
    string PopRowsExtended);

/// <summary>Builds the candidate search's views from <see cref="Design"/>.</summary>
public static class CandidateViewBuilder
{
    public static CandidateView Candidate(Design design)
    {
        int d = design.Dimension, wN = design.RowCountWidth, wId = design.RowIdWidth, wScore = design.Score.Width;
        int wProd = design.Product.Width, wIter = design.IterationCount.Width, wRun = design.RunningSum.Width, wCol = Bits.AddressWidth(d);
        var lp = new LocalparamList()
            .Width("MaxRows", design.MaxRows, "N, greedy-score registers")
            .Width("ElementWidth", design.Input.Width, $"q and key elements: {design.Input.Describe()}")
            .Width("RowWidth", design.RowDataWidth, $"q: d = {d} elements")
            .Width("RowIdWidth", wId, $"row id, 0..{design.MaxRows - 1}")
            .Width("RowCountWidth", wN, $"row count, 0..{design.MaxRows}")
            .Width("ProductWidth", wProd, $"product: {design.Product.Describe()}")
            .Width("ScoreWidth", wScore, $"greedy score and threshold: {design.GreedyScore.Describe()}")
            .Width("IterationWidth", wIter, $"iteration count M: {design.IterationCount.Describe()}")
            .Width("RunningSumWidth", wRun, $"running sum R: {design.RunningSum.Describe()}")
            .Width("ColumnWidth", wCol, $"column index, 0..{d - 1}")
            .Width("SideCount", 2 * d, "column-sides: max side of column j at 2j, min side at 2j+1")
            .BusWidth(design.SortedEntry)
            .Bus(design.QueryQueueEntry)
            .BusWidth(design.CandidateMeta);
        var sides = new List<SideView>();
        for (int j = 0; j < d; j++)
        {
            string col = Verilog.Unsigned(wCol, j);
            sides.Add(new SideView(2 * j, $"max{j}", j, $"!in_q[{j + 1}*ElementWidth-1]", $"in_loop & mx_v & (mx_c == {col})", $"xv{j}", $"xp{j}", $"xr{j}"));
            sides.Add(new SideView((2 * j) + 1, $"min{j}", j, $"in_q[{j + 1}*ElementWidth-1]", $"pop_min & (mn_c == {col})", $"nv{j}", $"np{j}", $"nr{j}"));
        }
        string maskZero = Verilog.Unsigned(design.MaxRows, 0);
        var packing = Packing.Concatenation(design.CandidateMeta, new Dictionary<string, string>
        {
            ["Q"] = "qv_q",
            ["Rows"] = "rows_q",
            ["PostScoring"] = "post",
            ["Threshold"] = "t_q",
            ["Fallback"] = "fallback",
            ["Mask"] = $"(post ? pos_d : {maskZero})",
        });
        return new CandidateView(lp.Build(), d, Enumerable.Range(0, d).Select(j => new ElementView(j)).ToList(), sides,
            [CompareTree("max side: the largest head product", ">=", "mx", "x", d, wCol),
                CompareTree("min side: the smallest head product", "<=", "mn", "n", d, wCol)],
            design.RowsNeedUpperClamp, Verilog.Unsigned(wN, 0), Verilog.Unsigned(wN, 1), Verilog.Unsigned(wN, design.MaxRows),
            $"{wScore}'sd0", Verilog.Unsigned(wScore, 0), Verilog.Unsigned(design.RowDataWidth, 0), maskZero,
            Verilog.Unsigned(wIter, 0), Verilog.Unsigned(wIter, 1), $"{wRun}'sd0", $"{wProd}'sd0",
            Verilog.SignExtend("mx_p", wProd, wRun), Verilog.SignExtend("mn_p", wProd, wRun),
            Verilog.SignExtend("mx_p", wProd, wScore), Verilog.SignExtend("mn_p", wProd, wScore),
            Verilog.ZeroExtend("upd_max_row_q", wId, wN), Verilog.ZeroExtend("upd_min_row_q", wId, wN), packing);
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
        return new ColumnSideView(lp.Build(), depth,
            Enumerable.Range(0, depth).Select(k => new QueueEntryView(k, Verilog.Unsigned(wCount, k), k < depth - 1, k + 1)).ToList(),
            Verilog.Unsigned(wCount, depth), Verilog.Unsigned(wCount, 0), wN > wId, Verilog.Unsigned(wN, 0), Verilog.Unsigned(wN, 1),
            Verilog.ZeroExtend("pop_i", 1, wCount), Verilog.ZeroExtend("re_o", 1, wCount), Verilog.ZeroExtend("arrive_q", 1, wCount),
            Verilog.ZeroExtend("re_o", 1, wN), Verilog.ZeroExtend("pop_i", 1, wN));
    }

    /// <summary>A comparator tree over d column heads, level by level; ties go to A, the lower columns.</summary>
    private static CompareTreeView CompareTree(string title, string op, string output, string prefix, int d, int colWidth)
    {
        var nodes = new List<CompareNodeView>();
        var level = new List<string>();
        for (int j = 0; j < d; j++)
        {
            string name = $"{prefix}t0_{j}";
            nodes.Add(new CompareNodeView(name, "leaf", prefix, "", j, Verilog.Unsigned(colWidth, j)));
            level.Add(name);
        }
        for (int l = 1; level.Count > 1; l++)
        {
            var next = new List<string>();
            for (int k = 0; 2 * k < level.Count; k++)
            {
                string name = $"{prefix}t{l}_{k}";
                nodes.Add(2 * k + 1 < level.Count
                    ? new CompareNodeView(name, "compare", level[2 * k], level[(2 * k) + 1], 0, "")
                    : new CompareNodeView(name, "pass", level[2 * k], "", 0, ""));
                next.Add(name);
            }
            level = next;
        }
        return new CompareTreeView(title, op, output, level[0], nodes);
    }
}
