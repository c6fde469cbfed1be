using A3Gen.Configuration;

namespace A3Gen.Elaboration;

/// <summary>
/// The exponent module's arithmetic: e = exp(-u) for u = max - s >= 0, by two lookup tables,
/// exp(-(hi + lo)) = exp(-hi) * exp(-lo), and one multiplier (paper section III-B).
/// <para>
/// u carries the score's fraction bits. It is clamped to <see cref="ClampRaw"/> = 2^InputWidth - 1:
/// exp of anything at or beyond the clamp is below half an ulp of the exp format, so it rounds to
/// zero both exactly and through the tables (checked here), and the clamp changes no result. The
/// clamp and the split are derived once, in <see cref="ExpTableSplit"/>, which validation also uses.
/// </para>
/// </summary>
public sealed class ExpUnit
{
    /// <summary>Fraction bits of u (the score's).</summary>
    public int InputFractionBits { get; }

    /// <summary>Integer bits of the clamped u (<see cref="ExpTableSplit"/>: exp and the tables both round to 0 at the clamp).</summary>
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
        : this(ExpTableSplit.Derive(scoreFractionBits, expFractionBits, guardBits, loBits))
    {
    }

    /// <summary>Builds the tables of a split derived by <see cref="ExpTableSplit.Derive"/> (the configuration's validation checked it).</summary>
    public ExpUnit(ExpTableSplit split)
    {
        Split = split;
        InputFractionBits = split.InputFractionBits;
        OutputFractionBits = split.OutputFractionBits;
        OutputWidth = split.OutputFractionBits + 1;
        TableFractionBits = split.TableFractionBits;
        TableEntryWidth = TableFractionBits + 1;
        ProductShift = split.ProductShift;
        InputIntegerBits = split.InputIntegerBits;
        InputWidth = split.InputWidth;
        LoBits = split.LoBits;
        HiBits = split.HiBits;
        ClampRaw = split.ClampRaw;
        if (!split.Fits)
        {
            throw new InvalidOperationException($"exp table split {LoBits} + {HiBits} bits does not fit: validation should have refused it");
        }
        HiTable = Enumerable.Range(0, 1 << HiBits).Select(h => split.HiEntry(h)).ToArray();
        LoTable = Enumerable.Range(0, 1 << LoBits).Select(l => split.LoEntry(l)).ToArray();
        if (Exp(ClampRaw) != 0)
        {
            throw new InvalidOperationException($"exp tables do not reach zero at the clamp (u = {ClampRaw}): a derivation bug");
        }
    }

    /// <summary>The derivation the tables come from.</summary>
    public ExpTableSplit Split { get; }

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
