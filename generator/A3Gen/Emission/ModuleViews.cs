using A3Gen.Configuration;
using A3Gen.Elaboration;

namespace A3Gen.Emission;

/// <summary>
/// What every module template sees besides its own view: the prefix, the reset, and what the header
/// says (configuration name, generator version, the configuration's SHA-256).
/// </summary>
/// <param name="ResetEdge">The reset's term in a sequential block's sensitivity list ("" when synchronous).</param>
/// <param name="ResetActive">The condition under which the reset is active.</param>
public sealed record CommonView(string Prefix, string ConfigName, string GeneratorVersion, string ConfigHash,
    string ResetPort, string ResetEdge, string ResetActive)
{
    public static CommonView Of(Design design, string generatorVersion)
    {
        bool async = design.Config.Reset == ResetStyle.AsyncLow;
        string rst = design.ResetPort;
        return new CommonView(design.Prefix, design.Config.Name, generatorVersion, design.Config.Hash(),
            rst, async ? $" or negedge {rst}" : "", async ? $"!{rst}" : rst);
    }
}

/// <summary>The view of a module that needs nothing beyond <see cref="CommonView"/> (SRAM, FIFO, ping-pong control).</summary>
public sealed record PlainModuleView
{
    public static PlainModuleView Instance { get; } = new();
}

public sealed record ElementView(int Index);

/// <summary>One split multiplier (dot product, output): its high partial product shifted into place, its low one extended.</summary>
/// <param name="Name">Its names' suffix: the element's index, or lane_element with lanes.</param>
/// <param name="KeyOffset">The element's offset in the key register, in elements: lane * d + element.</param>
public sealed record ProductElementView(int Index, string HighShifted, string LowExtended, string Name, int KeyOffset);

/// <summary>One value element of the output: what its high and low accumulators add, and their sum (the accumulator).</summary>
public sealed record OutputElementView(int Index, string HighAddend, string LowAddend, string Sum);

/// <summary>One register stage of a stage's tag pipeline (valid, last and what else the stage carries).</summary>
/// <param name="Prev">The tag it takes over.</param>
/// <param name="PrevRow">The row id it takes over: a register, or tag0's wire.</param>
/// <param name="HasRow">False past the last stage that needs the row id.</param>
/// <summary>
/// The names a stage's entry counters print: the index and count widths' localparams and their 0 and 1 literals, for rows
/// or, with lanes, for groups of P rows.
/// </summary>
public sealed record IndexNames(string IdWidth, string CountWidth, string IdZero, string IdOne, string CountZero, string CountOne)
{
    public static IndexNames For(Design design, string groupCountWidth = "GroupCountWidth") => design.HasLanes
        ? new("GroupIdWidth", groupCountWidth, Verilog.Unsigned(design.GroupIdWidth, 0), Verilog.Unsigned(design.GroupIdWidth, 1),
            Verilog.Unsigned(design.GroupCountWidth, 0), Verilog.Unsigned(design.GroupCountWidth, 1))
        : new("RowIdWidth", "RowCountWidth", Verilog.Unsigned(design.RowIdWidth, 0), Verilog.Unsigned(design.RowIdWidth, 1),
            Verilog.Unsigned(design.RowCountWidth, 0), Verilog.Unsigned(design.RowCountWidth, 1));
}

public sealed record PipeStageView(int Index, string Prev, string PrevRow, bool HasRow = true, int KeepFrom = 1, int KeepTo = int.MaxValue)
{
    /// <summary>True when this tag carries the keep flag (post-scoring): from tag KeepFrom to tag KeepTo.</summary>
    public bool HasKeep => Index >= KeepFrom && Index <= KeepTo;

    /// <summary>The keep flag this tag takes over: the first keeping tag's is a wire.</summary>
    public string PrevKeep => Index == KeepFrom ? $"tag{Index - 1}_keep" : $"tag{Index - 1}_keep_q";
}

public sealed record BitView(int Index, string Literal);

/// <summary>
/// One level of the dot product's scan prefix OR: sp(Index + 1)[i] = sp(Index)[i] | sp(Index)[i - Span], so after
/// log2 S levels sp[i] is the OR of the window's flags 0..i (log2 S gates deep, where a chain would be S).
/// </summary>
public sealed record ScanPrefixLevelView(int Index, int Span);

