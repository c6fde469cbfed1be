using A3Gen.Elaboration;

namespace A3Gen.Emission;

/// <summary>One tag register stage of the online stage (x1..x6): which fields it still carries.</summary>
public sealed record OnlineTagView(int Index, bool HasRow, bool HasFlush);

/// <summary>
/// One value element of the online stage: its e V sum, its loop's sum, and the loop's addend (e V, or at a query's end
/// flush the lane's other set, final since the last beat).
/// </summary>
public sealed record OnlineElementView(int Index, string WeightedSum, string LoopSum, string LoopAddend);

/// <summary>One register stage of the normalizer, n1 to n(S-1): the registers after division stage Index (the first stage starts at the drain registers, the last goes into the result registers). Den3: the stage's registers carry 3 den (a later stage has a radix-4 step).</summary>
public sealed record NormStageView(int Index, bool Den3);

/// <summary>One division stage of one divider: the remainder, quotient and sign its registers take.</summary>
public sealed record NormDividerStageView(int Stage, int Divider, string Remainder, string Quotient, string NegIn);

/// <summary>
/// One division step of one divider: the remainder, quotient and divisor it takes. A pair (radix 4) retires two
/// quotient bits with one subtraction's depth: x - den, x - 2 den and x - 3 den side by side (Den3In: 3 den, from a
/// register); a single step one bit. QuotientNext: the quotient register shifted by the step's bits (the
/// numerator's next bits leave at the top), without the new digit.
/// Inverted: DenIn and Den3In are the divisor registers' inverted copy (~den, ~3 den), which the step adds plus one.
/// </summary>
public sealed record NormStepView(int Divider, int Step, string RemainderIn, string QuotientIn, string DenIn, bool Pair, string Den3In, string QuotientNext, bool Inverted)
{
    public string Name => $"{Divider}_{Step}";
}

/// <summary>
/// One drain (and result) register: the merge's A and -A (empty for a padding slot, which takes zero), the slot the drain's
/// shift moves in (its index, empty for the last group), what the result's shift moves in.
/// </summary>
/// <param name="MergeTerms">The carry-save terms of the merge's sum of the P lanes' totals, down to the two that MergePlus adds.</param>
public sealed record DrainSlotView(int Index, string MergePlus, string MergeMinus, string ShiftFrom, string ResultFrom, IReadOnlyList<CarrySaveTermView> MergeTerms);

