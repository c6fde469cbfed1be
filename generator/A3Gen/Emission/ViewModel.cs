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

public sealed record PipeStageView(int Index, string Prev, string PrevRow, bool HasRow = true);

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
        Ports = design.Ports
            .Select((p, k) => new PortView(p.Direction == "input" ? "input " : "output", p.Range, p.Name,
                k == design.Ports.Count - 1 ? "" : ",", p.Description))
            .ToList();
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
    public IReadOnlyList<PortView> Ports { get; }
}
