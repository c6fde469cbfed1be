using A3Gen.Configuration;

namespace A3Gen.Elaboration;

/// <summary>One level of the dot product's adder tree.</summary>
/// <param name="Level">1 for the first level of adders (level 0 is the products).</param>
/// <param name="Nodes">Node count at this level.</param>
/// <param name="Width">Signed width of every node of this level.</param>
/// <param name="Registered">True when a pipeline register follows this level.</param>
public sealed record AdderLevel(int Level, int Nodes, int Width, bool Registered);

/// <summary>
/// One memory instance of the top: an instance of the SRAM module (1 write port, 1 registered read port).
/// What a memory compiler needs, and what the manifest's and the synthesis report's macro lists show.
/// </summary>
public sealed record MemoryInstance(string Instance, int Depth, int Width, int AddressWidth, string Purpose, bool DualPort = false)
{
    public long Bits => (long)Depth * Width;

    /// <summary>The SRAM module it instantiates, after the prefix: the 1R1W module or the true dual-port one (on-chip key sorting).</summary>
    public string ModuleSuffix => DualPort ? "sram_dp" : "sram";

    /// <summary>Its ports, as the manifest and the synthesis report say them.</summary>
    public string PortsDescription => DualPort ? "2 ports, each a write or a registered read" : "1 write, 1 registered read";
}

/// <summary>A top-level port.</summary>
public sealed record Port(string Name, string Direction, int Width, string Description)
{
    /// <summary>The Verilog range of a declaration, with a trailing space ("" for one bit).</summary>
    public string Range => Width == 1 ? "" : $"[{Width - 1}:0] ";
}

/// <summary>
/// The elaborated design: every format, width, depth, table and latency, derived once from the
/// configuration. Templates, the golden model, the cycle model, the manifest and the tests read
/// them from here and compute none of their own.
/// </summary>
public sealed class Design
{
    public A3Config Config { get; }

    public string Prefix => Config.Prefix;

    public int MaxRows => Config.MaxRows;

    public int Dimension => Config.Dimension;

    // ---- number formats (paper section III-B) ----
    public FixedFormat Input { get; }

    public FixedFormat Product { get; }

    public FixedFormat Score { get; }

    public FixedFormat Difference { get; }

    public FixedFormat ExpInput { get; }

    public FixedFormat ExpValue { get; }

    public FixedFormat ExpSum { get; }

    public FixedFormat Weight { get; }

    public FixedFormat WeightedValue { get; }

    public FixedFormat Accumulator { get; }

    public FixedFormat Output { get; }

    public ExpUnit Exp { get; }

    // ---- approximate path (docs/approximation-design.md) ----
    /// <summary>The largest iteration count M a query may ask for (configuration, default 2 N d).</summary>
    public int MaxIterations { get; }

    /// <summary>A query's M, 0..MaxIterations (integer, no fraction bits).</summary>
    public FixedFormat IterationCount { get; }

    /// <summary>A query's post-scoring threshold t, unsigned, compared with max - s.</summary>
    public FixedFormat Threshold { get; }

    /// <summary>A greedy-score register of the candidate search.</summary>
    public FixedFormat GreedyScore { get; }

    /// <summary>R, the running sum of the products the candidate search selected.</summary>
    public FixedFormat RunningSum { get; }

    /// <summary>Right shift (rounding half up) from the accumulator to the output; 0 means none.</summary>
    public int OutputShift { get; }

    // ---- structure ----
    public IReadOnlyList<AdderLevel> AdderTree { get; }

    /// <summary>Pipeline registers in the adder tree.</summary>
    public int AdderStages { get; }

    /// <summary>Quotient bits the divider produces: 1 integer bit, Fw fraction bits and 1 rounding bit.</summary>
    public int QuotientBits { get; }

    /// <summary>Divider pipeline stages (the configuration's, or its default).</summary>
    public int DividerLatency { get; }

    /// <summary>Division steps (one quotient bit each) done in each divider pipeline stage.</summary>
    public IReadOnlyList<int> DividerStageSteps { get; }

    /// <summary>Width of the divider's partial remainder: it stays below 2 * expsum.</summary>
    public int RemainderWidth { get; }

    public int RowIdWidth { get; }

    public int RowCountWidth { get; }

    /// <summary>Depth of a ping-pong buffer memory (two banks of MaxRows entries).</summary>
    public int BufferDepth { get; }

    public int BufferAddressWidth { get; }

    public int QueryQueuePointerWidth { get; }

    public int QueryQueueCountWidth { get; }

    public int ResultQueuePointerWidth { get; }

    public int ResultQueueCountWidth { get; }

    /// <summary>load_target_i: 0 = K, 1 = V, 2 = sorted keys.</summary>
    public int LoadTargetWidth => 2;

    /// <summary>c, products queued per column-side of the candidate search.</summary>
    public int ProductQueueDepth => Config.ProductQueueDepth;

    /// <summary>Bits of a column-side's queue occupancy, 0..c.</summary>
    public int ProductQueueCountWidth => Bits.UnsignedWidth(ProductQueueDepth);

    /// <summary>S, greedy-score flags the candidate scan examines per cycle.</summary>
    public int ScanWidth => Config.ScanWidth;

    /// <summary>Scan windows of S flags that cover N rows: a flag is a row, or with lanes a group of P rows.</summary>
    public int ScanWindowCount => (Groups + ScanWidth - 1) / ScanWidth;

    // ---- lanes (lanes = P > 1: rows a cycle through the dot product, exponent and output) ----
    /// <summary>P, rows each stage after the candidate search takes a cycle (configuration, default 1).</summary>
    public int Lanes => Config.Lanes;

    /// <summary>True with more than one lane: the modules' lane datapaths and P banks of K and V.</summary>
    public bool HasLanes => Lanes > 1;

    /// <summary>log2 P: a row's lane (its bank of K and V) is its low LaneBits bits, its group the others.</summary>
    public int LaneBits => Bits.CeilLog2(Lanes);

    /// <summary>G, groups of P consecutive rows that cover N rows (N with one lane): the depth of a K or V bank and of a buffer bank.</summary>
    public int Groups => (MaxRows + Lanes - 1) / Lanes;

    /// <summary>Bits of a group's index, 0..G-1 (the row id with one lane).</summary>
    public int GroupIdWidth => Bits.AddressWidth(Groups);

    /// <summary>Bits of a group count, 0..G.</summary>
    public int GroupCountWidth => Bits.UnsignedWidth(Groups);

