namespace A3Gen.Elaboration;

/// <summary>
/// The one-pass (online) softmax (configuration softmax = "one-pass"): every derived number of it, once.
/// <para>
/// Arithmetic (docs/one-pass-softmax.md; bit-exact in Model/OnePassModel.cs). The rows of a query reach the
/// online stage one a cycle; row k goes to set k mod 2 (two interleaved sets, so that a set's loop, the
/// rescale multiply and the add, has two cycles). A shared running max m; per set its max at its last row
/// m_s, a sum S_s and d accumulators A_s. For a row (s, V): m' = max(m, s); a = exp(-(m' - m_s)) (1.0 for a
/// set's first row), e = exp(-(m' - s)), both by the exp tables; A_s = round(A_s a) + e V and
/// S_s = round(S_s a) + e, rounding half up to the accumulator's and the sum's own fraction bits. After the
/// last row each set is rescaled once more to the final max (a flush), the sets are added, and each output
/// element is round(A / S), rounded half away from zero, by normalizerDividers pipelined dividers, a group of
/// elements a cycle.
/// An approximate query's candidates are first scored and stored (their max is needed by post-scoring);
/// then the kept ones are replayed into the same datapath with m and m_s preset to the max, so no rescale
/// happens.
/// </para>
/// </summary>
public sealed class OnePassSoftmax
{
    /// <summary>Interleaved sets of the online loop: the loop's multiply and add take one cycle each.</summary>
    public const int Sets = 2;

    /// <summary>
    /// Quotient bits per normalizer stage: one radix-4 step, one subtraction deep (x - den, x - 2 den and x - 3 den
    /// side by side). (Three bits, a radix-4 and a restoring step, two subtractions deep, measured 39.4 to 41.2 FO4 on
    /// a3-onepass's standard cells, at the budget; four, two radix-4 steps, 40.2 FO4.)
    /// </summary>
    public const int StepsPerStage = 2;

    /// <summary>An accumulator A_s (and the added sum of the two sets).</summary>
    public FixedFormat Accumulator { get; }

    /// <summary>A sum S_s (and the added sum of the two sets).</summary>
    public FixedFormat Sum { get; }

    /// <summary>e V: an exp value times a value element.</summary>
    public FixedFormat Weighted { get; }

    /// <summary>Fraction bits dropped (rounding half up) after A_s a and S_s a: those of the exp format.</summary>
    public int RescaleShift { get; }

    /// <summary>Width of A_s a + half + (e V &lt;&lt; RescaleShift): the loop's sum before the shift.</summary>
    public int LoopSumWidth { get; }

    /// <summary>Width of S_s a + half + (e &lt;&lt; RescaleShift).</summary>
    public int SumLoopWidth { get; }

    /// <summary>Low bits of a rescale factor a that the loop multiplies apart from the high ones (two registered halves).</summary>
    public int FactorLowBits { get; }

    /// <summary>e times a value element's low bits (unsigned).</summary>
    public int WeightedLowWidth { get; }

    /// <summary>e times a value element's signed high bits; shifted by the low bits it is e v.</summary>
    public int WeightedHighWidth { get; }

    /// <summary>A times a's low bits (signed).</summary>
    public int AccLowProductWidth { get; }

    /// <summary>A times a's high bits (signed): |A| a_hi &lt;= |A| 2^(Fe - FactorLowBits).</summary>
    public int AccHighProductWidth { get; }

    /// <summary>S times a's low bits.</summary>
    public int SumLowProductWidth { get; }

    /// <summary>S times a's high bits.</summary>
    public int SumHighProductWidth { get; }

    /// <summary>Width of a (unsigned, at most 1.0): the exp format's.</summary>
    public int FactorWidth { get; }

    /// <summary>Left shift of |A| before the division (output fraction bits above the input's), else 0.</summary>
    public int NumeratorShift { get; }

    /// <summary>Left shift of S before the division (input fraction bits above the output's), else 0.</summary>
    public int DenominatorShift { get; }

    /// <summary>Width of the division's numerator 2 |A| 2^NumeratorShift (the 2 is the rounding bit).</summary>
    public int NumeratorWidth { get; }

    /// <summary>Width of the division's denominator S 2^DenominatorShift.</summary>
    public int DenominatorWidth { get; }