/// <summary>A registered node of the adder tree: the carry-save rows it reduces its operands with (none for one or two), and the final add.</summary>
public sealed record TreeNodeView(string Name, int Width, IReadOnlyList<CarrySaveTermView> Terms, string Expression);

/// <summary>One named term of a carry-save reduction: a sign-extended operand, a row's sum, its majority or its shifted carry.</summary>
public sealed record CarrySaveTermView(string Name, int Width, string Expression)
{
    public CarrySaveTermView(string name, string expression)
        : this(name, 0, expression)
    {
    }

    public int Msb => Width - 1;

    /// <summary>True when the term has the node's width (else its own, <see cref="Width"/>).</summary>
    public bool NodeWidth => Width == 0;
}

/// <summary>One registered stage of the adder tree: levels <see cref="FirstLevel"/> to <see cref="Level"/>.</summary>
public sealed record TreeLevelView(int FirstLevel, int Level, int Width, IReadOnlyList<TreeNodeView> Nodes)
{
    public int Msb => Width - 1;

    public bool OneLevel => FirstLevel == Level;
}

/// <summary>
/// One unit of the divider: a radix-2 step (one quotient bit) or, when <paramref name="Pair"/>, a radix-4 step
/// (two quotient bits from three subtractions side by side); named by its first step's index.
/// </summary>
public sealed record DividerStepView(int Index, bool First, bool Last, string RemainderIn, string QuotientIn, int QuotientWidthOut, bool Pair = false)
{
    public int QuotientMsb => QuotientWidthOut - 1;
}

public sealed record DividerStageView(int Index, bool Last, string RemainderIn, string QuotientIn, int QuotientWidth, IReadOnlyList<DividerStepView> Steps)
{
    public int QuotientMsb => QuotientWidth - 1;

    /// <summary>The stage has a radix-4 step (it needs den, 2 den and 3 den).</summary>
    public bool Pairs => Steps.Any(s => s.Pair);

    /// <summary>The stage has a single restoring step (it needs den alone).</summary>
    public bool Singles => Steps.Any(s => !s.Pair);

    /// <summary>3 den reaches this stage: it or a later one has a radix-4 step.</summary>
    public bool Den3 { get; init; }

    public string LastRemainder => $"r{Steps[^1].Index}";

    public string LastQuotient => $"q{Steps[^1].Index}";
}

public sealed record RomEntryView(string Address, string Value);

/// <summary>templates/rtl/exp_rom.v.scriban: one of the exponent's two lookup tables.</summary>
public sealed record ExpRomView(string Name, string Purpose, IReadOnlyList<LocalparamView> Localparams, IReadOnlyList<RomEntryView> Entries);

/// <summary>templates/rtl/divider.v.scriban: the pipelined restoring divider of the output stage.</summary>
public sealed record DividerView(
    IReadOnlyList<LocalparamView> Localparams,
    int WeightFractionBits,
    int Latency,
    int Steps,
    IReadOnlyList<DividerStageView> Stages,
    string NumeratorExtended,
    string LastStep,
    bool HasPairs,
    bool HasSingles);

/// <summary>templates/rtl/dot_product.v.scriban.</summary>
public sealed record DotProductView(
    IReadOnlyList<LocalparamView> Localparams,
    int Dimension,
    int ScanWidth,
    IReadOnlyList<ProductElementView> Elements,
    IReadOnlyList<TreeLevelView> TreeLevels,
    string ScoreRoot,
    IReadOnlyList<PipeStageView> Tags,
    string LastTag,
    int MaskPadBits,
    string WindowSelect,
    string ScanZero,
    IReadOnlyList<ScanPrefixLevelView> ScanPrefixLevels,
    IReadOnlyList<BitView> ScanOffsetMasks,
    string LastWindow,
    string LastWindowUnused,
    bool ScanRowWiderThanRowId,
    string WindowZero,
    string WindowOne,
    string RowCountZero,
    string RowCountOne,
    string RowIdZero,
    string RowIdOne,
    string ScoreZero,
    string ScoreMetaPacking,
    string ScoreEntryPacking,
    bool Overlap,
    IReadOnlyList<int> AllTags,
    string PipeBusy)
{
    /// <summary>The names of the stage's entry index and count (rows, or groups with lanes).</summary>
    public required IndexNames Index { get; init; }

    /// <summary>The width localparam of the key memory's read data (a row, or a group's rows).</summary>
    public required string KeyWidth { get; init; }

    /// <summary>The exact path's issue count: rows, or groups with lanes.</summary>
    public required string LeftInit { get; init; }

    /// <summary>The issue count less one, whose high bits are the scan's last window.</summary>
    public required string LastSource { get; init; }

    /// <summary>The flags the scan looks at: the candidate mask, or the groups' flags with lanes.</summary>
    public required string MaskSource { get; init; }

    /// <summary>The tag at which a score entry is written (the adder trees' roots).</summary>
    public required string WriteTag { get; init; }

    /// <summary>What the running max takes: the score, or the group's max with lanes.</summary>
    public required string MaxInput { get; init; }

    /// <summary>The one-pass softmax: the stage feeds the online stage (no score buffer).</summary>
    public required bool OnePass { get; init; }

    /// <summary>The tag whose scores are written (three-pass: it carries the score buffer bank this far).</summary>
    public required int WriteTagIndex { get; init; }

    /// <summary>Three-pass with lanes: 1..log2 P, the registers that carry the entry and scored-row counts from the write to the done.</summary>
    public required IReadOnlyList<int> LaneChain { get; init; }


    /// <summary>The lane parts (null with one lane).</summary>
    public DotProductLanesView? Lanes { get; init; }
}