    /// <summary>
    /// Registered levels of each lane tree, log2 P: the dot product's max over a group's scores, the exponent's sum
    /// of a group's e, the output's sum of a group's weighted values; one two-input compare-select or add a level.
    /// </summary>
    public int LaneTreeStages => LaneBits;

    /// <summary>Entries a stage reads or writes for <paramref name="rows"/> consecutive rows 0..rows-1: one a group.</summary>
    public int GroupsOf(int rows) => (rows + Lanes - 1) / Lanes;

    /// <summary>Bits of the scan's window index (at least 1).</summary>
    public int ScanWindowWidth => Bits.AddressWidth(ScanWindowCount);

    /// <summary>log2 S: the row offset bits within a scan window.</summary>
    public int ScanOffsetWidth => Bits.CeilLog2(ScanWidth);

    /// <summary>A sorted-key memory entry: (rowId, value).</summary>
    public int SortedEntryWidth => SortedEntry.Width;

    // ---- timing ----
    /// <summary>
    /// Register stages of the dot product after the key memory's read: the key row register (so that the
    /// multipliers start at flip-flops, not at the memory's read data), the partial products, the products,
    /// the adder stages.
    /// </summary>
    public int DotProductPipeStages => 3 + AdderStages + LaneTreeStages;

    /// <summary>
    /// The dot product's tag at which a beat's scores are written (the adder trees' roots): its lane max tree, which only
    /// the done (an approximate query's post-scoring) waits for, follows.
    /// </summary>
    public int DotProductScoreTag => DotProductPipeStages - LaneTreeStages;

    /// <summary>Cycles from a query's last score write to the dot product's done: the lane max tree's levels.</summary>
    public int DotProductDoneAfterScores => DotProductPipeStages - DotProductScoreTag;

    /// <summary>
    /// Low bits of a key or value element that the dot product's and the output's multipliers take apart from
    /// the high ones: each multiplier is two narrower ones with registered partial products (a w x w
    /// shift-add array from a flip-flop is about 40 FO4 on the standard cells), added in the next stage.
    /// </summary>
    public int ElementLowBits => (Input.Width + 1) / 2;

    /// <summary>Width of the low partial product: a (ElementLowBits + 1)-bit signed (non-negative) by a w-bit signed product.</summary>
    public int LowProductWidth => ElementLowBits + 1 + Input.Width;

    /// <summary>Width of the high partial product: a (w - ElementLowBits)-bit signed by a w-bit signed product; shifted by ElementLowBits it has the product's width.</summary>
    public int HighProductWidth => Input.Width - ElementLowBits + Input.Width;

    /// <summary>Cycles of the dot-product stage beyond its issue cycles: accept, key read, key register, partial products, products, adder stages.</summary>
    public int DotProductOverhead { get; }

    /// <summary>
    /// Register stages of the exponent after the score memory's read: the score register (so that the
    /// subtraction starts at a flip-flop), the clamped difference, the table read, the two halves of the
    /// table product, the table product.
    /// </summary>
    public int ExponentPipeStages => 5 + LaneTreeStages;

    /// <summary>
    /// Low bits of exp(-lo) that the exponent multiplies apart from the high ones: the table product is two
    /// narrower products, registered, then added.
    /// </summary>
    public int TableLowBits => (Exp.TableEntryWidth + 1) / 2;

    /// <summary>Width of exp(-hi) times the low bits of exp(-lo) (both unsigned).</summary>
    public int TableLowProductWidth => Exp.TableEntryWidth + TableLowBits;

    /// <summary>Width of exp(-hi) times the high bits of exp(-lo); shifted by TableLowBits it has the table product's width.</summary>
    public int TableHighProductWidth => (2 * Exp.TableEntryWidth) - TableLowBits;

    /// <summary>Exponent stage beyond n: score read (issued in the accepting cycle), score register, clamp register, table read, partial products, product.</summary>
    public int ExponentOverhead { get; }

    /// <summary>
    /// Register stages of the output after the exp buffer's read: the e register (so that the divider starts
    /// at flip-flops, not at the buffer's bank select), the divider's stages, the two halves of the weighted
    /// values, which two accumulators a value element add (the value row is read one cycle ahead and
    /// registered, so the multipliers start at flip-flops too).
    /// </summary>
    public int OutputPipeStages => DividerLatency + 2 + LaneTreeStages;

    /// <summary>
    /// Cycles from the last row's accumulation to the result's push: the output is the sum of the two
    /// accumulators' registers, added on the way into the result queue. The stage is free in the push's
    /// cycle (it starts the next query then if the result queue has room for both results), so the push
    /// costs latency, not throughput.
    /// </summary>
    public int ResultPushStages => 1;

    /// <summary>
    /// The rounding start of the output (half an output step, raw in the accumulator's format), 0 when the
    /// output keeps every fraction bit. It starts the low accumulator, so that the output is the top bits
    /// of the accumulators' sum, rounded half up, with no rounding adder.
    /// </summary>
    public long AccumulatorInit => OutputShift > 0 ? 1L << (OutputShift - 1) : 0;

    /// <summary>
    /// Width of the low accumulator: the rounding start plus at most N weights (at most 1.0 = 2^Fw raw) times a
    /// low part (at most 2^ElementLowBits - 1), non-negative, plus a sign bit so that it adds as signed (and
    /// at least a low weighted value's width).
    /// </summary>
    public int AccumulatorLowWidth { get; }

    /// <summary>
    /// Width of the high accumulator: the sum of at most N weighted high parts (within +-2^(Fw + w - ElementLowBits - 1) each):
    /// WeightedHighWidth + ceil(log2 N). Shifted by ElementLowBits it has the accumulator's width.
    /// </summary>
    public int AccumulatorHighWidth => WeightedHighWidth + Bits.CeilLog2(MaxRows);

    /// <summary>Width of the weight times a value element's low ElementLowBits bits (unsigned): a non-negative product below 2^(Fw + ElementLowBits).</summary>
    public int WeightedLowWidth => Weight.Width + ElementLowBits + 1;

    /// <summary>Width of the weight times a value element's signed high bits: within +-2^(Fw + w - ElementLowBits - 1); shifted by ElementLowBits it has the weighted value's width.</summary>
    public int WeightedHighWidth => Weight.Width + Input.Width - ElementLowBits;

    /// <summary>Output stage beyond n, its period: exp read (issued in the accepting cycle), e register, divider, partial products, accumulate (the result's push, <see cref="ResultPushStages"/>, overlaps the next query's accept).</summary>
    public int OutputOverhead { get; }