/// <summary>templates/rtl/online.v.scriban: the one-pass softmax (Elaboration/OnePassSoftmax.cs).</summary>
public sealed record OnlineView(
    IReadOnlyList<LocalparamView> Localparams,
    int Dimension,
    IReadOnlyList<OnlineTagView> Tags,
    string LastTag,
    string ValueReadTag,
    IReadOnlyList<OnlineElementView> Elements,
    IReadOnlyList<NormStageView> NormStages,
    IReadOnlyList<NormDividerStageView> NormDividerStages,
    IReadOnlyList<NormStepView> NormSteps,
    IReadOnlyList<int> Dividers,
    int DividerCount,
    IReadOnlyList<DrainSlotView> DrainSlots,
    string LastNorm,
    bool ClampNeeded,
    string ClampLimit,
    string ClampValue,
    string UaExtended,
    string UbExtended,
    string ATableProductSum,
    string BTableProductSum,
    string SumLoop,
    string NumeratorPrefix,
    string NumeratorSuffix,
    string Denominator,
    string Denominator3,
    string RemainderInitPrefix,
    string RemainderInitSuffix,
    string MagnitudePrefix,
    string MagnitudeSuffix,
    string MagnitudeUnusedRange,
    string AccZero,
    string AccZeroUnsigned,
    string SumZero,
    string ExpZero,
    string WeightedZero,
    string ScoreZero,
    string RowCountZero,
    string RowCountOne,
    string RowIdZero,
    string RowIdOne,
    string GroupCountZero,
    string GroupCountOne,
    string GroupCountFull,
    string DrainAlmostEmpty,
    string ResultEntryPacking)
{
    /// <summary>Queries between the dot product's start and the push, at most (OnePassSoftmax.InFlight).</summary>
    public required int InFlight { get; init; }

    /// <summary>A third query in flight: the result queue's room for three, the unmerged count, a three-entry statistics ring.</summary>
    public bool ThirdInFlight => InFlight == 3;

    /// <summary>Entries of the statistics ring.</summary>
    public required int StatEntries { get; init; }

    /// <summary>0 .. StatEntries - 1.</summary>
    public IReadOnlyList<int> StatList => Enumerable.Range(0, StatEntries).ToList();

    /// <summary>Each statistics entry's write pointer value as a literal (1 bit for two entries, 2 for three).</summary>
    public IReadOnlyList<string> StatIndex => StatList.Select(q => Verilog.Unsigned(StatEntries > 2 ? 2 : 1, q)).ToList();

    /// <summary>The names of the score memory's entry index and count (rows, or groups with lanes).</summary>
    public required IndexNames Index { get; init; }

    /// <summary>The width localparam of the value memory's read data (a row, or a group's rows).</summary>
    public required string KeyWidth { get; init; }

    /// <summary>The width localparam of a beat's score(s).</summary>
    public required string ScoresWidth { get; init; }

    /// <summary>The score entry's field of the row (or group) id.</summary>
    public required string RowField { get; init; }

    /// <summary>The score metadata's field of the replay's count: rows scored, or entries with lanes.</summary>
    public required string ReplayCountField { get; init; }

    public required string KeptIncrement { get; init; }

    /// <summary>A row (with lanes, some lane's row) in the beat at F2.</summary>
    public required string RowValidAny { get; init; }

    public required string RowValidReg { get; init; }

    public required string RowValidZero { get; init; }

    public required string BeatAny { get; init; }

    public required string X1Set { get; init; }

    public required string X1Fresh { get; init; }

    /// <summary>The range of a per-lane tag field: "" with one lane.</summary>
    public required string LaneRange { get; init; }

    /// <summary>The tag field that says a set is written: valid_q, or a lane's lv_q bit.</summary>
    public required string ValidName { get; init; }

    /// <summary>Per divider, its last step's quotient (the rounding's input, a wire of the last stage).</summary>
    public required IReadOnlyList<string> FinalQuotients { get; init; }

    /// <summary>Per divider, its last step's remainder (not needed).</summary>
    public required IReadOnlyList<string> FinalRemainders { get; init; }

    /// <summary>Copies of the divisor registers (<see cref="OnePassSoftmax.DivisorCopies"/>): the second one inverted.</summary>
    public required int DenCopies { get; init; }

    /// <summary>The first divider on the divisor's second copy (<see cref="OnePassSoftmax.DividersPerDivisorCopy"/>).</summary>
    public required int DividersPerCopy { get; init; }

    /// <summary>The inverted copy's ~S and ~3 S at the drain, shifted like the divisor (the shift's zeros inverted).</summary>
    public required string DenominatorB { get; init; }

    public required string Denominator3B { get; init; }

    /// <summary>The running max's candidate at F2: the beat's max (with lanes, of its valid lanes' scores), signed.</summary>
    public required string BeatMax { get; init; }

    /// <summary>The query's last flush beat: its end (fresh sets, no running max, for the next query).</summary>
    public required string LastFlush { get; init; }

    /// <summary>The tag of the rescale multiply's cycle.</summary>
    public required string MulTag { get; init; }

    /// <summary>The tag of the cycle that rounds a and e.</summary>
    public required string ExpTag { get; init; }

    public required string SumMerge { get; init; }

    /// <summary>3 S at the merge: the sets' sums and their doubles, in carry-save rows (<see cref="SumMergeTerms"/>) and one add.</summary>
    public required string SumMerge3 { get; init; }

    /// <summary>The carry-save terms of the merge's S (with lanes, of the P lanes' total sums; none with one lane) and of its 3 S.</summary>
    public required IReadOnlyList<CarrySaveTermView> SumMergeTerms { get; init; }

    /// <summary>The lanes' datapaths (one, named as without lanes, when P = 1).</summary>
    public required IReadOnlyList<OnlineLaneView> LaneList { get; init; }

    public OnlineLanesView? Lanes { get; init; }
}