    /// <summary>Quotient bits of floor(2 |A| 2^NumeratorShift / (S 2^DenominatorShift)); the output is (q + 1) / 2.</summary>
    public int QuotientBits { get; }

    /// <summary>Pipeline stages of the normalizer's division (<see cref="StepsPerStage"/> steps each).</summary>
    public int DividerStages { get; }

    /// <summary>Division steps of each normalizer stage.</summary>
    public IReadOnlyList<int> DividerStageSteps { get; }

    /// <summary>
    /// Cycles from a live beat at the online stage's input (the dot product's score write) to its sets' registers
    /// holding the updated A_s and S_s: row register (flush slot), differences and running max, tables (the
    /// differences clamped on the way), table product halves, a/e (the product halves' sum rounded) and the value
    /// row, e V halves, rescale product halves and e V, the loop's add. A replayed beat takes <see cref="ReplayDelay"/>
    /// cycles more.
    /// </summary>
    public int LoopDepth => 8;

    /// <summary>
    /// Flush beats after a query's last beat: one. A set that took a row of the last beat has the final max as its own
    /// (its flush factor is exp(0) = 1.0, which leaves it exact), so only each lane's other set is rescaled then, and
    /// the flush's loop adds the first set in place of e V (the lane's total goes to set 0, which the merge reads); a
    /// lane without a row in the last beat (n mod P lanes short, or a replayed beat's dropped rows) rescales one of its
    /// sets in the last beat itself, in place of a row, and the other in the flush beat.
    /// </summary>
    public int FlushBeats => 1;

    /// <summary>
    /// Cycles from the last beat of a query at the online stage's input to its merge (the cycle the sets are
    /// added into the drain registers): the flush beat follows the last beat through the row register.
    /// </summary>
    public int MergeDelay => LoopDepth + FlushBeats;

    /// <summary>Cycles from the merge to the first element's issue into the normalizer (the drain registers).</summary>
    public int IssueDelay => 1;

    /// <summary>
    /// Cycles from an element's issue to its result register (and, for the last element, to the push): the division
    /// stages, the last one with the rounding and sign. The first starts at the drain registers, which the merge loads
    /// with |A|, its sign, S and 3 S.
    /// </summary>
    public int NormalizerDepth => DividerStages;

    /// <summary>Dividers of the normalizer (configuration normalizerDividers, default ceil(d / 3)).</summary>
    public int Dividers { get; }

    /// <summary>Dividers on the divisor registers' first copy (S, 3 S, down the stages) when there are two.</summary>
    public const int DividersPerDivisorCopy = 8;

    /// <summary>
    /// Copies of the divisor registers: two when there are more than <see cref="DividersPerDivisorCopy"/> dividers (the
    /// second holds ~S and ~3 S, a value of its own, so that synthesis does not merge it into the first; the dividers
    /// from <see cref="DividersPerDivisorCopy"/> on add it plus one), else one. The copy splits the divisor's fan-out, a
    /// buffer or two on the path; it did not change a3-onepass's 41.2 FO4 with three-bit stages, which their two carry
    /// chains set.
    /// </summary>
    public int DivisorCopies => Dividers > DividersPerDivisorCopy ? 2 : 1;

    /// <summary>Groups of <see cref="Dividers"/> elements the drain issues, one a cycle: ceil(d / Dividers).</summary>
    public int Groups { get; }

    /// <summary>Drain registers: the groups padded to whole ones (the padding divides zero and is not read).</summary>
    public int DrainSlots => Groups * Dividers;

    /// <summary>Cycles from the merge to the result's push: the groups' issues (one a cycle), the normalizer to the push.</summary>
    public int MergeToPush(int dimension) => IssueDelay + (Groups - 1) + NormalizerDepth;

    /// <summary>
    /// Cycles from an approximate query's done (its last score written) to its first replayed beat at the row register,
    /// beyond the beats themselves: the read, and the memory's data registered (the post-scoring filter starts at a
    /// flip-flop, not at the memory's read data).
    /// </summary>
    public int ReplayDelay => 2;

    /// <summary>The most queries a one-pass design keeps between the dot product's start and the push.</summary>
    public const int MaxInFlight = 3;

