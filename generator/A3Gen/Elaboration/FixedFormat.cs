namespace A3Gen.Elaboration;

/// <summary>
/// A two's-complement (or unsigned) fixed-point format: <see cref="Width"/> bits of which
/// <see cref="FractionBits"/> are fraction bits. <see cref="Derivation"/> says why the width cannot overflow.
/// </summary>
public sealed record FixedFormat(string Name, bool Signed, int Width, int FractionBits, string Derivation)
{
    /// <summary>Integer bits, not counting the sign bit.</summary>
    public int IntegerBits => Width - FractionBits - (Signed ? 1 : 0);

    public long MinRaw => Signed ? -(1L << (Width - 1)) : 0;

    public long MaxRaw => Signed ? (1L << (Width - 1)) - 1 : (1L << Width) - 1;

    public double Scale => Math.Pow(2, FractionBits);

    public double ToReal(long raw) => raw / Scale;

    public bool Holds(long raw) => raw >= MinRaw && raw <= MaxRaw;

    /// <summary>Throws if a value the design computes does not fit: the model's overflow guard.</summary>
    public long Check(long raw)
    {
        if (!Holds(raw))
        {
            throw new OverflowException($"{Name}: value {raw} does not fit {Describe()}");
        }
        return raw;
    }

    public string Describe() => $"{(Signed ? "s" : "u")}{Width}.{FractionBits}";
}
