namespace A3Gen.Elaboration;

/// <summary>
/// The exponent module's arithmetic: e = exp(-u) for u = max - s >= 0, by two lookup tables,
/// exp(-(hi + lo)) = exp(-hi) * exp(-lo), and one multiplier (paper section III-B).
/// <para>
/// u carries the score's fraction bits. It is clamped to <see cref="ClampRaw"/> = 2^InputWidth - 1:
/// exp of anything at or beyond the clamp is below half an ulp of the exp format, so it rounds to
/// zero both exactly and through the tables (checked here), and the clamp changes no result.
/// </para>
/// </summary>
public sealed class ExpUnit
{
    /// <summary>Fraction bits of u (the score's).</summary>
    public int InputFractionBits { get; }

    /// <summary>Integer bits of the clamped u: the smallest k with exp(-(2^k - ulp)) &lt; 2^-(Fe+1).</summary>
    public int InputIntegerBits { get; }

    /// <summary>Width of the clamped, unsigned u.</summary>
    public int InputWidth { get; }

    /// <summary>Largest u the tables see (raw); any larger u is clamped to it.</summary>
    public long ClampRaw { get; }

    public int LoBits { get; }

    public int HiBits { get; }

    /// <summary>Fraction bits of the table entries (exp fraction bits + guard bits).</summary>
    public int TableFractionBits { get; }

    /// <summary>Width of a table entry: 1.0 must fit, so TableFractionBits + 1.</summary>
    public int TableEntryWidth { get; }

    /// <summary>Fraction bits of e.</summary>
    public int OutputFractionBits { get; }

    /// <summary>Width of e: it lies in [0, 1], so OutputFractionBits + 1.</summary>
    public int OutputWidth { get; }

    /// <summary>The table product is shifted right by this many bits, rounding half up.</summary>
    public int ProductShift { get; }

    public int ProductWidth => 2 * TableEntryWidth;

    /// <summary>exp(-hi * 2^LoBits * 2^-Fs), rounded to TableFractionBits.</summary>
    public IReadOnlyList<long> HiTable { get; }

    /// <summary>exp(-lo * 2^-Fs), rounded to TableFractionBits.</summary>
    public IReadOnlyList<long> LoTable { get; }

    public ExpUnit(int scoreFractionBits, int expFractionBits, int guardBits, int? loBits)
    {
        InputFractionBits = scoreFractionBits;
        OutputFractionBits = expFractionBits;
        OutputWidth = expFractionBits + 1;
        TableFractionBits = expFractionBits + guardBits;
        TableEntryWidth = TableFractionBits + 1;
        ProductShift = 2 * TableFractionBits - expFractionBits;
        InputIntegerBits = IntegerBitsFor(scoreFractionBits, expFractionBits);
        InputWidth = InputIntegerBits + scoreFractionBits;
        LoBits = loBits ?? (InputWidth + 1) / 2;
        HiBits = InputWidth - LoBits;
        ClampRaw = (1L << InputWidth) - 1;
        HiTable = Enumerable.Range(0, 1 << HiBits)
            .Select(h => Quantize(Math.Exp(-(double)((long)h << LoBits) / (1L << scoreFractionBits)), TableFractionBits))
            .ToArray();
        LoTable = Enumerable.Range(0, 1 << LoBits)
            .Select(l => Quantize(Math.Exp(-(double)l / (1L << scoreFractionBits)), TableFractionBits))
            .ToArray();
        if (Exp(ClampRaw) != 0)
        {
            throw new InvalidOperationException($"exp tables do not reach zero at the clamp (u = {ClampRaw}): a derivation bug");
        }
    }

    /// <summary>Smallest integer-bit count k of u such that exp(-(2^k - 2^-Fs)) rounds to 0 in Fe fraction bits.</summary>
    public static int IntegerBitsFor(int scoreFractionBits, int expFractionBits)
    {
        double halfUlp = Math.Pow(2, -(expFractionBits + 1));
        int k = 0;
        while (Math.Exp(-(Math.Pow(2, k) - Math.Pow(2, -scoreFractionBits))) >= halfUlp)
        {
            k++;
        }
        return k;
    }

    /// <summary>Width of the clamped exp input for the given formats (used by validation before elaboration).</summary>
    public static int InputWidthFor(int scoreFractionBits, int expFractionBits) =>
        IntegerBitsFor(scoreFractionBits, expFractionBits) + scoreFractionBits;

    private static long Quantize(double value, int fractionBits) =>
        (long)Math.Floor(value * Math.Pow(2, fractionBits) + 0.5);

    /// <summary>
    /// Largest |e - exp(-u)| over every u (real units): each table entry is off by at most half its ulp,
    /// so the product by at most 2^-Ft + 2^-(2Ft+2); rounding to the exp format adds 2^-(Fe+1); a
    /// clamped u has exp(-u) &lt; 2^-(Fe+1) and e = 0.
    /// </summary>
    public double MaxError =>
        Math.Pow(2, -(OutputFractionBits + 1)) + Math.Pow(2, -TableFractionBits) + Math.Pow(2, -(2 * TableFractionBits + 2));

    /// <summary>Clamps u (raw, >= 0) to the table range.</summary>
    public long Clamp(long u) => u > ClampRaw ? ClampRaw : u;

    /// <summary>e = round((HiTable[hi] * LoTable[lo]) / 2^ProductShift) for a clamped u: what the RTL computes.</summary>
    public long Exp(long clampedU)
    {
        long hi = clampedU >> LoBits;
        long lo = clampedU & ((1L << LoBits) - 1);
        long product = HiTable[(int)hi] * LoTable[(int)lo];
        return (product + (1L << (ProductShift - 1))) >> ProductShift;
    }
}
