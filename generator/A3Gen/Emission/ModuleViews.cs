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
public sealed record ProductElementView(int Index, string HighShifted, string LowExtended);

/// <summary>One value element of the output: what its high and low accumulators add, and their sum (the accumulator).</summary>
public sealed record OutputElementView(int Index, string HighAddend, string LowAddend, string Sum);

/// <summary>One register stage of a stage's tag pipeline (valid, last and what else the stage carries).</summary>
/// <param name="Prev">The tag it takes over.</param>
/// <param name="PrevRow">The row id it takes over: a register, or tag0's wire.</param>
/// <param name="HasRow">False past the last stage that needs the row id.</param>
public sealed record PipeStageView(int Index, string Prev, string PrevRow, bool HasRow = true, int KeepFrom = 1)
{
    /// <summary>True when this tag carries the keep flag (post-scoring): from tag KeepFrom on.</summary>
    public bool HasKeep => Index >= KeepFrom;

    /// <summary>The keep flag this tag takes over: the first keeping tag's is a wire.</summary>
    public string PrevKeep => Index == KeepFrom ? $"tag{Index - 1}_keep" : $"tag{Index - 1}_keep_q";
}

public sealed record BitView(int Index, string Literal);

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
    string ScanOne,
    string ScanZero,
    string ScanOffsetZero,
    IReadOnlyList<BitView> ScanBitsDescending,
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
    string PipeBusy);

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
    string ExpEntryPacking);

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
    string RowCountZero);

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
    string ResultWriter);
