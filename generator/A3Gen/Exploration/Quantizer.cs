using A3Gen.Elaboration;

namespace A3Gen.Exploration;

/// <summary>How one matrix of a trace fared in the input format: elements, saturated ones, and nonzero ones that became 0.</summary>
public sealed class QuantizationCount
{
    public long Elements { get; private set; }

    public long Saturated { get; private set; }

    /// <summary>Nonzero reals that rounded to 0 (|x| at most half an LSB).</summary>
    public long RoundedToZero { get; private set; }

    /// <summary>Sum of |x - round(x)| over the elements that did not saturate.</summary>
    public double AbsoluteErrorSum { get; private set; }

    public double MaxAbs { get; private set; }

    public void Add(QuantizationCount other)
    {
        Elements += other.Elements;
        Saturated += other.Saturated;
        RoundedToZero += other.RoundedToZero;
        AbsoluteErrorSum += other.AbsoluteErrorSum;
        MaxAbs = Math.Max(MaxAbs, other.MaxAbs);
    }

    internal void Count(double x, long raw, bool saturated, FixedFormat format)
    {
        Elements++;
        MaxAbs = Math.Max(MaxAbs, Math.Abs(x));
        if (saturated)
        {
            Saturated++;
            return;
        }
        if (raw == 0 && x != 0)
        {
            RoundedToZero++;
        }
        AbsoluteErrorSum += Math.Abs(x - format.ToReal(raw));
    }
}

/// <summary>
/// Reals to the design's input format: round to nearest, ties to even (as <c>simulate</c> does), and
/// saturate at the format's range, counting what saturated.
/// </summary>
public static class Quantizer
{
    public static long Quantize(double x, FixedFormat format, out bool saturated)
    {
        if (double.IsNaN(x))
        {
            throw new UserException("the trace holds a NaN");
        }
        double raw = Math.Round(x * format.Scale, MidpointRounding.ToEven);
        saturated = raw > format.MaxRaw || raw < format.MinRaw;
        return raw > format.MaxRaw ? format.MaxRaw : raw < format.MinRaw ? format.MinRaw : (long)raw;
    }

    public static long[][] Quantize(IReadOnlyList<double[]> rows, FixedFormat format, QuantizationCount count) =>
        rows.Select(row => row.Select(x =>
        {
            long raw = Quantize(x, format, out bool saturated);
            count.Count(x, raw, saturated, format);
            return raw;
        }).ToArray()).ToArray();
}