/// <summary>A lane's score: the root of its adder tree.</summary>
public sealed record LaneScoreView(int Index, string Root);

/// <summary>A registered two-input node of a lane tree: operand A (valid flag, value) and operand B.</summary>
/// <param name="HasValid">False at the root, whose valid flag the tags carry.</param>
public sealed record LaneNodeView(string Name, string AValid, string A, string BValid, string B, bool HasValid);

/// <summary>The dot product's lane parts (see ModuleViewBuilder.DotProductLanes).</summary>
public sealed record DotProductLanesView(
    int Lanes,
    int Groups,
    int MaxRows,
    int LaneMaskPadBits,
    string RoundUp,
    string GroupsSelect,
    string RowsUpUnused,
    IReadOnlyList<string> ExactValid,
    string MaskLanes,
    string ScoredPopcount,
    string RowCountZero,
    IReadOnlyList<LaneScoreView> Scores,
    IReadOnlyList<LaneNodeView> MaxNodes,
    string GroupMax)
{
    public IReadOnlyList<int> GroupIndices => Enumerable.Range(0, Groups).ToList();

    /// <summary>Zero bits that pad the candidate flags to whole windows of groups (more than one group).</summary>
    public int WindowLanesPadBits { get; init; }

    /// <summary>The current window's groups' candidate flags, ScanWidth * P bits (empty with one group).</summary>
    public string WindowLanes { get; init; } = "";

    public IReadOnlyList<int> LaneIndices => Enumerable.Range(0, Lanes).ToList();
}

/// <summary>templates/rtl/exponent.v.scriban (with post-scoring).</summary>
public sealed record ExponentView(
    IReadOnlyList<LocalparamView> Localparams,
    IReadOnlyList<PipeStageView> Tags,
    string LastTag,
    string TableProductSum,
    bool ClampNeeded,
    string ClampLimit,
    string ClampValue,
    string DifferenceExtended,
    bool HasLowUnused,
    string ExpExtended,
    string KeptIncrement,
    string ExpSumZero,
    string RowCountZero,
    string RowCountOne,
    string RowIdZero,
    string RowIdOne,
    string ExpMetaPacking,
    string ExpEntryPacking)
{
    /// <summary>The names of the stage's entry index and count (rows, or groups with lanes).</summary>
    public required IndexNames Index { get; init; }

    /// <summary>The keep flags' range in a tag: "" (one flag), or one a lane.</summary>
    public required string KeepRange { get; init; }

    /// <summary>What the stage reads: the rows scored, or the entries with lanes.</summary>
    public required string CountSource { get; init; }

    /// <summary>The score entry's field that the row (or group) id comes from.</summary>
    public required string RowField { get; init; }

    /// <summary>The tag at which e is ready and the entry is written.</summary>
    public required string ExpTag { get; init; }

    /// <summary>Every tag, 0..the last: each carries its row's query (first row, candidates, fallback flag).</summary>
    public required IReadOnlyList<int> AllTags { get; init; }

    /// <summary>The tag whose entry is written (it carries the exp buffer bank this far).</summary>
    public required string WriteTag { get; init; }

    public required int WriteTagIndex { get; init; }

    /// <summary>Lanes: 1..log2 P, the registers that carry the kept and entry counts from the write to the done.</summary>
    public required IReadOnlyList<int> LaneChain { get; init; }

    public required string WriteAddress { get; init; }

    public ExponentLanesView? Lanes { get; init; }
}

