using A3Gen.Configuration;
using A3Gen.Elaboration;

namespace A3Gen.Emission;

/// <summary>Verilog literal and extension snippets, so that templates do no width arithmetic.</summary>
public static class Verilog
{
    public static string Unsigned(int width, long value) => $"{width}'d{value}";

    /// <summary>Zero-extends a signal of <paramref name="from"/> bits to <paramref name="to"/> bits.</summary>
    public static string ZeroExtend(string signal, int from, int to) =>
        to == from ? signal : to > from ? $"{{{{{to - from}{{1'b0}}}}, {signal}}}" : throw new ArgumentException("narrowing");

    /// <summary>Sign-extends a signal of <paramref name="from"/> bits to <paramref name="to"/> bits.</summary>
    public static string SignExtend(string signal, int from, int to) =>
        to == from ? signal : to > from ? $"{{{{{to - from}{{{signal}[{from - 1}]}}}}, {signal}}}" : throw new ArgumentException("narrowing");
}

public sealed record ElementView(int Index, int Lsb, int Msb);

public sealed record PipeStageView(int Index, string Prev, string PrevRow, bool HasRow = true)
{
    /// <summary>The keep flag (post-scoring) this tag takes over: tag0's is a wire.</summary>
    public string PrevKeep => Index == 1 ? "tag0_keep" : $"tag{Index - 1}_keep_q";
}

/// <summary>One column-side of the candidate search: its slices of the shared buses and its tree signals.</summary>
public sealed record SideView(int Index, string Name, int Column, int Lsb, int Msb, string Ids,
    int AddrLsb, int AddrMsb, int DataLsb, int DataMsb, string Down, string Pop, string V, string P, string R);

/// <summary>A comparator-tree node: a leaf (a column's head), a pass-through, or a compare of A and B.</summary>
public sealed record CompareNodeView(string Name, string Kind, string A, string B, int Col, string ColLiteral);

public sealed record CompareTreeView(string Title, string Op, string Out, string Root, IReadOnlyList<CompareNodeView> Nodes);

public sealed record QueueEntryView(int Index, string Literal, bool HasNext, int Next);

public sealed record BitView(int Index, string Literal);

public sealed record TreeNodeView(string Name, int Width, string Expression, bool Registered);

public sealed record TreeLevelView(int Level, int Width, bool Registered, IReadOnlyList<TreeNodeView> Nodes)
{
    public int Msb => Width - 1;
}

public sealed record DividerStepView(int Index, bool First, bool Last, string RemainderIn, string QuotientIn, int QuotientWidthOut)
{
    public int QuotientMsb => QuotientWidthOut - 1;
}

public sealed record DividerStageView(int Index, bool Last, string RemainderIn, string QuotientIn, int QuotientWidth, IReadOnlyList<DividerStepView> Steps)
{
    public int QuotientMsb => QuotientWidth - 1;

    public string LastRemainder => $"r{Steps[^1].Index}";

    public string LastQuotient => $"q{Steps[^1].Index}";
}

public sealed record RomEntryView(string Address, string Value);

public sealed record RomView(string P, string Name, string Purpose, int AddressMsb, int DataMsb, IReadOnlyList<RomEntryView> Entries);

public sealed record PortView(string Direction, string Range, string Name, string Separator, string Description);

