namespace A3Gen.Elaboration;

/// <summary>Integer helpers for width arithmetic. All of the generator's width math goes through here.</summary>
public static class Bits
{
    /// <summary>ceil(log2(x)) for x >= 1 (0 for x = 1).</summary>
    public static int CeilLog2(long x)
    {
        if (x < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(x), x, "CeilLog2 needs x >= 1");
        }
        int k = 0;
        while ((1L << k) < x)
        {
            k++;
        }
        return k;
    }

    /// <summary>Bits of an unsigned number that holds 0..max.</summary>
    public static int UnsignedWidth(long max) => Math.Max(1, CeilLog2(max + 1));

    /// <summary>Address width of a memory of the given depth (at least 1).</summary>
    public static int AddressWidth(long depth) => Math.Max(1, CeilLog2(depth));
}