    /// <summary>Cycles from a query's handshake to its first stage accepting it (query queue).</summary>
    public int QueryQueueLatency => 1;

    public IReadOnlyList<Port> Ports { get; }

    /// <summary>Every instance of the SRAM module in the top, in instantiation order.</summary>
    public IReadOnlyList<MemoryInstance> Memories { get; }

    /// <summary>True when the hardware sorts the key columns (keySort = "on-chip").</summary>
    public bool OnChipSort => Config.KeySort == KeySort.OnChip;

    /// <summary>The on-chip key sorter's numbers (keySort = "on-chip"), else null.</summary>
    public KeySorter? Sorter { get; }

    /// <summary>True when the softmax is one-pass (softmax = "one-pass").</summary>
    public bool IsOnePass => Config.Softmax == Softmax.OnePass;

    /// <summary>The one-pass softmax's numbers (softmax = "one-pass"), else null.</summary>
    public OnePassSoftmax? OnePass { get; }

    // ---- flow ----
    /// <summary>The clock port every register is clocked by (the SDC's clock).</summary>
    public string ClockPort => "clk_i";

    /// <summary>Target clock period in ns: 1000 / targetClockMhz.</summary>
    public double ClockPeriodNs => 1000.0 / Config.TargetClockMhz;

    public Design(A3Config config)
    {
        config.Validate();
        Config = config;
        int i = config.IntegerBits, f = config.FractionBits, d = config.Dimension, n = config.MaxRows;
        int w = 1 + i + f;
        int fe = config.ResolvedExpFractionBits;
        int fw = config.ResolvedWeightFractionBits;
        int fo = config.ResolvedOutputFractionBits;
        int logD = Bits.CeilLog2(d);
        int logN = Bits.CeilLog2(n);

        Input = new FixedFormat("input", true, w, f, $"1 sign + {i} integer + {f} fraction bits (configuration)");
        Product = new FixedFormat("product", true, 2 * w, 2 * f,
            $"a {w}-bit by {w}-bit signed product needs {2 * w} bits: (-2^{i + f})^2 = 2^{2 * (i + f)} needs the extra bit the paper's 2i+2f+1 leaves out");
        Score = new FixedFormat("score", true, Product.Width + logD, 2 * f,
            $"sum of d = {d} products: {Product.Width} + ceil(log2 {d}) = {Product.Width + logD} bits");
        Difference = new FixedFormat("difference", false, Score.Width, 2 * f,
            $"max - s lies in [0, 2^{Score.Width} - 1] because both are {Score.Width}-bit signed: {Score.Width} unsigned bits");
        Exp = new ExpUnit(config.ExpTables);
        ExpInput = new FixedFormat("exp input", false, Exp.InputWidth, 2 * f,
            $"max - s clamped to 2^{Exp.InputIntegerBits} - 2^-{2 * f}: exp(-{Math.Pow(2, Exp.InputIntegerBits)}) < 2^-{fe + 1}, so any larger difference rounds to e = 0 anyway");
        ExpValue = new FixedFormat("exp", false, Exp.OutputWidth, fe,
            $"e = exp(-(max - s)) lies in [0, 1]: {fe} fraction bits + 1 integer bit for 1.0");
        long maxExpSum = (long)n << fe;
        ExpSum = new FixedFormat("expsum", false, Bits.UnsignedWidth(maxExpSum), fe,
            $"at most N = {n} terms of at most 1.0 = 2^{fe}: {maxExpSum} needs {Bits.UnsignedWidth(maxExpSum)} bits");
        Weight = new FixedFormat("weight", false, fw + 1, fw,
            $"w = e / expsum, rounded, lies in [0, 1] since e <= expsum: {fw} fraction bits + 1");
        WeightedValue = new FixedFormat("weighted value", true, Weight.Width + w, fw + f,
            $"unsigned {Weight.Width}-bit weight times signed {w}-bit value: w * v lies within +-2^{fw + i + f} (raw), which needs {Weight.Width + w} signed bits");
        Accumulator = new FixedFormat("accumulator", true, WeightedValue.Width + logN, fw + f,
            $"sum of at most N = {n} weighted values: {WeightedValue.Width} + ceil(log2 {n}) = {WeightedValue.Width + logN} bits");
        OutputShift = fw + f - fo;
        Output = OutputShift == 0
            ? Accumulator with { Name = "output", Derivation = "the accumulator as it is (output fraction bits = weight + input fraction bits)" }
            : new FixedFormat("output", true, Accumulator.Width + 1 - OutputShift, fo,
                $"accumulator rounded half up by {OutputShift} bits: the rounding add is done in {Accumulator.Width + 1} bits so it cannot wrap");

        MaxIterations = config.ResolvedMaxIterations;
        IterationCount = new FixedFormat("iteration count", false, Bits.UnsignedWidth(MaxIterations), 0,
            $"M is 0..maxIterations = {MaxIterations}: {Bits.UnsignedWidth(MaxIterations)} bits");
        Threshold = new FixedFormat("threshold", false, Score.Width, 2 * f,
            $"t is compared with max - s, which is at most 2^{Score.Width} - 1 (raw, the difference format): a larger t keeps the same rows, so t has the score's {Score.Width} bits unsigned and the host saturates it");
        GreedyScore = new FixedFormat("greedy score", true, Score.Width, 2 * f,
            $"a row appears at most once per column per side, so a greedy score is at most d = {d} positive products and at least d negative ones: within the score format, {Score.Width} bits");
        int logTwoN = Bits.CeilLog2(2L * n);
        RunningSum = new FixedFormat("running sum", true, Score.Width + logTwoN, 2 * f,
            $"R sums at most 2 d n products (both sides of every column once): R lies within +-2 n d max abs(p), which needs {Score.Width} + ceil(log2 2N = {2 * n}) = {Score.Width + logTwoN} bits");

        // Adder tree: exact growth, one bit per level; a register after every AdderLevelsPerStage levels and after the last.
        var levels = new List<AdderLevel>();
        int nodes = d;
        for (int level = 1; level <= logD; level++)
        {
            nodes = (nodes + 1) / 2;
            bool registered = level % config.AdderLevelsPerStage == 0 || level == logD;
            levels.Add(new AdderLevel(level, nodes, Product.Width + level, registered));
        }
        AdderTree = levels;
        AdderStages = levels.Count(l => l.Registered);

        QuotientBits = fw + 2;
        // Two division steps per stage by default: the paper configuration's 10 steps in 5 stages, which
        // keeps the divider about as deep as the other modules' stages (scripts/a3gen synth reports it).
        DividerLatency = config.ResolvedDividerLatency;
        int stages = DividerLatency;
        DividerStageSteps = Enumerable.Range(0, stages)
            .Select(s => (QuotientBits * (s + 1) / stages) - (QuotientBits * s / stages))
            .ToArray();
        RemainderWidth = ExpSum.Width + 1;

        RowIdWidth = Bits.AddressWidth(n);
        RowCountWidth = Bits.UnsignedWidth(n);
        BufferDepth = 2 * n;
        BufferAddressWidth = Bits.AddressWidth(BufferDepth);
        QueryQueuePointerWidth = Bits.AddressWidth(config.QueryQueueDepth);
        QueryQueueCountWidth = Bits.UnsignedWidth(config.QueryQueueDepth);
        ResultQueuePointerWidth = Bits.AddressWidth(config.ResolvedResultQueueDepth);
        ResultQueueCountWidth = Bits.UnsignedWidth(config.ResolvedResultQueueDepth);

        DotProductOverhead = 2 + DotProductPipeStages;
        ExponentOverhead = 1 + ExponentPipeStages;
        OutputOverhead = 1 + OutputPipeStages;
        long lowBound = ((long)n * (1L << fw) * ((1L << ElementLowBits) - 1)) + AccumulatorInit;
        AccumulatorLowWidth = Math.Max(WeightedLowWidth, Bits.UnsignedWidth(lowBound) + 1);
        if (AccumulatorLowWidth > Accumulator.Width || AccumulatorHighWidth + ElementLowBits != Accumulator.Width)
        {
            throw new InvalidOperationException($"internal: the split accumulators ({AccumulatorLowWidth}, {AccumulatorHighWidth} << {ElementLowBits}) do not fit the accumulator's {Accumulator.Width} bits");
        }

        Sorter = OnChipSort ? new KeySorter(n, w) : null;
        OnePass = IsOnePass ? new OnePassSoftmax(this) : null;
        Ports = BuildPorts();
        var sorted = Sorter is { } sorter ? SorterMemories(sorter) : Enumerable.Range(0, d).SelectMany(j => new MemoryInstance[]
        {
            new($"u_sorted_max{j}", n, SortedEntryWidth, RowIdWidth, $"sorted-key column {j}, copy read by the max side: (rowId, value)"),
            new($"u_sorted_min{j}", n, SortedEntryWidth, RowIdWidth, $"sorted-key column {j}, copy read by the min side: (rowId, value)"),
        });
        int g = Groups, wg = GroupIdWidth;
        var kv = HasLanes
            ? Enumerable.Range(0, Lanes).Select(b => new MemoryInstance($"u_key_sram{b}", g, RowDataWidth, wg, $"key matrix K, bank {b}: row r = {Lanes} a + {b} at word a")).Concat(
                Enumerable.Range(0, Lanes).Select(b => new MemoryInstance($"u_value_sram{b}", g, RowDataWidth, wg, $"value matrix V, bank {b}: row r = {Lanes} a + {b} at word a"))).ToList()
            : [new("u_key_sram", n, RowDataWidth, RowIdWidth, "key matrix K, one row per word"),
                new("u_value_sram", n, RowDataWidth, RowIdWidth, "value matrix V, one row per word")];
        string entryWhat = HasLanes ? $"a group of {Lanes} rows: (group, {Lanes} flags, {Lanes} " : "(rowId, ";
        Memories =
        [
            .. kv,
            .. sorted,
            .. IsOnePass
                ? new MemoryInstance[]
                {
                    new("u_replay_sram", g, ScoreEntryWidth, wg, $"one-pass score memory: an approximate query's candidates {entryWhat}score{(HasLanes ? "s" : "")}), replayed after its max is known"),
                }
                : [
                    .. Enumerable.Range(0, BufferBanks).Select(b =>
                        new MemoryInstance($"u_score_sram{b}", g, ScoreEntryWidth, wg, $"score buffer bank {b}: {entryWhat}score{(HasLanes ? "s" : "")})")),
                    .. Enumerable.Range(0, BufferBanks).Select(b =>
                        new MemoryInstance($"u_exp_sram{b}", g, ExpEntryWidth, wg, $"exp buffer bank {b}: {entryWhat}e)")),
                ],
        ];
    }