/// <summary>
/// What the templates see: the design's numbers, named, plus the literal strings and loop lists they
/// need. Built from <see cref="Design"/> only; holds no arithmetic of its own beyond formatting.
/// </summary>
public sealed class ViewModel
{
    public ViewModel(Design design, string generatorVersion)
    {
        D = design;
        P = design.Prefix;
        ConfigName = design.Config.Name;
        GeneratorVersion = generatorVersion;
        bool async = design.Config.Reset == ResetStyle.AsyncLow;
        Rst = design.ResetPort;
        RstEdge = async ? $" or negedge {Rst}" : "";
        RstActive = async ? $"!{Rst}" : Rst;
        Dim = design.Dimension;
        WIn = design.Input.Width;
        WRow = design.RowDataWidth;
        WProd = design.Product.Width;
        WScore = design.Score.Width;
        WExpIn = design.ExpInput.Width;
        WTable = design.Exp.TableEntryWidth;
        WTableProd = design.Exp.ProductWidth;
        WExp = design.ExpValue.Width;
        WSum = design.ExpSum.Width;
        WQuo = design.QuotientBits;
        WWeight = design.Weight.Width;
        WWv = design.WeightedValue.Width;
        WAcc = design.Accumulator.Width;
        WOut = design.Output.Width;
        WResult = design.ResultDataWidth;
        WId = design.RowIdWidth;
        WN = design.RowCountWidth;
        MaxRows = design.MaxRows;
        ExpLoBits = design.Exp.LoBits;
        ExpHiBits = design.Exp.HiBits;

        InElements = Elements(design.Dimension, WIn);
        OutElements = Elements(design.Dimension, WOut);
        RowsOne = Verilog.Unsigned(WN, 1);
        RowIdOne = Verilog.Unsigned(WId, 1);
        RowIdZero = Verilog.Unsigned(WId, 0);
        RowsZero = Verilog.Unsigned(WN, 0);
        ScoreZero = $"{WScore}'sd0";
        ExpSumZero = Verilog.Unsigned(WSum, 0);
        ExpLoMsb = design.Exp.LoBits - 1;
        RowIdCheck = (1L << WId) > design.MaxRows;
        MaxRowsLiteral = Verilog.Unsigned(WId + 1, design.MaxRows);
        RowsMax = Verilog.Unsigned(WN, design.MaxRows);
        RowsNeedUpperClamp = design.RowsNeedUpperClamp;
        LoadRowExtended = Verilog.ZeroExtend("load_row_i", WId, WId + 1);

        // Dot product: products are level 0; the tree's levels follow.
        var treeLevels = new List<TreeLevelView>();
        var prevNames = Enumerable.Range(0, design.Dimension).Select(j => $"prod{j}_q").ToList();
        int prevWidth = WProd;
        foreach (var level in design.AdderTree)
        {
            var nodes = new List<TreeNodeView>();
            for (int k = 0; k < level.Nodes; k++)
            {
                string name = $"sum{level.Level}_{k}";
                string expr = 2 * k + 1 < prevNames.Count
                    ? $"{prevNames[2 * k]} + {prevNames[2 * k + 1]}"
                    : Verilog.SignExtend(prevNames[2 * k], prevWidth, level.Width);
                nodes.Add(new TreeNodeView(name, level.Width, expr, level.Registered));
            }
            treeLevels.Add(new TreeLevelView(level.Level, level.Width, level.Registered, nodes));
            prevNames = nodes.Select(n => n.Registered ? n.Name + "_q" : n.Name + "_d").ToList();
            prevWidth = level.Width;
        }
        TreeLevels = treeLevels;
        ScoreRoot = prevNames[0];
        int dotPipe = 1 + design.AdderStages; // tag stages after the SRAM read: product register + adder registers
        DotTags = Tags(dotPipe);
        DotLastTag = $"tag{dotPipe}";

        // Exponent: score read (tag0) -> clamp register (tag1) -> table read (tag2) -> product (tag3).
        ExpTags = Tags(3, tag0RowIsWire: true);
        ClampNeeded = WScore > WExpIn;
        ClampLimit = Verilog.Unsigned(WScore, design.Exp.ClampRaw);
        ClampValue = Verilog.Unsigned(WExpIn, design.Exp.ClampRaw);
        DiffExtended = ClampNeeded ? "" : Verilog.ZeroExtend("diff", WScore, WExpIn);
        ExpShift = design.Exp.ProductShift;
        ExpRoundBit = design.Exp.ProductShift - 1;
        ExpTopUnused = WTableProd - 1;
        ExpSliceMsb = design.Exp.ProductShift + WExp - 1;
        ExpSliceMsbPlus1 = ExpSliceMsb + 1;
        ExpHasLowUnused = ExpRoundBit > 0;
        ExpLowUnusedMsb = ExpRoundBit - 1;
        ExpExtended = Verilog.ZeroExtend("exp_val", WExp, WSum);
        HiRom = Rom(design.Exp.HiTable, ExpHiBits, WTable);
        LoRom = Rom(design.Exp.LoTable, ExpLoBits, WTable);

        // Divider.
        var stages = new List<DividerStageView>();
        int stepIndex = 0, quoWidth = 0;
        for (int s = 0; s < design.DividerStageSteps.Count; s++)
        {
            bool lastStage = s == design.DividerStageSteps.Count - 1;
            string rIn = s == 0 ? "num_i" : $"rem{s - 1}_q";
            string qIn = s == 0 ? "" : $"quo{s - 1}_q";
            var steps = new List<DividerStepView>();
            for (int k = 0; k < design.DividerStageSteps[s]; k++, stepIndex++)
            {
                quoWidth++;
                steps.Add(new DividerStepView(stepIndex, stepIndex == 0, stepIndex == design.QuotientBits - 1,
                    k == 0 ? rIn : $"r{stepIndex - 1}", k == 0 ? qIn : $"q{stepIndex - 1}", quoWidth));
            }
            stages.Add(new DividerStageView(s, lastStage, rIn, qIn, quoWidth, steps));
        }
        DividerStages = stages;
        NumExtended = Verilog.ZeroExtend("num_i", WExp, WSum + 1);
        DividerLastStep = $"q{design.QuotientBits - 1}";
        DividerQuoMsb = WQuo - 1;

        // Output: exp read (tag0), divider (tags 1..L), product (tag L+1).
        int l = design.DividerLatency;
        // The row id is needed up to the value memory's read (tag L-1); later tags carry valid and last only.
        OutTags = Tags(l + 1, tag0RowIsWire: true).Select(t => t with { HasRow = t.Index <= l - 1 }).ToList();
        WvExtended = Enumerable.Range(0, design.Dimension).Select(j => Verilog.SignExtend($"wv{j}_q", WWv, WAcc)).ToList();
        VReadValid = $"tag{l - 1}_valid_q";
        VReadRow = l == 1 ? "tag0_row" : $"tag{l - 1}_row_q";
        AccZero = $"{WAcc}'sd0";
        OutLastTag = $"tag{l + 1}";
        OutputShift = design.OutputShift;
        OutputRounds = design.OutputShift > 0;
        OutputRoundBit = design.OutputShift - 1;
        OutputHasLowUnused = design.OutputShift > 1;
        OutputLowUnusedMsb = design.OutputShift - 2;
        AccExtended = "acc_ext";
        WAccPlus1 = WAcc + 1;
        WeightExtended = Verilog.ZeroExtend("weight", WWeight, WWeight + 1);

        WScoreMeta = design.ScoreMetaWidth;
        WExpMeta = design.ExpMetaWidth;
        WScoreEntry = design.ScoreEntryWidth;
        WExpEntry = design.ExpEntryWidth;
        WQueryQueue = design.QueryQueueWidth;
        WResultQueue = design.ResultQueueWidth;
        QueryQueueDepth = design.Config.QueryQueueDepth;
        ResultQueueDepth = design.Config.ResultQueueDepth;
        QueryQueuePtr = design.QueryQueuePointerWidth;
        QueryQueueCount = design.QueryQueueCountWidth;
        ResultQueuePtr = design.ResultQueuePointerWidth;
        ResultQueueCount = design.ResultQueueCountWidth;
        // ---- approximate path: candidate selection, column-sides, post-scoring ----
        int d = design.Dimension;
        WIter = design.IterationCount.Width;
        WRun = design.RunningSum.Width;
        WCol = Bits.AddressWidth(d);
        WSides = 2 * d;
        WSideAddrs = 2 * d * WId;
        WSortedEntry = design.SortedEntryWidth;
        WSideData = 2 * d * WSortedEntry;
        WCandMeta = design.CandidateMetaWidth;
        WMaxRows = design.MaxRows;
        MaxRowsM1 = design.MaxRows - 1;
        MaxRowsZero = Verilog.Unsigned(WMaxRows, 0);
        RowZero = Verilog.Unsigned(WRow, 0);
        ScoreWidthZero = Verilog.Unsigned(WScore, 0);
        QqRowsMsb = WRow + WN - 1;
        QqApproxBit = WRow + WN;
        QqItersLsb = WRow + WN + 1;
        QqItersMsb = QqItersLsb + WIter - 1;
        QqThresholdLsb = QqItersMsb + 1;
        IterZero = Verilog.Unsigned(WIter, 0);
        IterOne = Verilog.Unsigned(WIter, 1);
        RunZero = $"{WRun}'sd0";
        ProdZero = $"{WProd}'sd0";
        MaxProdToRun = Verilog.SignExtend("mx_p", WProd, WRun);
        MinProdToRun = Verilog.SignExtend("mn_p", WProd, WRun);
        MaxProdToScore = Verilog.SignExtend("mx_p", WProd, WScore);
        MinProdToScore = Verilog.SignExtend("mn_p", WProd, WScore);
        RowsWiderThanId = WN > WId;
        UpdMaxRowExtended = Verilog.ZeroExtend("upd_max_row_q", WId, WN);
        UpdMinRowExtended = Verilog.ZeroExtend("upd_min_row_q", WId, WN);
        ScanWidth = design.ScanWidth;
        WScan = design.ScanWidth;
        WWin = design.ScanWindowWidth;
        int offset = design.ScanOffsetWidth;
        WScanOffset = offset;
        WPosPadded = design.ScanWindowCount * design.ScanWidth;
        PosPadBits = WPosPadded - design.MaxRows;
        // One window covers every row when N <= S: no select (the index would have no bits).
        WindowExpr = design.ScanWindowCount == 1 ? "pos_padded" : $"pos_padded[{{win_q, {offset}'d0}} +: {WScan}]";
        ScanOne = Verilog.Unsigned(WScan, 1);
        ScanZero = Verilog.Unsigned(WScan, 0);
        ScanOffsetZero = Verilog.Unsigned(offset, 0);
        ScanBitsDescending = Enumerable.Range(0, WScan).Reverse().Select(b => new BitView(b, Verilog.Unsigned(offset, b))).ToList();
        WScanRow = WWin + offset;
        ScanRowExpr = "{win_q, low}";
        ScanRowWiderThanId = WScanRow > WId;
        EmitExtended = Verilog.ZeroExtend("emit", 1, WN);
        WinZero = Verilog.Unsigned(WWin, 0);
        WinOne = Verilog.Unsigned(WWin, 1);
        // The last window, (n - 1) >> log2 S, from rows_m1 (WN bits) into WWin bits; the bits it drops are zero.
        int lastBits = WN - offset;
        if (lastBits <= 0)
        {
            LastWindowExpr = WinZero;
            LastWindowUnused = "rows_m1";
        }
        else if (lastBits <= WWin)
        {
            LastWindowExpr = Verilog.ZeroExtend($"rows_m1[{WN - 1}:{offset}]", lastBits, WWin);
            LastWindowUnused = offset > 0 ? $"rows_m1[{offset - 1}:0]" : "";
        }
        else
        {
            LastWindowExpr = $"rows_m1[{offset + WWin - 1}:{offset}]";
            LastWindowUnused = offset > 0 ? $"rows_m1[{WN - 1}:{offset + WWin}], rows_m1[{offset - 1}:0]" : $"rows_m1[{WN - 1}:{offset + WWin}]";
        }
        var sides = new List<SideView>();
        for (int j = 0; j < d; j++)
        {
            int lsb = j * WIn, msb = lsb + WIn - 1, idLsb = j * WId, idMsb = idLsb + WId - 1;
            string col = Verilog.Unsigned(WCol, j);
            for (int side = 0; side < 2; side++)
            {
                int index = (2 * j) + side;
                bool max = side == 0;
                // load_ids_i is a scalar port when d = 1 and N <= 2: no select then.
                string ids = d * WId == 1 ? "load_ids_i" : $"load_ids_i[{idMsb}:{idLsb}]";
                sides.Add(new SideView(index, max ? $"max{j}" : $"min{j}", j, lsb, msb, ids,
                    index * WId, (index * WId) + WId - 1, index * WSortedEntry, (index * WSortedEntry) + WSortedEntry - 1,
                    max ? $"!in_q[{msb}]" : $"in_q[{msb}]",
                    max ? $"in_loop & mx_v & (mx_c == {col})" : $"pop_min & (mn_c == {col})",
                    max ? $"xv{j}" : $"nv{j}", max ? $"xp{j}" : $"np{j}", max ? $"xr{j}" : $"nr{j}"));
            }
        }
        Sides = sides;
        Trees = [CompareTree("max side: the largest head product", ">=", "mx", "x", d, WCol),
            CompareTree("min side: the smallest head product", "<=", "mn", "n", d, WCol)];
        // Column-side queue.
        QueueDepth = design.ProductQueueDepth;
        WQueueCount = design.ProductQueueCountWidth;
        QueueDepthLiteral = Verilog.Unsigned(WQueueCount, QueueDepth);
        QueueCountZero = Verilog.Unsigned(WQueueCount, 0);
        QueueEntries = Enumerable.Range(0, QueueDepth)
            .Select(k => new QueueEntryView(k, Verilog.Unsigned(WQueueCount, k), k < QueueDepth - 1, k + 1)).ToList();
        PopExtended = Verilog.ZeroExtend("pop_i", 1, WQueueCount);
        ReadCountExtended = Verilog.ZeroExtend("re_o", 1, WQueueCount);
        ArriveExtended = Verilog.ZeroExtend("arrive_q", 1, WQueueCount);
        ReadExtended = Verilog.ZeroExtend("re_o", 1, WN);
        PopRowsExtended = Verilog.ZeroExtend("pop_i", 1, WN);
        // Metadata layouts (Design's widths): candidate buffer, score buffer, exp buffer, result queue.
        CmRowsMsb = WRow + WN - 1;
        CmPostBit = WRow + WN;
        CmFallbackBit = WRow + WN + 1 + WScore;
        CmTailMsb = CmFallbackBit - (WRow + WN);
        CmMaskLsb = CmFallbackBit + 1;
        SmRowsMsb = WScore + WN - 1;
        SmPostBit = WScore + WN;
        SmThresholdLsb = SmPostBit + 1;
        SmThresholdMsb = SmThresholdLsb + WScore - 1;
        WriteExtended = Verilog.ZeroExtend("write", 1, WN);
        EmKeptMsb = WSum + WN - 1;
        EmStatsMsb = 2 * WN;
        RqKeptMsb = design.ResultDataWidth + WN - 1;
        RqCandLsb = design.ResultDataWidth + WN;
        RqCandMsb = design.ResultDataWidth + (2 * WN) - 1;

        Ports = design.Ports
            .Select((p, k) => new PortView(p.Direction == "input" ? "input " : "output", p.Range, p.Name,
                k == design.Ports.Count - 1 ? "" : ",", p.Description))
            .ToList();
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

    private static List<ElementView> Elements(int count, int width) =>
        Enumerable.Range(0, count).Select(j => new ElementView(j, j * width, (j * width) + width - 1)).ToList();

    /// <summary>Tags 1..count; tag0's row is a register (dot product) or the memory's read data (a wire).</summary>
    private static List<PipeStageView> Tags(int count, bool tag0RowIsWire = false) =>
        Enumerable.Range(1, count)
            .Select(k => new PipeStageView(k, $"tag{k - 1}", k == 1 && tag0RowIsWire ? "tag0_row" : $"tag{k - 1}_row_q"))
            .ToList();

    private static List<RomEntryView> Rom(IReadOnlyList<long> table, int addressBits, int width) =>
        table.Select((v, a) => new RomEntryView(Verilog.Unsigned(addressBits, a), Verilog.Unsigned(width, v))).ToList();

    public Design D { get; }
    public string P { get; }
    public string ConfigName { get; }
    public string GeneratorVersion { get; }
    public string Rst { get; }
    public string RstEdge { get; }
    public string RstActive { get; }
    public int Dim { get; }
    public int WIn { get; }
    public int WRow { get; }
    public int WProd { get; }
    public int WScore { get; }
    public int WExpIn { get; }
    public int WTable { get; }
    public int WTableProd { get; }
    public int WExp { get; }
    public int WSum { get; }
    public int WQuo { get; }
    public int WWeight { get; }
    public int WWv { get; }
    public int WAcc { get; }
    public int WAccPlus1 { get; }
    public int WOut { get; }
    public int WResult { get; }
    public int WId { get; }
    public int WN { get; }
    public int MaxRows { get; }
    public int ExpLoBits { get; }
    public int ExpHiBits { get; }
    public IReadOnlyList<ElementView> InElements { get; }
    public IReadOnlyList<ElementView> OutElements { get; }
    public string RowsOne { get; }
    public string RowsZero { get; }
    public string ScoreZero { get; }
    public string ExpSumZero { get; }
    public int ExpLoMsb { get; }
    public string RowIdOne { get; }
    public string RowIdZero { get; }
    public bool RowIdCheck { get; }
    public string MaxRowsLiteral { get; }
    public string RowsMax { get; }
    public bool RowsNeedUpperClamp { get; }
    public string LoadRowExtended { get; }
    public IReadOnlyList<TreeLevelView> TreeLevels { get; }
    public string ScoreRoot { get; }
    public IReadOnlyList<PipeStageView> DotTags { get; }
    public string DotLastTag { get; }
    public IReadOnlyList<PipeStageView> ExpTags { get; }
    public bool ClampNeeded { get; }
    public string ClampLimit { get; }
    public string ClampValue { get; }
    public string DiffExtended { get; }
    public int ExpShift { get; }
    public int ExpRoundBit { get; }
    public int ExpTopUnused { get; }
    public int ExpSliceMsb { get; }
    public int ExpSliceMsbPlus1 { get; }
    public bool ExpHasLowUnused { get; }
    public int ExpLowUnusedMsb { get; }
    public string ExpExtended { get; }
    public IReadOnlyList<RomEntryView> HiRom { get; }
    public IReadOnlyList<RomEntryView> LoRom { get; }
    public IReadOnlyList<DividerStageView> DividerStages { get; }
    public string NumExtended { get; }
    public string DividerLastStep { get; }
    public int DividerQuoMsb { get; }
    public IReadOnlyList<PipeStageView> OutTags { get; }
    public string VReadValid { get; }
    public string VReadRow { get; }
    public string AccZero { get; }
    public IReadOnlyList<string> WvExtended { get; }
    public string OutLastTag { get; }
    public int OutputShift { get; }
    public bool OutputRounds { get; }
    public int OutputRoundBit { get; }
    public bool OutputHasLowUnused { get; }
    public int OutputLowUnusedMsb { get; }
    public string AccExtended { get; }
    public string WeightExtended { get; }
    public int WScoreMeta { get; }
    public int WExpMeta { get; }
    public int WScoreEntry { get; }
    public int WExpEntry { get; }
    public int WQueryQueue { get; }
    public int WResultQueue { get; }
    public int QueryQueueDepth { get; }
    public int ResultQueueDepth { get; }
    public int QueryQueuePtr { get; }
    public int QueryQueueCount { get; }
    public int ResultQueuePtr { get; }
    public int ResultQueueCount { get; }

    public int WIter { get; }
    public int WRun { get; }
    public int WCol { get; }
    public int WSides { get; }
    public int WSideAddrs { get; }
    public int WSortedEntry { get; }
    public int WSideData { get; }
    public int WCandMeta { get; }
    public int WMaxRows { get; }
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
    public int ScanWidth { get; }
    public int WScan { get; }
    public int WWin { get; }
    public int WScanOffset { get; }
    public int WPosPadded { get; }
    public int PosPadBits { get; }
    public string WindowExpr { get; }
    public string ScanOne { get; }
    public string ScanZero { get; }
    public string ScanOffsetZero { get; }
    public IReadOnlyList<BitView> ScanBitsDescending { get; }
    public int WScanRow { get; }
    public string ScanRowExpr { get; }
    public bool ScanRowWiderThanId { get; }
    public string EmitExtended { get; }
    public string WinZero { get; }
    public string WinOne { get; }
    public string LastWindowExpr { get; }
    public string LastWindowUnused { get; }
    public IReadOnlyList<SideView> Sides { get; }
    public IReadOnlyList<CompareTreeView> Trees { get; }
    public int QueueDepth { get; }
    public int WQueueCount { get; }
    public string QueueDepthLiteral { get; }
    public string QueueCountZero { get; }
    public IReadOnlyList<QueueEntryView> QueueEntries { get; }
    public string PopExtended { get; }
    public string ReadCountExtended { get; }
    public string ArriveExtended { get; }
    public string ReadExtended { get; }
    public string PopRowsExtended { get; }
    public int CmRowsMsb { get; }
    public int CmPostBit { get; }
    public int CmTailMsb { get; }
    public int CmFallbackBit { get; }
    public int CmMaskLsb { get; }
    public int SmRowsMsb { get; }
    public int SmPostBit { get; }
    public int SmThresholdLsb { get; }
    public int SmThresholdMsb { get; }
    public string WriteExtended { get; }
    public int EmKeptMsb { get; }
    public int EmStatsMsb { get; }
    public int RqKeptMsb { get; }
    public int RqCandLsb { get; }
    public int RqCandMsb { get; }
    public IReadOnlyList<PortView> Ports { get; }
}