    /// <summary>
    /// Queries between the dot product's start and the push, at most: min(result queue depth, <see cref="MaxInFlight"/>)
    /// (the push cannot be refused, so each holds a result queue entry). A second starts once the dot product is free;
    /// a third only once the oldest has merged and the drain is almost empty, so that the middle one merges as soon as
    /// it asks, before the newest query's rows reach the sets.
    /// </summary>
    public int InFlight { get; }

    /// <summary>Entries of the query statistics ring (written at a query's last beat, read at its push): two or three.</summary>
    public int StatEntries => Math.Max(InFlight, 2);

    /// <summary>exp(0) in the exp format: a set's factor when the max has not moved (and for its first row).</summary>
    public long One { get; }

    public OnePassSoftmax(Design design)
    {
        var exp = design.ExpValue;
        var input = design.Input;
        int fe = exp.FractionBits, w = input.Width, f = input.FractionBits, i = input.IntegerBits;
        int logN = Bits.CeilLog2(design.MaxRows);
        int fo = design.Output.FractionBits;
        One = 1L << fe;
        Dividers = design.Config.ResolvedNormalizerDividers;
        Groups = (design.Dimension + Dividers - 1) / Dividers;
        InFlight = Math.Min(design.Config.ResolvedResultQueueDepth, MaxInFlight);
        if (design.Exp.Exp(0) != One)
        {
            throw new InvalidOperationException($"internal: exp(0) through the tables is {design.Exp.Exp(0)}, not 1.0 = {One}: the one-pass rescale needs it exact");
        }
        RescaleShift = fe;
        FactorWidth = exp.Width;
        FactorLowBits = (FactorWidth + 1) / 2;
        Weighted = new FixedFormat("one-pass e v", true, exp.Width + w, fe + f,
            $"unsigned {exp.Width}-bit e (at most 1.0) times signed {w}-bit v: within +-2^{fe + i + f} (raw), {exp.Width + w} signed bits");
        // |A| <= N 2^(fe+i+f) needs 1 + fe + i + f + ceil(log2 N) signed bits; at least one integer bit more than
        // e v (N = 1), so that e v << Fe sign-extends into the loop's sum.
        int accWidth = fe + w + Math.Max(logN, 1);
        Accumulator = new FixedFormat("one-pass accumulator", true, accWidth, fe + f,
            $"every rescale keeps |A| (a <= 1.0, rounding to the nearest integer of a value within +-|A|) and every row adds |e v| <= 2^{fe + i + f}: |A| <= N 2^{fe + i + f}, {accWidth} signed bits (the two sets together hold at most N rows)");
        int lowBits = design.ElementLowBits;
        WeightedLowWidth = exp.Width + lowBits;
        WeightedHighWidth = exp.Width + w - lowBits;
        long maxSum = (long)design.MaxRows << fe;
        Sum = new FixedFormat("one-pass sum", false, Bits.UnsignedWidth(maxSum), fe,
            $"every rescale keeps S and every row adds e <= 1.0 = 2^{fe}: S <= N 2^{fe} = {maxSum}, {Bits.UnsignedWidth(maxSum)} bits");
        LoopSumWidth = accWidth + fe;
        SumLoopWidth = Sum.Width + fe;
        AccLowProductWidth = accWidth + FactorLowBits;
        AccHighProductWidth = accWidth + fe - FactorLowBits;
        SumLowProductWidth = Sum.Width + FactorLowBits;
        SumHighProductWidth = Sum.Width + fe - FactorLowBits;
        NumeratorShift = Math.Max(0, fo - f);
        DenominatorShift = Math.Max(0, f - fo);
        // |A| <= N 2^(fe+i+f) fits accWidth unsigned bits; times 2 (the rounding bit) and the shift.
        NumeratorWidth = accWidth + 1 + NumeratorShift;
        DenominatorWidth = Sum.Width + DenominatorShift;
        QuotientBits = Bits.UnsignedWidth(MaxQuotient(design, NumeratorShift, DenominatorShift));
        // The division starts from the numerator's bits above the quotient's (below S by the bound): at least one, and
        // no more than the denominator's width. (They are Fe + max(ceil(log2 N), 1) + DenominatorShift bits, the
        // denominator floor(log2 N) + 1 + Fe + DenominatorShift, with a quotient of i + Fo + 2 bits; a larger bound only
        // narrows them.)
        if (NumeratorWidth - QuotientBits < 1 || NumeratorWidth - QuotientBits > DenominatorWidth)
        {
            throw new InvalidOperationException($"internal: the one-pass numerator's {NumeratorWidth} bits leave {NumeratorWidth - QuotientBits} above the quotient's {QuotientBits}, not 1..{DenominatorWidth}");
        }
        // The last stage takes at most two quotient bits (one radix-4 step, one subtraction deep) and the rounding,
        // into the result registers; the stages before it StepsPerStage bits each.
        int lastBits = Math.Min(2, QuotientBits);
        int front = QuotientBits - lastBits;
        DividerStageSteps = Enumerable.Range(0, (front + StepsPerStage - 1) / StepsPerStage)
            .Select(s => Math.Min(StepsPerStage, front - (s * StepsPerStage)))
            .Append(lastBits)
            .ToArray();
        DividerStages = DividerStageSteps.Count;
        long maxOut = ((long)design.MaxRows << (i + fo)) + 1;
        if (maxOut > design.Output.MaxRaw)
        {
            throw new InvalidOperationException($"internal: the one-pass output (up to {maxOut} raw) does not fit the output format {design.Output.Describe()}");
        }
    }