    /// <summary>keySort = "on-chip": one true dual-port memory of 2N entries per column, two halves the sorter ping-pongs.</summary>
    private List<MemoryInstance> SorterMemories(KeySorter sorter) =>
        Enumerable.Range(0, Dimension).Select(j => new MemoryInstance($"u_sorted{j}", sorter.MemoryDepth, SortedEntryWidth, sorter.MemoryAddressWidth,
            $"sorted-key column {j}: (rowId, value); entries 0..N-1 sorted, read by the max side (port A) and the min side (port B); entries N..2N-1 the sorter's other half", true)).ToList();

    /// <summary>
    /// The row count the hardware uses for a query_rows_i value: n is 1..N by contract; the dot-product
    /// stage maps 0 to 1 and anything above N to N, so an illegal beat cannot hang the pipeline.
    /// </summary>
    public int EffectiveRows(int requested) => requested < 1 ? 1 : Math.Min(requested, MaxRows);

    /// <summary>True when query_rows_i can carry a value above N, so the RTL needs the upper clamp.</summary>
    public bool RowsNeedUpperClamp => (1L << RowCountWidth) - 1 > MaxRows;

    /// <summary>Stages of the pipeline: candidate selection, dot product, exponent (with post-scoring), output.</summary>
    public static IReadOnlyList<string> StageNames { get; } = ["candidate selection", "dot product", "exponent", "output"];

    /// <summary>The candidate-selection stage's period on the exact path: accept, then hand n rows on.</summary>
    public int CandidateExactPeriod => 2;

    /// <summary>
    /// Levels of each merge tree of the candidate search, ceil(log2 d): a d-way merge of the column-sides'
    /// sorted product streams in two-input nodes, one registered compare-and-select a level.
    /// </summary>
    public int MergeTreeLevels => Bits.CeilLog2(Dimension);

    /// <summary>
    /// Registers between a column-side's sorted-key read data and its queue: the entry register before
    /// the multiplier (the memory's clock-to-output plus a multiplier would not fit a cycle) and the
    /// product register after it. The refill of a pop then takes 3 + this many cycles, so a column-side
    /// keeps its head present with c >= 3 + this many products queued (A3Config's productQueueDepth minimum).
    /// </summary>
    public int ProductRegisterStages => 2;