/// <summary>A registered node of a lane sum tree: its width and what it adds.</summary>
public sealed record LaneSumNodeView(string Name, int Width, string Expression);

/// <summary>The exponent's lane parts: per lane the unclamped difference's extension and the table product's sum; the e sum tree.</summary>
public sealed record ExponentLanesView(
    int Lanes,
    IReadOnlyList<string> DifferenceExtended,
    IReadOnlyList<string> TableProductSums,
    string ExpZero,
    IReadOnlyList<LaneSumNodeView> SumNodes,
    string SumExtended,
    string EntriesZero,
    string KeptPopcount,
    string EntryIncrement)
{
    public IReadOnlyList<int> LaneIndices => Enumerable.Range(0, Lanes).ToList();
}

/// <summary>templates/rtl/output.v.scriban.</summary>
public sealed record OutputView(
    IReadOnlyList<LocalparamView> Localparams,
    int Dimension,
    IReadOnlyList<OutputElementView> Elements,
    IReadOnlyList<PipeStageView> Tags,
    string WeightTag,
    string LastTag,
    string ValueReadValid,
    string ValueReadRow,
    bool Rounds,
    string AccumulatorLowInit,
    string AccumulatorHighInit,
    string RowCountOne,
    string RowIdZero,
    string RowIdOne,
    string RowCountZero)
{
    /// <summary>The names of the stage's entry index and count (rows, or groups with lanes).</summary>
    public required IndexNames Index { get; init; }

    /// <summary>What the stage reads: the rows kept, or the entries with lanes.</summary>
    public required string CountSource { get; init; }

    /// <summary>The divider has radix-4 steps: it takes 3 expsum, registered, with each division.</summary>
    public bool DividerPairs { get; init; }

    /// <summary>The exp entry's field that the row (or group) id comes from.</summary>
    public required string RowField { get; init; }

    public OutputLanesView? Lanes { get; init; }
}

/// <summary>A lane's multiplier for one value element: its names' suffix, its lane, its offset in the value register (in elements).</summary>
public sealed record LaneProductView(string Name, int Lane, int KeyOffset);

/// <summary>The output's lane parts: the lanes' multipliers, the elements' sum trees, the keep flags of the value read.</summary>
public sealed record OutputLanesView(int Lanes, IReadOnlyList<LaneProductView> Products, IReadOnlyList<LaneSumNodeView> SumNodes, string ValueReadKeep)
{
    public IReadOnlyList<int> LaneIndices => Enumerable.Range(0, Lanes).ToList();
}

/// <summary>A top-level port declaration, its columns aligned.</summary>
public sealed record PortView(string Direction, string Range, string Name, string Separator, string Description);

/// <summary>One column-side's sorted-key memory in the top: its index among the sides, its name, its write word.</summary>
public sealed record SortedMemoryView(int Index, string Name, string Packing);

/// <summary>templates/rtl/top.v.scriban.</summary>
public sealed record TopView(
    IReadOnlyList<LocalparamView> Localparams,
    int MaxRows,
    int Dimension,
    IReadOnlyList<PortView> Ports,
    bool LoadRowCheck,
    string LoadRowExtended,
    string MaxRowsLiteral,
    string QueryEntryPacking,
    IReadOnlyList<SortedMemoryView> SortedMemories,
    TopSorterView Sort,
    bool OnePass,
    string ResultWriter)
{
    /// <summary>The width localparam of a buffer address: a row id, or a group id with lanes.</summary>
    public required string IdWidth { get; init; }

    /// <summary>The depth localparam of a buffer bank: N, or the groups G with lanes.</summary>
    public required string BufferDepth { get; init; }

    /// <summary>One-pass with a third query in flight: the online stage reads the result queue's room for three.</summary>
    public required bool ThirdInFlight { get; init; }

    public TopLanesView? Lanes { get; init; }
}

/// <summary>A bank of K and V: its index and the load row's select of it.</summary>
public sealed record BankView(int Index, string Select);

/// <summary>The top's lane parts: the banks and the word a load row goes to.</summary>
public sealed record TopLanesView(int Lanes, IReadOnlyList<BankView> Banks, string LoadWord);
