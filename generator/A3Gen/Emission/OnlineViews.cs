using A3Gen.Elaboration;

namespace A3Gen.Emission;

/// <summary>One tag register stage of the online stage (x1..x8): which fields it still carries.</summary>
public sealed record OnlineTagView(int Index, bool HasRow, bool HasFlush);

/// <summary>One value element of the online stage: its e V sum and its loop's sum.</summary>
public sealed record OnlineElementView(int Index, string WeightedSum, string LoopSum);

/// <summary>One register stage of the normalizer: n0 the input, then the division stages.</summary>
public sealed record NormStageView(int Index);

/// <summary>One division stage of one divider: the remainder and quotient its registers take.</summary>
public sealed record NormDividerStageView(int Stage, int Divider, string Remainder, string Quotient);

/// <summary>One division step of one divider: the remainder, quotient and divisor it takes.</summary>
public sealed record NormStepView(int Divider, int Step, string RemainderIn, string QuotientIn, string DenIn)
{
    public string Name => $"{Divider}_{Step}";
}

/// <summary>One drain (and result) register: what the merge loads, what the drain's shift moves in, what the result's shift moves in.</summary>
public sealed record DrainSlotView(int Index, string MergeValue, string ShiftFrom, string ResultFrom);

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
    bool HasLowUnused,
    string SumLoop,
    string NumeratorPrefix,
    string NumeratorSuffix,
    string Denominator,
    string RemainderInitPrefix,
    string RemainderInitSuffix,
    string MagnitudePrefix,
    string MagnitudeSuffix,
    string MagnitudeUnusedRange,
    string QuotientOne,
    string OutputZero,
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
    string ResultEntryPacking);

/// <summary>Builds the online stage's view from <see cref="Design"/> and its <see cref="OnePassSoftmax"/>.</summary>
public static class OnlineViewBuilder
{
    /// <summary>Tag stages x1..x8 (x8 is the loop's second cycle): the row id up to the value read (x4), flush and fresh up to x7.</summary>
    public const int TagCount = 8;

    private const int ValueReadStage = 4;

    private const int LastFlushStage = 7;

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
            .Width("OutputWidth", wOut, $"output element: {design.Output.Describe()}")
            .Bus(design.ScoreMeta)
            .Bus(design.ScoreEntry)
            .BusWidth(design.ResultQueueEntry);
        var tags = Enumerable.Range(1, TagCount).Select(k => new OnlineTagView(k, k <= ValueReadStage, k <= LastFlushStage)).ToList();
        string half = $"{lsw}'sd{1L << (fe - 1)}";
        var elements = Enumerable.Range(0, d).Select(j => new OnlineElementView(j,
            $"{{ yhi{j}_q, {Verilog.Unsigned(lowBits, 0)} }} + {Verilog.ZeroExtend($"ylo{j}_q", op.WeightedLowWidth, wY)}",
            $"{{ phi{j}_q, {Verilog.Unsigned(flb, 0)} }} + {Verilog.SignExtend($"plo{j}_q", op.AccLowProductWidth, lsw)} + {half} + "
                + Verilog.SignExtend($"{{ y{j}_q, {Verilog.Unsigned(fe, 0)} }}", wY + fe, lsw, $"y{j}_q[{wY - 1}]"))).ToList();
        string sumLoop = $"{{ shi_q, {Verilog.Unsigned(flb, 0)} }} + {Verilog.ZeroExtend("slo_q", op.SumLowProductWidth, slw)} + {slw}'d{1L << (fe - 1)} + "
            + Verilog.ZeroExtend($"{{ e8_q, {Verilog.Unsigned(fe, 0)} }}", design.ExpValue.Width + fe, slw);