    /// <summary>
    /// Candidate-selection fill of an approximate query, the cycles between its accept and its first
    /// iteration: the first sorted-key read, the memory's read data, the entry and product registers
    /// (whose product then enters the column-side's queue), then one cycle a merge-tree level until the
    /// roots present their heads.
    /// </summary>
    public int CandidateFillCycles => 2 + ProductRegisterStages + MergeTreeLevels;

    /// <summary>
    /// Candidate-selection cycles after the last iteration: the last greedy-score update's row decode, its
    /// in-place add and write (into the greedy-score registers, whose "positive" flags are the candidate
    /// mask), and the hand-over of the mask.
    /// </summary>
    public int CandidateDrainCycles => 3;

    /// <summary>
    /// Candidate-selection cycles of an approximate query beyond its M iterations: accept, fill
    /// (<see cref="CandidateFillCycles"/>) and drain (<see cref="CandidateDrainCycles"/>); 8 + ceil(log2 d).
    /// </summary>
    public int CandidateOverhead => 1 + CandidateFillCycles + CandidateDrainCycles;

    /// <summary>
    /// Issue cycles of the dot product's scan of the candidate mask for a query of n rows: it looks at
    /// windows of S rows, ceil(n / S) of them, one cycle per candidate in a window and one for a window
    /// without any.
    /// </summary>
    public int ScanCycles(int n, IReadOnlyCollection<int> candidates)
    {
        var perWindow = new int[(GroupsOf(n) + ScanWidth - 1) / ScanWidth];
        foreach (int g in candidates.Select(r => r / Lanes).Distinct())
        {
            perWindow[g / ScanWidth]++;
        }
        return perWindow.Sum(c => Math.Max(1, c));
    }

    /// <summary>
    /// What one query costs each stage: an exact query (every stage sees n rows), or an approximate one with
    /// its iteration count, candidate list and kept rows (a fallback scores n rows and keeps them all).
    /// </summary>
    public StageWork Work(int n, bool approximate, int iterations, IReadOnlyCollection<int> candidates, IReadOnlyCollection<int> kept)
    {
        if (!approximate)
        {
            return StageWork.Exact(EffectiveRows(n));
        }
        bool fallback = candidates.Count == 0;
        return fallback
            ? new StageWork(true, n, iterations, n, n, n, true)
            : new StageWork(true, n, iterations, ScanCycles(n, candidates), candidates.Count, kept.Count, false,
                candidates.Select(r => r / Lanes).Distinct().Count(), kept.Select(r => r / Lanes).Distinct().Count());
    }

    /// <summary>Issue cycles of the dot product: the scan's (post-scoring), or one a group of the n rows.</summary>
    public int IssueCycles(StageWork w) => w.PostScoring ? w.Issues : GroupsOf(w.Issues);

    /// <summary>Score buffer entries of a query: one a group with a row scored.</summary>
    public int ScoredEntries(StageWork w) => w.ScoredGroups ?? GroupsOf(w.Scored);

    /// <summary>Exp buffer entries of a query: one a group with a row kept.</summary>
    public int KeptEntries(StageWork w) => w.KeptGroups ?? GroupsOf(w.Kept);

    /// <summary>
    /// Cycles each stage is busy with a query (it accepts the next one that many cycles later). With the one-pass
    /// softmax the last two are the online stage's: from the dot product's done to the merge (the replay of an
    /// approximate query's candidates, the flush), and from the merge to the result's push (the division).
    /// </summary>
    public IReadOnlyList<int> StagePeriods(StageWork w) => OnePass is { } op
        ?
        [
            w.Search ? CandidateOverhead + w.Iterations : CandidateExactPeriod,
            IssueCycles(w) + DotProductOverhead,
            OnePassMergeDelay(w),
            op.MergeToPush(Dimension),
        ]
        :
        [
            w.Search ? CandidateOverhead + w.Iterations : CandidateExactPeriod,
            IssueCycles(w) + DotProductOverhead,
            ScoredEntries(w) + ExponentOverhead,
            KeptEntries(w) + OutputOverhead,
        ];

    /// <summary>
    /// Banks of the score and exp buffers (three-pass softmax): three, so that a stage may take a query while up to
    /// two drain down its pipeline and the next stage still reads an older one (with two, a producer would wait for its
    /// consumer's last read of query k before it starts query k + 2, a pipeline's depth too early).
    /// </summary>
    public int BufferBanks => 3;

    /// <summary>
    /// Three-pass softmax: cycles from a stage's start of a query to its next start, at the soonest. A stage takes the
    /// next query while it drains the previous one: the candidate stage after its period; the dot product two cycles
    /// after its last issue (q is registered for the multipliers at the start); the exponent and the output the cycle
    /// after their last read (each row's max, threshold and expsum travel with it down the pipeline).
    /// </summary>
    public IReadOnlyList<int> StageIssuePeriods(StageWork w) =>
    [
        StagePeriods(w)[0],
        IssueCycles(w) + 2,
        ScoredEntries(w),
        KeptEntries(w),
    ];

    /// <summary>
    /// Three-pass softmax: cycles from a stage's start of a query to the edge that releases its input buffer, the edge
    /// of its last read (the dot product issues from the cycle after its start, the exponent and output from their start).
    /// </summary>
    public IReadOnlyList<int> StageReleaseCycles(StageWork w) =>
    [
        0,
        IssueCycles(w),
        ScoredEntries(w) - 1,
        KeptEntries(w) - 1,
    ];

    /// <summary>
    /// Cycles from the dot product's start of a query to its next start, at the soonest. One-pass: a query without
    /// post-scoring frees it two cycles after its last issue, while its pipeline drains (the online stage needs a cycle
    /// between queries for its flush beat); otherwise, and with the three-pass softmax, its period.
    /// </summary>
    public int DotProductFreeCycles(StageWork w) =>
        IsOnePass && !w.PostScoring ? IssueCycles(w) + 2 : IssueCycles(w) + DotProductOverhead;

    /// <summary>
    /// One-pass softmax: cycles from the dot product's done to the query's last beat at the online stage's row register,
    /// beyond a live beat's: 0 for a live query (exact, fallback), 2 + C for one whose candidates are replayed (the reads,
    /// then the data registered).
    /// </summary>
    public int OnePassReplayCycles(StageWork w) => w.PostScoring ? OnePass!.ReplayDelay + ScoredEntries(w) : 0;