/// <summary>One lane of the online stage: its names' suffix (S, scalar names) and infix (E, element names), its tag bit, its value elements' offset, its beat's row and score, and its expressions.</summary>
public sealed record OnlineLaneView(int Index, string S, string E, string Bit, int Base, string RowValid, string Score,
    IReadOnlyList<OnlineElementView> Elements, string SumLoop, string SumAddend, string ATableProductSum, string BTableProductSum, string UaExtended, string UbExtended);

/// <summary>A pair of lanes i &lt; j whose scores the beat max compares (s_i &gt;= s_j).</summary>
public sealed record LanePairView(int I, int J);

/// <summary>
/// The online stage's lane parts: the beat max's all-pairs compare (the pairs, each lane's win condition, the selected
/// score), the beats' lane flags.
/// </summary>
public sealed record OnlineLanesView(int Lanes, IReadOnlyList<LanePairView> Pairs, IReadOnlyList<string> Wins, string BeatMax, string Beats, string LanesZero);

/// <summary>Builds the online stage's view from <see cref="Design"/> and its <see cref="OnePassSoftmax"/>.</summary>
public static class OnlineViewBuilder
{
    /// <summary>
    /// Tag stages x1..x6 (x6 is the loop's second cycle): x1 the differences, x2 the tables, x3 the table product
    /// halves, x4 a, e and the value row, x5 e V halves, x6 the rescale product halves. The row id up to the value
    /// read (x2), flush and fresh up to the rescale multiply (x5).
    /// </summary>
    public const int TagCount = 6;

    private const int ValueReadStage = 2;

    /// <summary>The tag whose cycle multiplies the set's accumulators (its set and fresh flags select them; a flush's e V is zero there).</summary>
    private const int MulStage = TagCount - 1;

    /// <summary>The tag whose cycle rounds the table products into a and e (a flush's e is zero there).</summary>
    private const int ExpStage = TagCount - 3;

    private const int LastFlushStage = MulStage;