        // The normalizer: n0 takes the drain's head group; stage k does its steps on stage k - 1's registers, per divider.
        var stages = Enumerable.Range(0, op.DividerStages + 1).Select(k => new NormStageView(k)).ToList();
        var dividerStages = new List<NormDividerStageView>();
        var steps = new List<NormStepView>();
        for (int v = 0; v < u; v++)
        {
            int step = 0;
            for (int k = 1; k <= op.DividerStages; k++)
            {
                string r = $"n{k - 1}_r{v}_q", q = $"n{k - 1}_nq{v}_q", den = $"n{k - 1}_den_q";
                for (int t = 0; t < op.DividerStageSteps[k - 1]; t++)
                {
                    var sv = new NormStepView(v, step, r, q, den);
                    steps.Add(sv);
                    r = $"nr{sv.Name}";
                    q = $"nq{sv.Name}";
                    step++;
                }
                dividerStages.Add(new NormDividerStageView(k, v, r, q));
            }
        }
        var drain = Enumerable.Range(0, slots).Select(i => new DrainSlotView(i,
            i < d ? $"acc0_{i}_q + acc1_{i}_q" : $"{wAcc}'sd0",
            i + u < slots ? $"dr{i + u}_q" : "",
            i + u < slots ? $"res{i + u}_q" : $"oval{i - (slots - u)}")).ToList();
        string numPrefix = "{ ", numSuffix = op.NumeratorShift > 0 ? $", 1'b0, {Verilog.Unsigned(op.NumeratorShift, 0)} }}" : ", 1'b0 }";
        string denominator = op.DenominatorShift > 0 ? $"{{ dr_sum_q, {Verilog.Unsigned(op.DenominatorShift, 0)} }}" : "dr_sum_q";
        int pad = dw - (nw - qb);
        string remPrefix = pad > 0 ? $"{{ {{{pad}{{1'b0}}}}, " : "", remSuffix = pad > 0 ? $"[{nw - 1}:{qb}] }}" : $"[{nw - 1}:{qb}]";
        string magPrefix = qb < wOut ? $"{{ {{{wOut - qb}{{1'b0}}}}, " : "";
        string magSuffix = qb < wOut ? " }" : qb > wOut ? $"[{wOut - 1}:0]" : "";
        var packing = Packing.Concatenation(design.ResultQueueEntry, new Dictionary<string, string>
        {
            ["Data"] = "{ " + string.Join(", ", Enumerable.Range(0, d).Reverse().Select(j => $"res{j}_q")) + " }",
            ["Kept"] = "res_k",
            ["Candidates"] = "res_c",
            ["Fallback"] = "res_f",
        });
        return new OnlineView(lp.Build(), d, tags, $"x{TagCount}", $"x{ValueReadStage}", elements, stages, dividerStages, steps,
            Enumerable.Range(0, u).ToList(), u, drain, $"n{op.DividerStages}",
            clamp, Verilog.Unsigned(wScore, exp.ClampRaw), Verilog.Unsigned(wExpIn, exp.ClampRaw),
            clamp ? "" : Verilog.ZeroExtend("ua_q", wScore, wExpIn), clamp ? "" : Verilog.ZeroExtend("ub_q", wScore, wExpIn),
            TableSum("athi_q", "atlo_q", design), TableSum("bthi_q", "btlo_q", design), exp.ProductShift - 1 > 0,
            sumLoop, numPrefix, numSuffix, denominator, remPrefix, remSuffix, magPrefix, magSuffix, qb > wOut ? $"[{qb - 1}:{wOut}]" : "",
            Verilog.Unsigned(qb + 1, 1),
            Verilog.Unsigned(wOut, 0), $"{wAcc}'sd0", Verilog.Unsigned(wAcc, 0), Verilog.Unsigned(wSum, 0), Verilog.Unsigned(design.ExpValue.Width, 0),
            $"{wY}'sd0", Verilog.Unsigned(wScore, 0), Verilog.Unsigned(wN, 0), Verilog.Unsigned(wN, 1), Verilog.Unsigned(wId, 0), Verilog.Unsigned(wId, 1),
            Verilog.Unsigned(wDim, 0), Verilog.Unsigned(wDim, 1), Verilog.Unsigned(wDim, op.Groups),
            wDim == 1 ? "1'b1" : $"(dr_left_q[{wDim - 1}:1] == {Verilog.Unsigned(wDim - 1, 0)})", packing);
    }

    private static string TableSum(string high, string low, Design design) =>
        $"{{ {high}, {Verilog.Unsigned(design.TableLowBits, 0)} }} + {Verilog.ZeroExtend(low, design.TableLowProductWidth, design.Exp.ProductWidth)}";
}
