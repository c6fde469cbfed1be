namespace A3Gen.Configuration;

/// <summary>
/// The exponent unit's input range and its two-table split, derived from the formats: what validation
/// checks (table sizes) and what <see cref="Elaboration.ExpUnit"/> builds its tables from, so that the
/// derivation exists once.
/// <para>
/// u = max - s carries the score's fraction bits Fs. It is clamped to 2^k - 2^-Fs, u = hi . lo indexes a
/// high table exp(-hi 2^LoBits 2^-Fs) and a low table exp(-lo 2^-Fs), both rounded to Ft = Fe + guard
/// fraction bits, and e = round_half_up(T_hi T_lo / 2^(2 Ft - Fe)). k is the smallest integer such that
/// (1) exp(-(2^k - 2^-Fs)) &lt; 2^-(Fe+1): every u at or beyond the clamp rounds to e = 0 exactly, and
/// (2) the tables give e = 0 at the clamp too, so clamping changes no result. (2) adds one to k for about
/// 1% of the formats: those with few guard bits, whose rounded table entries overestimate exp.
/// </para>
/// </summary>
public sealed record ExpTableSplit(int InputFractionBits, int OutputFractionBits, int TableFractionBits, int InputIntegerBits, int LoBits)
{
    /// <summary>
    /// Index bits of either table at most: 2^14 = 16,384 entries. The largest default split (fractionBits = 12,
    /// expFractionBits = 16: a 28-bit input split 14 + 14) fits; larger tables only slow generation and synthesis
    /// (a 2^20-entry table takes tens of seconds and gigabytes to generate).
    /// </summary>
    public const int MaxIndexBits = 14;

    /// <summary>Width of the clamped, unsigned u.</summary>
    public int InputWidth => InputIntegerBits + InputFractionBits;

    public int HiBits => InputWidth - LoBits;

    /// <summary>Largest u the tables see (raw); any larger u is clamped to it.</summary>
    public long ClampRaw => (1L << InputWidth) - 1;

    /// <summary>The table product is shifted right by this many bits, rounding half up.</summary>
    public int ProductShift => (2 * TableFractionBits) - OutputFractionBits;

    /// <summary>True when both tables have at least one index bit and at most <see cref="MaxIndexBits"/>.</summary>
    public bool Fits => LoBits >= 1 && HiBits >= 1 && LoBits <= MaxIndexBits && HiBits <= MaxIndexBits;

    /// <summary>exp(-hi 2^LoBits 2^-Fs), rounded to TableFractionBits.</summary>
    public long HiEntry(long hi) => Quantize(Math.Exp(-(double)(hi << LoBits) / (1L << InputFractionBits)), TableFractionBits);

    /// <summary>exp(-lo 2^-Fs), rounded to TableFractionBits.</summary>
    public long LoEntry(long lo) => Quantize(Math.Exp(-(double)lo / (1L << InputFractionBits)), TableFractionBits);

    /// <summary>e for a clamped u through the tables, as the RTL computes it.</summary>
    public long Exp(long clampedU)
    {
        long hi = clampedU >> LoBits;
        long lo = clampedU & ((1L << LoBits) - 1);
        return ((HiEntry(hi) * LoEntry(lo)) + (1L << (ProductShift - 1))) >> ProductShift;
    }

    /// <summary>Smallest k such that exp(-(2^k - 2^-Fs)) rounds to 0 in Fe fraction bits (condition 1).</summary>
    public static int NaturalIntegerBits(int scoreFractionBits, int expFractionBits)
    {
        double halfUlp = Math.Pow(2, -(expFractionBits + 1));
        int k = 0;
        while (Math.Exp(-(Math.Pow(2, k) - Math.Pow(2, -scoreFractionBits))) >= halfUlp)
        {
            k++;
        }
        return k;
    }

    /// <summary>
    /// The split for the formats: k from conditions (1) and (2), LoBits as given or half the input rounded
    /// up. A given LoBits outside 1..InputWidth - 1 is returned as is (validation refuses it).
    /// </summary>
    public static ExpTableSplit Derive(int scoreFractionBits, int expFractionBits, int guardBits, int? loBits)
    {
        int k = NaturalIntegerBits(scoreFractionBits, expFractionBits);
        while (true)
        {
            int width = k + scoreFractionBits;
            var split = new ExpTableSplit(scoreFractionBits, expFractionBits, expFractionBits + guardBits, k, loBits ?? ((width + 1) / 2));
            // Once the split is invalid or the input is 40 bits wide nothing is gained by going on: validation
            // refuses the former, and no format allowed reaches the latter (k grows by at most one).
            if (split.LoBits < 1 || split.LoBits >= width || width >= 40 || split.Exp(split.ClampRaw) == 0)
            {
                return split;
            }
            k++;
        }
    }

    /// <summary>The LoBits values whose split is valid and fits <see cref="MaxIndexBits"/> for these formats, ascending.</summary>
    public static IReadOnlyList<int> AllowedLoBits(int scoreFractionBits, int expFractionBits, int guardBits) =>
        Enumerable.Range(1, MaxIndexBits)
            .Where(lo =>
            {
                var split = Derive(scoreFractionBits, expFractionBits, guardBits, lo);
                return split.LoBits < split.InputWidth && split.Fits && split.Exp(split.ClampRaw) == 0;
            })
            .ToArray();

    private static long Quantize(double value, int fractionBits) =>
        (long)Math.Floor((value * Math.Pow(2, fractionBits)) + 0.5);
}
