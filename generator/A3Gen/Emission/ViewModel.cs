using A3Gen.Configuration;
using A3Gen.Elaboration;

namespace A3Gen.Emission;

/// <summary>One column-side of the candidate search: its slices of the shared buses and its tree signals.</summary>
public sealed record SideView(int Index, string Name, int Column, int Lsb, int Msb, string Ids,
    int AddrLsb, int AddrMsb, int DataLsb, int DataMsb, string Down, string Pop, string V, string P, string R);

/// <summary>A comparator-tree node: a leaf (a column's head), a pass-through, or a compare of A and B.</summary>
public sealed record CompareNodeView(string Name, string Kind, string A, string B, int Col, string ColLiteral);

public sealed record CompareTreeView(string Title, string Op, string Out, string Root, IReadOnlyList<CompareNodeView> Nodes);

public sealed record QueueEntryView(int Index, string Literal, bool HasNext, int Next);

/// <summary>
/// What the candidate-search templates (candidate.v, column_side.v) see until they move onto their
/// own views. Width W&lt;Name&gt; and its most significant bit M&lt;Name&gt; are explicit properties.
/// </summary>
public sealed class ViewModel
{
    public ViewModel(Design design)
    {
        P = design.Prefix;
        bool async = design.Config.Reset == ResetStyle.AsyncLow;
        Rst = design.ResetPort;
        RstEdge = async ? $" or negedge {Rst}" : "";
        RstActive = async ? $"!{Rst}" : Rst;
        Dim = design.Dimension;
        WIn = design.Input.Width;
        WRow = design.RowDataWidth;
        WId = design.RowIdWidth;
        int wN = design.RowCountWidth, wScore = design.Score.Width, wProd = design.Product.Width;
        MIn = WIn - 1;
        MRow = WRow - 1;
        MId = WId - 1;
        MN = wN - 1;
        MScore = wScore - 1;
        MProd = wProd - 1;
        InElements = Enumerable.Range(0, design.Dimension).Select(j => new ElementView(j)).ToList();
        RowsOne = Verilog.Unsigned(wN, 1);
        RowsZero = Verilog.Unsigned(wN, 0);
        ScoreZero = $"{wScore}'sd0";
        RowsMax = Verilog.Unsigned(wN, design.MaxRows);
        RowsNeedUpperClamp = design.RowsNeedUpperClamp;
        MCandMeta = design.CandidateMetaWidth - 1;
        MQueryQueue = design.QueryQueueWidth - 1;
        int d = design.Dimension;
        int wIter = design.IterationCount.Width, wRun = design.RunningSum.Width, wCol = Bits.AddressWidth(d);
        MIter = wIter - 1;
        MRun = wRun - 1;
        MCol = wCol - 1;
        MSides = (2 * d) - 1;
        MSideAddrs = (2 * d * WId) - 1;
        int wSorted = design.SortedEntryWidth;
        MSortedEntry = wSorted - 1;
        MSideData = (2 * d * wSorted) - 1;
        MMaxRows = design.MaxRows - 1;
        MaxRowsM1 = design.MaxRows - 1;
        MaxRowsZero = Verilog.Unsigned(design.MaxRows, 0);
        RowZero = Verilog.Unsigned(WRow, 0);
        ScoreWidthZero = Verilog.Unsigned(wScore, 0);
        var qq = design.QueryQueueEntry;
        QqRowsMsb = qq["Rows"].Msb;
        QqApproxBit = qq["Approximate"].Lsb;
        QqItersLsb = qq["Iterations"].Lsb;
        QqItersMsb = qq["Iterations"].Msb;
        QqThresholdLsb = qq["Threshold"].Lsb;
        IterZero = Verilog.Unsigned(wIter, 0);
        IterOne = Verilog.Unsigned(wIter, 1);
        RunZero = $"{wRun}'sd0";
        ProdZero = $"{wProd}'sd0";
        MaxProdToRun = Verilog.SignExtend("mx_p", wProd, wRun);
        MinProdToRun = Verilog.SignExtend("mn_p", wProd, wRun);
        MaxProdToScore = Verilog.SignExtend("mx_p", wProd, wScore);
        MinProdToScore = Verilog.SignExtend("mn_p", wProd, wScore);
        RowsWiderThanId = wN > WId;
        UpdMaxRowExtended = Verilog.ZeroExtend("upd_max_row_q", WId, wN);
        UpdMinRowExtended = Verilog.ZeroExtend("upd_min_row_q", WId, wN);
        var sides = new List<SideView>();
        for (int j = 0; j < d; j++)
        {
            int lsb = j * WIn, msb = lsb + WIn - 1, idLsb = j * WId, idMsb = idLsb + WId - 1;
            string col = Verilog.Unsigned(wCol, j);
            for (int side = 0; side < 2; side++)
            {
                int index = (2 * j) + side;
                bool max = side == 0;
                string ids = d * WId == 1 ? "load_ids_i" : $"load_ids_i[{idMsb}:{idLsb}]";
                sides.Add(new SideView(index, max ? $"max{j}" : $"min{j}", j, lsb, msb, ids,
                    index * WId, (index * WId) + WId - 1, index * wSorted, (index * wSorted) + wSorted - 1,
                    max ? $"!in_q[{msb}]" : $"in_q[{msb}]",
                    max ? $"in_loop & mx_v & (mx_c == {col})" : $"pop_min & (mn_c == {col})",
                    max ? $"xv{j}" : $"nv{j}", max ? $"xp{j}" : $"np{j}", max ? $"xr{j}" : $"nr{j}"));
            }
        }
        Sides = sides;
        Trees = [CompareTree("max side: the largest head product", ">=", "mx", "x", d, wCol),
            CompareTree("min side: the smallest head product", "<=", "mn", "n", d, wCol)];
        QueueDepth = design.ProductQueueDepth;
        int wQueueCount = design.ProductQueueCountWidth;
        MQueueCount = wQueueCount - 1;
        QueueDepthLiteral = Verilog.Unsigned(wQueueCount, QueueDepth);
        QueueCountZero = Verilog.Unsigned(wQueueCount, 0);
        QueueEntries = Enumerable.Range(0, QueueDepth)
            .Select(k => new QueueEntryView(k, Verilog.Unsigned(wQueueCount, k), k < QueueDepth - 1, k + 1)).ToList();
        PopExtended = Verilog.ZeroExtend("pop_i", 1, wQueueCount);
        ReadCountExtended = Verilog.ZeroExtend("re_o", 1, wQueueCount);
        ArriveExtended = Verilog.ZeroExtend("arrive_q", 1, wQueueCount);
        ReadExtended = Verilog.ZeroExtend("re_o", 1, wN);
        PopRowsExtended = Verilog.ZeroExtend("pop_i", 1, wN);
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

    public string P { get; }
    public string Rst { get; }
    public string RstEdge { get; }
    public string RstActive { get; }
    public int Dim { get; }
    public int WIn { get; }
    public int WRow { get; }
    public int WId { get; }
    public int MIn { get; }
    public int MRow { get; }
    public int MId { get; }
    public int MN { get; }
    public int MScore { get; }
    public int MProd { get; }
    public int MCandMeta { get; }
    public int MQueryQueue { get; }
    public int MIter { get; }
    public int MRun { get; }
    public int MCol { get; }
    public int MSides { get; }
    public int MSideAddrs { get; }
    public int MSortedEntry { get; }
    public int MSideData { get; }
    public int MMaxRows { get; }
    public int MQueueCount { get; }
    public IReadOnlyList<ElementView> InElements { get; }
    public string RowsOne { get; }
    public string RowsZero { get; }
    public string ScoreZero { get; }
    public string RowsMax { get; }
    public bool RowsNeedUpperClamp { get; }
    public int MaxRowsM1 { get; }
    public string MaxRowsZero { get; }
    public string RowZero { get; }
    public string ScoreWidthZero { get; }
    public int QqRowsMsb { get; }
    public int QqApproxBit { get; }
    public int QqItersLsb { get; }
    public int QqItersMsb { get; }
    public int QqThresholdLsb { get; }
    public string IterZero { get; }
    public string IterOne { get; }
    public string RunZero { get; }
    public string ProdZero { get; }
    public string MaxProdToRun { get; }
    public string MinProdToRun { get; }
    public string MaxProdToScore { get; }
    public string MinProdToScore { get; }
    public bool RowsWiderThanId { get; }
    public string UpdMaxRowExtended { get; }
    public string UpdMinRowExtended { get; }
    public IReadOnlyList<SideView> Sides { get; }
    public IReadOnlyList<CompareTreeView> Trees { get; }
    public int QueueDepth { get; }
    public string QueueDepthLiteral { get; }
    public string QueueCountZero { get; }
    public IReadOnlyList<QueueEntryView> QueueEntries { get; }
    public string PopExtended { get; }
    public string ReadCountExtended { get; }
    public string ArriveExtended { get; }
    public string ReadExtended { get; }
    public string PopRowsExtended { get; }
}