    /// <summary>
    /// The largest quotient floor(2 |A| 2^NumeratorShift / (S 2^DenominatorShift)) any query can give, in raw units:
    /// A and S carry the same weights W_k (each row's e times the factors of the rescales after it), so without
    /// rounding |A| &lt;= V S, V = max |v| = 2^(i+f) (the most negative value). Each rescale rounds A and S by at most
    /// half a raw unit, and a later rescale (a &lt;= 1.0) never grows that error, so after K rescales
    /// |A| &lt;= V (S + K/2) + K/2. A set rescales at each of its rows but its first (a fresh set adds to zero) and
    /// once at the flush (a set that saw no row is not flushed): at most one rescale per row, K &lt;= n &lt;= N.
    /// S &gt;= 1.0 = 2^Fe (the row at the final max adds exactly 1.0, and only exact factors 1.0 rescale it after), so
    /// 2 |A| / S &lt;= 2 V + (V + 1) N / 2^Fe.
    /// </summary>
    public static long MaxQuotient(Design design, int numeratorShift, int denominatorShift)
    {
        var input = design.Input;
        var maxValue = System.Numerics.BigInteger.One << (input.IntegerBits + input.FractionBits);
        long roundings = design.MaxRows;
        int fe = design.ExpValue.FractionBits;
        var numerator = ((2 * maxValue) << fe) + ((maxValue + 1) * roundings);
        return (long)((numerator << numeratorShift) >> (denominatorShift + fe));
    }

    /// <summary>
    /// Bound on |o_j - o_ref_j| of the one-pass model against double-precision attention on the same inputs,
    /// for n rows, R rises of the running max after the first beat (at most one a beat) and values of at most
    /// <paramref name="maxAbsValue"/>: each row's weight is the product of at most R + 2 exp approximations
    /// (its e, the rescales of its set and the flush), each off by at most eps (the exp unit's), and each of the 2 P
    /// sets rounds at most R + 1 inexact rescales, half an ulp each; with S >= 1 and |o| &lt;= max |v|,
    /// |A'/S' - A/S| &lt;= |A' - A| + max |v| |S' - S|; the division rounds by half an output ulp.
    /// </summary>
    public double OutputErrorBound(Design design, int n, int rises, double maxAbsValue)
    {
        double eps = design.Exp.MaxError;
        int factors = rises + 2;
        double growth = Math.Pow(1 + eps, factors);
        double weightError = n * factors * eps * growth;
        // Each of the P lanes' two sets rounds at most R + 1 inexact rescales (a rescale is inexact only after a rise
        // of the shared max, and the flush): 2 P (R + 1) in all.
        int roundings = Sets * design.Lanes * (rises + 1);
        double accRounding = roundings * Math.Pow(2, -(Accumulator.FractionBits + 1)) * growth;
        double sumRounding = roundings * Math.Pow(2, -(Sum.FractionBits + 1)) * growth;
        double accError = (maxAbsValue * weightError) + accRounding;
        double sumError = weightError + sumRounding;
        return accError + (maxAbsValue * sumError) + Math.Pow(2, -(design.Output.FractionBits + 1));
    }

    public IReadOnlyList<FixedFormat> Formats => [Weighted, Accumulator, Sum];
}