    /// <summary>
    /// One-pass softmax: cycles from the dot product's done to the merge. A live query's last beat reaches the online
    /// stage with the scores, <see cref="DotProductDoneAfterScores"/> cycles before the done (which waits for the group
    /// max an approximate query's post-scoring needs): <see cref="OnePassSoftmax.MergeDelay"/> after the last beat. A
    /// replayed query's beats start at the done.
    /// </summary>
    public int OnePassMergeDelay(StageWork w) =>
        w.PostScoring ? OnePassReplayCycles(w) + OnePass!.MergeDelay : OnePass!.MergeDelay - DotProductDoneAfterScores;

    /// <summary>Cycles each stage is busy with an exact query of n rows.</summary>
    public IReadOnlyList<int> StagePeriods(int n) => StagePeriods(StageWork.Exact(n));

    /// <summary>
    /// Predicted cycles from a query's handshake to its result's valid, pipeline otherwise empty. One-pass: the
    /// online stage takes the dot product's rows as they come, so its part starts at the dot product's done
    /// (the last cycle of its period), and the result is valid the cycle after its push.
    /// </summary>
    public int Latency(StageWork w) => IsOnePass
        ? QueryQueueLatency + StagePeriods(w).Sum()
        : QueryQueueLatency + StagePeriods(w).Sum() + ResultPushStages;

    /// <summary>"3n + c" (three-pass) or "n + c" (one-pass): the exact path's latency as a closed form in n.</summary>
    public string LatencyFormula => $"{(IsOnePass ? "" : HasLanes ? "3 " : "3")}{RowsTerm} + {Latency(0)}";

    /// <summary>"n", or "ceil(n/P)" with lanes: the rows term of the closed forms.</summary>
    public string RowsTerm => HasLanes ? $"ceil(n/{Lanes})" : "n";

    /// <summary>The exact path's back-to-back interval as a closed form in n (<see cref="Interval(StageWork)"/>).</summary>
    public string IntervalFormula => OnePass is not null
        ? OnePassIntervalFormula()
        : ThreePassIntervalFormula();

    /// <summary>
    /// <see cref="MeanInterval(StageWork)"/> of an exact query in closed form: with G = ceil(n/P) rows a stage, the
    /// issue bound G + 2 (the dot product's) and the pipelines' bound (G + a) / 2, a the deepest of the dot product's
    /// and exponent's overheads and the output's plus its push (and, with a two-entry result queue, the cycle its
    /// result stays there). The banks' bound (2 G + b) / 3 is never above both. With a one-entry result queue the
    /// output takes one query at a time: G + its overhead + 2.
    /// </summary>
    private string ThreePassIntervalFormula()
    {
        var o = StagePeriods(0);
        string n = RowsTerm;
        int a = Math.Max(Math.Max(o[1], o[2]), o[3] + ResultPushStages + (Config.ResolvedResultQueueDepth == 2 ? 1 : 0));
        return Config.ResolvedResultQueueDepth == 1 ? $"{n} + {o[3] + ResultPushStages + 1}" : $"max({n} + 2, ({n} + {a}) / 2)";
    }

    private string OnePassIntervalFormula()
    {
        var (issue, pair, triple) = OnePassIntervalTerms(StageWork.Exact(0));
        string n = RowsTerm;
        // The drain (a group a cycle) binds only with more groups than ceil(n/P) + 2 >= 3.
        int groups = OnePass!.Groups;
        string drain = groups > 3 ? $", {groups}" : "";
        return OnePass.InFlight switch
        {
            1 => groups > 3 ? $"max({n} + {issue}{drain})" : $"{n} + {issue}",
            2 => $"max({n} + 2, ({n} + {pair}) / 2{drain})",
            _ => $"max({n} + 2, ({n} + {pair}) / 2, ({n} + {triple}) / 3{drain})",
        };
    }

    /// <summary>
    /// The one-pass interval's terms for a query of work w (exact: each is a constant plus ceil(n/P)): with one query
    /// in flight, the whole of it (dot product, online stage, push, and the cycle its result stays in the queue); with
    /// two, what two queries' starts are apart at least; with three, the third's start waits for the oldest's merge
    /// and its drain (a pair's bound) and for its push (a triple's).
    /// </summary>
    private (int One, int Pair, int Triple) OnePassIntervalTerms(StageWork w)
    {
        var op = OnePass!;
        var periods = StagePeriods(w);
        int p = periods[1], tail = periods[2] + periods[3];
        int depth = Config.ResolvedResultQueueDepth;
        int pushes = p + tail + (depth == op.InFlight ? 1 : 0);
        // A third start: at least max(1, Groups) cycles after the oldest query's merge (the unmerged count and the
        // drain registers are read the cycle after).
        int merged = p - 1 + periods[2] + Math.Max(1, op.Groups);
        return op.InFlight switch
        {
            1 => (pushes, 0, 0),
            2 => (0, pushes, 0),
            _ => (0, merged, pushes),
        };
    }

    /// <summary>Predicted latency of an exact query of n rows.</summary>
    public int Latency(int n) => Latency(StageWork.Exact(n));

    /// <summary>
    /// Predicted steady-state cycles between results of back-to-back identical queries, result always
    /// ready: the slowest stage's period. With a one-entry result queue the output stage waits for its
    /// previous result's push and for that result to leave the queue before it may start the next:
    /// 1 + ResultPushStages more cycles a query.
    /// </summary>
    public int Interval(StageWork w) => (int)Math.Ceiling(MeanInterval(w));

    /// <summary>
    /// Predicted steady-state mean cycles between results of back-to-back identical queries, result always taken
    /// (gaps may alternate when a pipeline's depth, not its issue, bounds a stage). Three-pass: the largest of
    /// <list type="bullet">
    /// <item>each stage's issue period (<see cref="StageIssuePeriods(StageWork)"/>);</item>
    /// <item>half the dot product's and exponent's periods (at most one query drains while the next issues);</item>
    /// <item>a third of a producer's period plus its consumer's reads (query k + 3 writes the bank of query k, which
    /// the consumer releases at its last read of k);</item>
    /// <item>the output's reservations of the result queue: at most two results reserved and not pushed, and room
    /// for them in the queue, so with a queue of three or more half the output's period plus the push, with two half
    /// of it plus the push and the cycle the result stays in the queue, with one all of that.</item>
    /// </list>
    /// One-pass: <see cref="OnePassInterval(StageWork)"/>.
    /// </summary>
    public double MeanInterval(StageWork w)
    {
        if (OnePass is not null)
        {
            return OnePassInterval(w);
        }
        var periods = StagePeriods(w);
        var issue = StageIssuePeriods(w);
        double result = issue.Max();
        int banks = BufferBanks;
        result = Math.Max(result, periods[1] / 2.0);
        result = Math.Max(result, (double)(periods[1] + issue[2]) / banks);
        result = Math.Max(result, periods[2] / 2.0);
        result = Math.Max(result, (double)(periods[2] + issue[3]) / banks);
        int output = periods[3] + ResultPushStages;
        return Config.ResolvedResultQueueDepth switch
        {
            1 => Math.Max(result, output + 1),
            2 => Math.Max(result, (output + 1) / 2.0),
            _ => Math.Max(result, output / 2.0),
        };
    }