    public static OnlineView Online(Design design)
    {
        var op = design.OnePass ?? throw new InvalidOperationException("the online stage exists only with softmax = one-pass");
        var exp = design.Exp;
        int d = design.Dimension, fe = op.RescaleShift, flb = op.FactorLowBits, lowBits = design.ElementLowBits;
        int wScore = design.Score.Width, wExpIn = design.ExpInput.Width, wTableProd = exp.ProductWidth;
        int wAcc = op.Accumulator.Width, wSum = op.Sum.Width, wY = op.Weighted.Width, lsw = op.LoopSumWidth, slw = op.SumLoopWidth;
        int wN = design.RowCountWidth, wId = design.RowIdWidth, wDim = Bits.UnsignedWidth(op.Groups);
        int u = op.Dividers, slots = op.DrainSlots;
        int qb = op.QuotientBits, nw = op.NumeratorWidth, dw = op.DenominatorWidth, wOut = design.Output.Width;
        bool clamp = wScore > wExpIn;
        var lp = new LocalparamList()
            .Width("ElementWidth", design.Input.Width, $"value elements: {design.Input.Describe()}")
            .Width("RowWidth", design.RowDataWidth, $"a value row: d = {d} elements")
            .Width("RowIdWidth", wId, $"row id, 0..{design.MaxRows - 1}")
            .Width("RowCountWidth", wN, $"row count, 0..{design.MaxRows}")
            .Width("GroupCountWidth", wDim, $"groups of {u} element(s) left to divide, 0..{op.Groups}")
            .Width("ScoreWidth", wScore, $"score, max and differences: {design.Score.Describe()}")
            .Width("ExpInputWidth", wExpIn, $"clamped difference: {design.ExpInput.Describe()}")
            .Width("ExpLoBits", exp.LoBits, "low bits of a clamped difference: the low table's address")
            .Width("TableWidth", exp.TableEntryWidth, $"a table entry: {exp.TableFractionBits} fraction bits + 1")
            .Width("TableProductWidth", wTableProd, "exp(-hi) * exp(-lo) before rounding")
            .Width("TableLowBits", design.TableLowBits, "low bits of exp(-lo), multiplied apart from its high bits")
            .Width("TableLowProductWidth", design.TableLowProductWidth, "exp(-hi) times the low bits of exp(-lo)")
            .Width("TableHighProductWidth", design.TableHighProductWidth, "exp(-hi) times the high bits of exp(-lo)")
            .Width("ExpShift", exp.ProductShift, "rounding shift from the table product to a or e")
            .Width("ExpWidth", design.ExpValue.Width, $"a and e: {design.ExpValue.Describe()}")
            .Width("ExpFractionBits", fe, "fraction bits of a and e: the rescale's rounding shift")
            .Width("ElementLowBits", lowBits, "low bits of a value element, multiplied (unsigned) apart from its high bits")
            .Width("WeightedLowWidth", op.WeightedLowWidth, "e times a value element's low bits")
            .Width("WeightedHighWidth", op.WeightedHighWidth, "e times a value element's signed high bits")
            .Width("WeightedWidth", wY, $"e v: {op.Weighted.Describe()}")
            .Width("AccWidth", wAcc, $"a set's accumulator: {op.Accumulator.Describe()}")
            .Width("SumWidth", wSum, $"a set's sum: {op.Sum.Describe()}")
            .Width("FactorLowBits", flb, "low bits of a, multiplied apart from its high bits")
            .Width("AccLowProductWidth", op.AccLowProductWidth, "A times a's low bits")
            .Width("AccHighProductWidth", op.AccHighProductWidth, "A times a's high bits")
            .Width("SumLowProductWidth", op.SumLowProductWidth, "S times a's low bits")
            .Width("SumHighProductWidth", op.SumHighProductWidth, "S times a's high bits")
            .Width("LoopSumWidth", lsw, "A a + half + (e v << ExpFractionBits), before the rounding shift")
            .Width("SumLoopWidth", slw, "S a + half + (e << ExpFractionBits), before the rounding shift")
            .Width("NumeratorWidth", nw, "2 |A|, shifted to the output's fraction bits")
            .Width("DenominatorWidth", dw, "S, shifted to the input's fraction bits")
            .Width("QuotientBits", qb, "quotient bits of the division: the output's magnitude and a rounding bit")
            .Width("Den3Width", dw + 2, "3 S (shifted), for the radix-4 steps: below 4 S")
            .Width("OutputWidth", wOut, $"output element: {design.Output.Describe()}")
            .Bus(design.ScoreMeta)
            .Bus(design.ScoreEntry)
            .BusWidth(design.ResultQueueEntry);
        var tags = Enumerable.Range(1, TagCount).Select(k => new OnlineTagView(k, k <= ValueReadStage, k <= LastFlushStage)).ToList();
        string half = $"{lsw}'sd{1L << (fe - 1)}";
        bool lanes = design.HasLanes;
        int p = design.Lanes;
        var laneList = new List<OnlineLaneView>();
        for (int l = 0; l < p; l++)
        {
            string sx = lanes ? $"_l{l}" : "", ex = lanes ? $"l{l}_" : "";
            // The loop adds e V to the rescaled set; a query's end flush (e V = 0) adds the lane's other set instead, which
            // took the last beat (or its rescale) a cycle before, so that the lane's two sets leave the loop as one.
            string bit = lanes ? $"[{l}]" : "", last = $"x{TagCount}";
            var laneElements = Enumerable.Range(0, d).Select(j => new OnlineElementView(j,
                $"{{ yhi{ex}{j}_q, {Verilog.Unsigned(lowBits, 0)} }} + {Verilog.ZeroExtend($"ylo{ex}{j}_q", op.WeightedLowWidth, wY)}",
                $"{{ phi{ex}{j}_q, {Verilog.Unsigned(flb, 0)} }} + {Verilog.SignExtend($"plo{ex}{j}_q", op.AccLowProductWidth, lsw)} + {half} + yx{ex}{j}",
                $"{last}_end_q ? {{ ({last}_set_q{bit} ? acc0_{ex}{j}_q : acc1_{ex}{j}_q), {Verilog.Unsigned(fe, 0)} }} : "
                    + Verilog.SignExtend($"{{ y{ex}{j}_q, {Verilog.Unsigned(fe, 0)} }}", wY + fe, lsw, $"y{ex}{j}_q[{wY - 1}]"))).ToList();
            string laneSumLoop = $"{{ shi{sx}_q, {Verilog.Unsigned(flb, 0)} }} + {Verilog.ZeroExtend($"slo{sx}_q", op.SumLowProductWidth, slw)} + {slw}'d{1L << (fe - 1)} + sx{sx}";
            string laneSumAddend = $"{last}_end_q ? {{ ({last}_set_q{bit} ? sum0{sx}_q : sum1{sx}_q), {Verilog.Unsigned(fe, 0)} }} : "
                + Verilog.ZeroExtend($"{{ es{sx}_q, {Verilog.Unsigned(fe, 0)} }}", design.ExpValue.Width + fe, slw);
            laneList.Add(new OnlineLaneView(l, sx, ex, lanes ? $"[{l}]" : "", l * d,
                lanes ? $"row_lv_q[{l}]" : "row_valid_q",
                lanes ? $"row_score_q[{l}*ScoreWidth +: ScoreWidth]" : "row_score_q",
                laneElements, laneSumLoop, laneSumAddend, TableSum($"athi{sx}_q", $"atlo{sx}_q", design), TableSum($"bthi{sx}_q", $"btlo{sx}_q", design),
                clamp ? "" : Verilog.ZeroExtend($"ua{sx}_q", wScore, wExpIn), clamp ? "" : Verilog.ZeroExtend($"ub{sx}_q", wScore, wExpIn)));
        }
        var elements = laneList[0].Elements;
        string sumLoop = laneList[0].SumLoop;
        OnlineLanesView? lanesView = null;
        if (lanes)
        {
            lp.Remove("RowIdWidth").Remove("RowWidth")
                .Width("Lanes", p, "P, rows a beat: lane l takes rows r with r mod P = l")
                .Width("GroupIdWidth", design.GroupIdWidth, $"group id, 0..{design.Groups - 1}")
                .Width("EntryCountWidth", design.GroupCountWidth, $"score memory entries (groups), 0..{design.Groups}")
                .Width("GroupRowWidth", p * design.RowDataWidth, "the value rows of a group, lane l at [l*RowWidth +: RowWidth]");
            // The beat's max: lane i wins iff it is valid, above every valid lane j < i and not below any valid lane j > i
            // (ties go to the lowest lane, so exactly one valid lane wins); one comparator a pair.
            var pairs = Enumerable.Range(0, p).SelectMany(i => Enumerable.Range(i + 1, p - i - 1).Select(j => new LanePairView(i, j))).ToList();
            var wins = Enumerable.Range(0, p).Select(i => string.Join(" & ",
                new[] { $"f1_lv[{i}]" }
                    .Concat(Enumerable.Range(0, i).Select(j => $"(!f1_lv[{j}] | !f1_ge{j}_{i})"))
                    .Concat(Enumerable.Range(i + 1, p - i - 1).Select(j => $"(!f1_lv[{j}] | f1_ge{i}_{j})")))).ToList();
            string beatMax = string.Join(" | ", Enumerable.Range(0, p).Select(i => $"({{ScoreWidth{{f1_win{i}}}}} & f1_s{i})"));
            lanesView = new OnlineLanesView(p, pairs, wins, beatMax,
                "{ " + string.Join(", ", Enumerable.Range(0, p).Reverse().Select(l => $"beat_l{l}")) + " }", Verilog.Unsigned(p, 0));
        }

        // The normalizer: stage 1 does its steps on the drain's head group (|A|, its sign, S and 3 S, registered at the
        // merge), stage k > 1 on stage k - 1's registers, per divider. Stage k takes its steps two quotient bits at a time
        // (radix 4), an odd one alone; 3 den travels with a division through the registers of the stages before its last
        // radix-4 step. The registers are n1 to n(S-1): the last stage's steps and the rounding go straight into the
        // result registers.
        if (op.DividerStages < 2)
        {
            throw new InvalidOperationException($"internal: the one-pass normalizer has {op.DividerStages} stage(s); its registers need two or more");
        }
        var stageSteps = op.DividerStageSteps.Select(b => Enumerable.Repeat(true, b / 2).Concat(Enumerable.Repeat(false, b % 2)).ToList()).ToList();
        int lastPairStage = stageSteps.FindLastIndex(st => st.Contains(true)) + 1;
        var stages = Enumerable.Range(1, op.DividerStages - 1).Select(k => new NormStageView(k, k < lastPairStage)).ToList();
        var dividerStages = new List<NormDividerStageView>();
        var steps = new List<NormStepView>();
        var finalQuotients = new List<string>();
        var finalRemainders = new List<string>();
        for (int v = 0; v < u; v++)
        {
            int step = 0;
            string r = "", q = "";
            for (int k = 1; k <= op.DividerStages; k++)
            {
                r = k == 1 ? $"n0_r{v}" : $"n{k - 1}_r{v}_q";
                q = k == 1 ? $"n0_nq{v}" : $"n{k - 1}_nq{v}_q";
                bool inverted = op.DivisorCopies > 1 && v >= OnePassSoftmax.DividersPerDivisorCopy;
                string b = inverted ? "b" : "";
                string den = k == 1 ? $"den{b}" : $"n{k - 1}_den{b}_q";
                foreach (bool pair in stageSteps[k - 1])
                {
                    int bits = pair ? 2 : 1;
                    string next = qb > bits ? $"{q}[QuotientBits-{bits + 1}:0], " : "";
                    var sv = new NormStepView(v, step, r, q, den, pair, !pair ? "" : k == 1 ? $"den3{b}" : $"n{k - 1}_den3{b}_q", next, inverted);
                    steps.Add(sv);
                    r = $"nr{sv.Name}";
                    q = $"nq{sv.Name}";
                    step++;
                }
                if (k < op.DividerStages)
                {
                    dividerStages.Add(new NormDividerStageView(k, v, r, q, k == 1 ? $"drn{v}_q" : $"n{k - 1}_neg{v}_q"));
                }
            }
            finalQuotients.Add(q);
            finalRemainders.Add(r);
        }
        // The end flush leaves each lane's total in its set 0. The merge adds the lanes' (with lanes, in carry-save rows
        // down to two, x and y) and takes A = x + y and -A = ~x + ~y + 2 side by side (the sum of all of a query's rows
        // fits the accumulator, so the rows' wrap-around is harmless); without lanes, A is set 0 and -A = ~A + 1. The
        // drain registers take |A| and its sign.
        var drain = Enumerable.Range(0, slots).Select(i =>
        {
            string shift = i + u < slots ? $"{i + u}" : "", result = i + u < slots ? $"res{i + u}_q" : $"oval{i - (slots - u)}";
            if (i >= d)
            {
                return new DrainSlotView(i, "", "", shift, result, []);
            }
            if (!lanes)
            {
                return new DrainSlotView(i, $"acc0_{i}_q", $"~acc0_{i}_q + {Verilog.Unsigned(wAcc, 1)}", shift, result, []);
            }
            var (terms, x, y) = ModuleViewBuilder.CarrySaveRows($"mg{i}", laneList.Select(ln => $"acc0_{ln.E}{i}_q").ToList(), wAcc);
            return new DrainSlotView(i, $"{x} + {y}", $"~{x} + ~{y} + {Verilog.Unsigned(wAcc, 2)}", shift, result, terms);
        }).ToList();
        var sums = laneList.Select(ln => $"sum0{ln.S}_q").ToList();
        (IReadOnlyList<CarrySaveTermView> Terms, string Sum) sumMerge = lanes
            ? ModuleViewBuilder.CarrySave("mgs", sums, wSum, explicitWidths: true)
            : ([], string.Join(" + ", sums));
        // 3 S = S + 2 S over the sets' sums, in SumWidth + 2 bits.
        var (sum3Terms, sx3, sy3) = ModuleViewBuilder.CarrySaveRows("mgt",
            sums.Select(x => $"{{ 2'b00, {x} }}").Concat(sums.Select(x => $"{{ 1'b0, {x}, 1'b0 }}")).ToList(), wSum + 2);
        string numPrefix = "{ ", numSuffix = op.NumeratorShift > 0 ? $", 1'b0, {Verilog.Unsigned(op.NumeratorShift, 0)} }}" : ", 1'b0 }";
        string denominator = op.DenominatorShift > 0 ? $"{{ dr_sum_q, {Verilog.Unsigned(op.DenominatorShift, 0)} }}" : "dr_sum_q";
        string denominator3 = op.DenominatorShift > 0 ? $"{{ dr_sum3_q, {Verilog.Unsigned(op.DenominatorShift, 0)} }}" : "dr_sum3_q";
        string ones = op.DenominatorShift > 0 ? $"{{{op.DenominatorShift}{{1'b1}}}}" : "";
        string denominatorB = op.DenominatorShift > 0 ? $"{{ dr_sumb_q, {ones} }}" : "dr_sumb_q";
        string denominator3B = op.DenominatorShift > 0 ? $"{{ dr_sum3b_q, {ones} }}" : "dr_sum3b_q";
        int pad = dw - (nw - qb);
        string remPrefix = pad > 0 ? $"{{ {{{pad}{{1'b0}}}}, " : "", remSuffix = pad > 0 ? $"[{nw - 1}:{qb}] }}" : $"[{nw - 1}:{qb}]";
        // The rounded magnitude (q + 1) >> 1 is q >> 1 (qb - 1 bits) plus q's low bit, added in the output's width.
        int qh = qb - 1;
        string magPrefix = qh < wOut ? $"{{ {{{wOut - qh}{{1'b0}}}}, " : "";
        string magSuffix = qh < wOut ? " }" : qh > wOut ? $"[{wOut - 1}:0]" : "";
        var packing = Packing.Concatenation(design.ResultQueueEntry, new Dictionary<string, string>
        {
            ["Data"] = "{ " + string.Join(", ", Enumerable.Range(0, d).Reverse().Select(j => $"res{j}_q")) + " }",
            ["Kept"] = "res_k",
            ["Candidates"] = "res_c",
            ["Fallback"] = "res_f",
        });
        return new OnlineView(lp.Build(), d, tags, $"x{TagCount}", $"x{ValueReadStage}", elements, stages, dividerStages, steps,
            Enumerable.Range(0, u).ToList(), u, drain, $"n{op.DividerStages - 1}",
            clamp, Verilog.Unsigned(wScore, exp.ClampRaw), Verilog.Unsigned(wExpIn, exp.ClampRaw),
            clamp ? "" : Verilog.ZeroExtend("ua_q", wScore, wExpIn), clamp ? "" : Verilog.ZeroExtend("ub_q", wScore, wExpIn),
            TableSum("athi_q", "atlo_q", design), TableSum("bthi_q", "btlo_q", design),
            sumLoop, numPrefix, numSuffix, denominator, denominator3, remPrefix, remSuffix, magPrefix, magSuffix, qh > wOut ? $"[{qh - 1}:{wOut}]" : "",
            $"{wAcc}'sd0", Verilog.Unsigned(wAcc, 0), Verilog.Unsigned(wSum, 0), Verilog.Unsigned(design.ExpValue.Width, 0),
            $"{wY}'sd0", Verilog.Unsigned(wScore, 0), Verilog.Unsigned(wN, 0), Verilog.Unsigned(wN, 1), Verilog.Unsigned(wId, 0), Verilog.Unsigned(wId, 1),
            Verilog.Unsigned(wDim, 0), Verilog.Unsigned(wDim, 1), Verilog.Unsigned(wDim, op.Groups),
            wDim == 1 ? "1'b1" : $"(dr_left_q[{wDim - 1}:1] == {Verilog.Unsigned(wDim - 1, 0)})", packing)
        {
            InFlight = op.InFlight,
            StatEntries = op.StatEntries,
            Index = IndexNames.For(design, "EntryCountWidth"),
            KeyWidth = lanes ? "GroupRowWidth" : "RowWidth",
            ScoresWidth = lanes ? "ScoreEntryScoreWidth" : "ScoreWidth",
            RowField = lanes ? "ScoreEntryGroup" : "ScoreEntryRowId",
            ReplayCountField = lanes ? "ScoreMetaEntries" : "ScoreMetaRows",
            KeptIncrement = lanes ? string.Join(" + ", Enumerable.Range(0, p).Select(l => Verilog.ZeroExtend($"row_lv_q[{l}]", 1, wN))) : Verilog.Unsigned(wN, 1),
            RowValidAny = lanes ? "(|row_lv_q)" : "row_valid_q",
            RowValidReg = lanes ? "row_lv_q" : "row_valid_q",
            RowValidZero = lanes ? Verilog.Unsigned(p, 0) : "1'b0",
            BeatAny = lanes ? "(|row_lv_q) | row_end_q | fa_q" : "beat",
            BeatMax = lanes ? "row_bm_q" : "$signed(row_score_q)",
            X1Set = lanes ? "{ " + string.Join(", ", Enumerable.Range(0, p).Reverse().Select(l => $"set_l{l}_q")) + " }" : "set_q",
            X1Fresh = lanes ? "{ " + string.Join(", ", Enumerable.Range(0, p).Reverse().Select(l => $"fresh_l{l}")) + " }" : "fresh",
            LaneRange = lanes ? "[Lanes-1:0] " : "",
            ValidName = lanes ? "lv_q" : "valid_q",
            FinalQuotients = finalQuotients,
            FinalRemainders = finalRemainders,
            LastFlush = "fa_q",
            DenCopies = op.DivisorCopies,
            DividersPerCopy = OnePassSoftmax.DividersPerDivisorCopy,
            DenominatorB = denominatorB,
            Denominator3B = denominator3B,
            MulTag = $"x{MulStage}",
            ExpTag = $"x{ExpStage}",
            SumMerge = sumMerge.Sum,
            SumMerge3 = $"{sx3} + {sy3}",
            SumMergeTerms = [.. sumMerge.Terms, .. sum3Terms],
            LaneList = laneList,
            Lanes = lanesView,
        };
    }

    /// <summary>exp(-hi) exp(-lo) from its two registered halves, plus half of the rounding's shift (round half up to the exp format).</summary>
    private static string TableSum(string high, string low, Design design) =>
        $"{{ {high}, {Verilog.Unsigned(design.TableLowBits, 0)} }} + {Verilog.ZeroExtend(low, design.TableLowProductWidth, design.Exp.ProductWidth)}"
        + $" + {Verilog.Unsigned(design.Exp.ProductWidth, 1L << (design.Exp.ProductShift - 1))}";
}