    /// <summary>Predicted mean interval of back-to-back exact queries of n rows.</summary>
    public double MeanInterval(int n) => MeanInterval(StageWork.Exact(n));

    /// <summary>Predicted interval of back-to-back exact queries of n rows.</summary>
    public int Interval(int n) => Interval(StageWork.Exact(n));

    /// <summary>
    /// One-pass softmax: the mean steady-state interval of back-to-back identical queries, result always taken.
    /// The dot product starts a query only while fewer than K = <see cref="OnePassSoftmax.InFlight"/> queries are
    /// started and not pushed and the result queue has room for all their results (the online stage's push cannot be
    /// refused), so with a dot-product period P (and the replay R) and T cycles from the done to the push, the starts
    /// of queries k and k + K are at least P + R + T apart, one more when the result queue has K entries (the pushed
    /// result occupies it for a cycle); with K = 3 the third start also waits for the oldest query's merge and
    /// drain, so the starts of k and k + 2 are at least its merge plus max(1, groups) apart. The search stage's
    /// period bounds it too, and so does the drain (a group a cycle).
    /// </summary>
    public double OnePassInterval(StageWork w)
    {
        var op = OnePass ?? throw new InvalidOperationException("not a one-pass design");
        var periods = StagePeriods(w);
        var (one, pair, triple) = OnePassIntervalTerms(w);
        double inFlight = op.InFlight switch
        {
            1 => one,
            2 => pair / 2.0,
            _ => Math.Max(pair / 2.0, triple / 3.0),
        };
        int dotProduct = DotProductFreeCycles(w) + (w.PostScoring ? ScoredEntries(w) : 0);
        return Math.Max(Math.Max(dotProduct, periods[0]), Math.Max(inFlight, op.Groups));
    }

    /// <summary>
    /// Bound on |o_j - o_ref_j| of the golden model against double-precision attention on the same
    /// (already quantized) inputs, for n rows whose values are at most <paramref name="maxAbsValue"/>:
    /// each weight is off by at most 2^-(Fw+1) (round half up of the exact quotient) plus its share of the
    /// exp errors, and sum_r |e_r/S - e'_r/S'| &lt;= 2 n eps / S with S >= 1 (the max row's e is exactly 1.0);
    /// the output rounding adds 2^-(Fo+1).
    /// </summary>
    public double OutputErrorBound(int n, double maxAbsValue) =>
        (maxAbsValue * n * (Math.Pow(2, -(Weight.FractionBits + 1)) + (2 * Exp.MaxError)))
        + (OutputShift > 0 ? Math.Pow(2, -(Output.FractionBits + 1)) : 0);

    public string ResetPort => Config.Reset == ResetStyle.AsyncLow ? "rst_ni" : "rst_i";

    /// <summary>q, a key row, a value row (load_data_i, query_data_i): d elements of the input format.</summary>
    public BusLayout RowLayout => BusLayout.Elements("Row", "a row of q, K or V", Dimension, Input.Width);

    /// <summary>The output vector (result_data_o): d elements of the output format.</summary>
    public BusLayout ResultDataLayout => BusLayout.Elements("ResultData", "output vector", Dimension, Output.Width);

    /// <summary>The rowIds of a sorted-key load beat (load_ids_i): d row ids.</summary>
    public BusLayout RowIdsLayout => BusLayout.Elements("RowIds", "rowIds of a sorted-key entry", Dimension, RowIdWidth);

    public int RowDataWidth => RowLayout.Width;

    // ---- packed buses: each one's layout is its only description (see BusLayout) ----
    /// <summary>A query queue entry: (t, M, approximate, n, q) from the top bit down.</summary>
    public BusLayout QueryQueueEntry => new("QueryEntry", "query queue entry",
        new("Q", RowDataWidth, "query vector q"),
        new("Rows", RowCountWidth, "rows n"),
        PackedField.Flag("Approximate", "1 = approximate path"),
        new("Iterations", IterationCount.Width, "iterations M"),
        new("Threshold", Threshold.Width, "post-scoring threshold t"));

    /// <summary>Candidate buffer metadata per bank: (candidate mask of N bits, fallback, t, post-scoring on, n, q).</summary>
    public BusLayout CandidateMeta => new("CandMeta", "candidate buffer metadata",
        new("Q", RowDataWidth, "query vector q"),
        new("Rows", RowCountWidth, "rows n"),
        PackedField.Flag("PostScoring", "post-scoring on (approximate query with candidates)"),
        new("Threshold", Threshold.Width, "post-scoring threshold t"),
        PackedField.Flag("Fallback", "no candidate: all n rows are used"),
        new("Mask", MaxRows, "candidate mask, bit r = row r"));

    /// <summary>Score buffer metadata per bank: (fallback, t, post-scoring on, rows scored, max), with lanes also the entries (groups).</summary>
    public BusLayout ScoreMeta => new("ScoreMeta", "score buffer metadata",
    [
        new("Max", Score.Width, "largest score of the query"),
        new("Rows", RowCountWidth, "rows scored"),
        PackedField.Flag("PostScoring", "post-scoring on"),
        new("Threshold", Threshold.Width, "post-scoring threshold t"),
        PackedField.Flag("Fallback", "no candidate: all n rows are used"),
        .. HasLanes ? [new PackedField("Entries", GroupCountWidth, "entries written: groups of P rows with a row scored")] : Array.Empty<PackedField>(),
    ]);

    /// <summary>Exp buffer metadata per bank: (fallback, candidates C, rows kept K, expsum), with lanes also the entries (groups).</summary>
    public BusLayout ExpMeta => new("ExpMeta", "exp buffer metadata",
    [
        new("ExpSum", ExpSum.Width, "sum of the kept rows' e"),
        new("Kept", RowCountWidth, "rows kept K"),
        new("Candidates", RowCountWidth, "candidate rows C (rows scored)"),
        PackedField.Flag("Fallback", "no candidate: all n rows are used"),
        .. HasLanes ? [new PackedField("Entries", GroupCountWidth, "entries written: groups of P rows with a row kept")] : Array.Empty<PackedField>(),
    ]);

    /// <summary>A result queue entry: (fallback, C, K, output vector).</summary>
    public BusLayout ResultQueueEntry => new("ResultEntry", "result queue entry",
        new("Data", ResultDataWidth, "output vector"),
        new("Kept", RowCountWidth, "rows kept K"),
        new("Candidates", RowCountWidth, "candidate rows C"),
        PackedField.Flag("Fallback", "no candidate: all n rows were used"));

    /// <summary>A score buffer entry: (rowId, score); with lanes (group, P flags, P scores).</summary>
    public BusLayout ScoreEntry => HasLanes
        ? new("ScoreEntry", "score buffer entry",
            new("Score", Lanes * Score.Width, $"score s of lane l at [l*{Score.Width} +: {Score.Width}]"),
            new("Valid", Lanes, "bit l: lane l's row was scored"),
            new("Group", GroupIdWidth, $"group id: rows {Lanes} group + l"))
        : new("ScoreEntry", "score buffer entry",
            new("Score", Score.Width, "score s"),
            new("RowId", RowIdWidth, "row id"));

    /// <summary>An exp buffer entry: (rowId, e); with lanes (group, P flags, P e, 0 where a row is not kept).</summary>
    public BusLayout ExpEntry => HasLanes
        ? new("ExpEntry", "exp buffer entry",
            new("Exp", Lanes * ExpValue.Width, $"e = exp(s - max) of lane l at [l*{ExpValue.Width} +: {ExpValue.Width}], 0 where the row is not kept"),
            new("Keep", Lanes, "bit l: lane l's row was kept"),
            new("Group", GroupIdWidth, $"group id: rows {Lanes} group + l"))
        : new("ExpEntry", "exp buffer entry",
            new("Exp", ExpValue.Width, "e = exp(s - max)"),
            new("RowId", RowIdWidth, "row id"));

    /// <summary>A sorted-key memory entry: (rowId, value).</summary>
    public BusLayout SortedEntry => new("SortedEntry", "sorted-key memory entry",
        new("Value", Input.Width, "key value"),
        new("RowId", RowIdWidth, "row id"));

    /// <summary>Every packed bus, for the manifest and the tests.</summary>
    public IReadOnlyList<BusLayout> Buses =>
        [QueryQueueEntry, CandidateMeta, ScoreMeta, ExpMeta, ResultQueueEntry, ScoreEntry, ExpEntry, SortedEntry];

    public int ScoreEntryWidth => ScoreEntry.Width;

    public int ExpEntryWidth => ExpEntry.Width;

    public int CandidateMetaWidth => CandidateMeta.Width;

    public int ScoreMetaWidth => ScoreMeta.Width;

    public int ExpMetaWidth => ExpMeta.Width;

    public int QueryQueueWidth => QueryQueueEntry.Width;

    public int ResultQueueWidth => ResultQueueEntry.Width;

    public int ResultDataWidth => ResultDataLayout.Width;

    private List<Port> BuildPorts() =>
    [
        new("clk_i", "input", 1, "clock"),
        new(ResetPort, "input", 1, Config.Reset == ResetStyle.AsyncLow ? "asynchronous reset, active low" : "synchronous reset, active high"),
        new("load_valid_i", "input", 1, "load stream: a row is offered"),
        new("load_ready_o", "output", 1, OnChipSort
            ? "load stream: the row is taken (only while no query is queued or in flight; while the keys are sorted, only V rows)"
            : "load stream: the row is taken (only while no query is queued or in flight)"),
        new("load_target_i", "input", LoadTargetWidth, OnChipSort
            ? "load stream: 0 = key matrix K, 1 = value matrix V, 2 = sorted keys, 3 = sort the key columns of rows 0..load_row_i"
            : "load stream: 0 = key matrix K, 1 = value matrix V, 2 = sorted keys (3 is ignored)"),
        new("load_row_i", "input", RowIdWidth, OnChipSort
            ? "load stream: row index (sorted entry index for target 2, n - 1 for target 3), 0..N-1"
            : "load stream: row index (sorted entry index for target 2), 0..N-1"),
        new("load_data_i", "input", RowDataWidth, "load stream: the row, element j at bits [j*W +: W], input format"),
        new("load_ids_i", "input", Dimension * RowIdWidth, $"load stream, target 2: rowId of element j at bits [j*{RowIdWidth} +: {RowIdWidth}]"),
        new("query_valid_i", "input", 1, "query stream: a query is offered"),
        new("query_ready_o", "output", 1, OnChipSort
            ? "query stream: the query is taken (query queue not full, keys not being sorted)"
            : "query stream: the query is taken (query queue not full)"),
        new("query_data_i", "input", RowDataWidth, "query stream: q, element j at bits [j*W +: W], input format"),
        new("query_rows_i", "input", RowCountWidth, "query stream: rows n of this query, 1..N"),
        new("query_approx_i", "input", 1, "query stream: 1 = approximate path (candidate search, post-scoring), 0 = exact"),
        new("query_iterations_i", "input", IterationCount.Width, $"query stream: iterations M of the candidate search, 0..{MaxIterations} (approximate only)"),
        new("query_threshold_i", "input", Threshold.Width, $"query stream: post-scoring threshold t, {Threshold.Describe()} (approximate only)"),
        new("result_valid_o", "output", 1, "result stream: a result is offered"),
        new("result_ready_i", "input", 1, "result stream: the result is taken"),
        new("result_data_o", "output", ResultDataWidth, "result stream: output vector, element j at bits [j*W +: W], output format"),
        new("result_candidates_o", "output", RowCountWidth, "result stream: candidate rows C (n on the exact path)"),
        new("result_kept_o", "output", RowCountWidth, "result stream: rows kept after post-scoring K (n on the exact path)"),
        new("result_fallback_o", "output", 1, "result stream: the candidate set was empty and all rows were used (0 on the exact path)"),
    ];

    public IReadOnlyList<FixedFormat> Formats =>
        [Input, Product, Score, Difference, ExpInput, ExpValue, ExpSum, Weight, WeightedValue, Accumulator, Output,
            IterationCount, Threshold, GreedyScore, RunningSum, .. OnePass?.Formats ?? []];
}
