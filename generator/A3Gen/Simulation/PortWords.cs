using A3Gen.Elaboration;

namespace A3Gen.Simulation;

/// <summary>Packs vectors of fixed-width two's-complement elements into 32-bit words (element j at bits [j*W +: W]) and back.</summary>
public static class PortWords
{
    public static int Words(int width) => (width + 31) / 32;

    /// <summary>Packs the elements, each masked to <paramref name="elementWidth"/> bits, into a port of <paramref name="portWidth"/> bits.</summary>
    public static uint[] Pack(IReadOnlyList<long> elements, int elementWidth, int portWidth)
    {
        if (elementWidth is < 1 or > 64 || (long)elements.Count * elementWidth > portWidth)
        {
            throw new ArgumentException($"{elements.Count} elements of {elementWidth} bits do not fit a {portWidth}-bit port");
        }
        var words = new uint[Words(portWidth)];
        for (int j = 0; j < elements.Count; j++)
        {
            Insert(words, j * elementWidth, elementWidth, (ulong)elements[j]);
        }
        return words;
    }

    /// <summary>Unpacks <paramref name="count"/> elements of <paramref name="elementWidth"/> bits, sign-extended when <paramref name="signed"/>.</summary>
    public static long[] Unpack(ReadOnlySpan<uint> words, int elementWidth, int count, bool signed = true)
    {
        var elements = new long[count];
        for (int j = 0; j < count; j++)
        {
            elements[j] = Extract(words, j * elementWidth, elementWidth, signed);
        }
        return elements;
    }

    /// <summary>Packs one value per field of <paramref name="bus"/>, each masked to its field, at the field's offset.</summary>
    public static uint[] Pack(BusLayout bus, IReadOnlyList<long> values)
    {
        if (values.Count != bus.Fields.Count)
        {
            throw new ArgumentException($"{bus.Description}: {values.Count} values for {bus.Fields.Count} fields");
        }
        var words = new uint[Words(bus.Width)];
        for (int k = 0; k < values.Count; k++)
        {
            Insert(words, bus.Fields[k].Lsb, bus.Fields[k].Width, (ulong)values[k]);
        }
        return words;
    }

    /// <summary>Unpacks every field of <paramref name="bus"/>, sign-extended when <paramref name="signed"/>.</summary>
    public static long[] Unpack(ReadOnlySpan<uint> words, BusLayout bus, bool signed = true)
    {
        var values = new long[bus.Fields.Count];
        for (int k = 0; k < values.Length; k++)
        {
            values[k] = Extract(words, bus.Fields[k].Lsb, bus.Fields[k].Width, signed);
        }
        return values;
    }

    /// <summary>Writes the low <paramref name="width"/> bits of <paramref name="value"/> at bit <paramref name="lsb"/>.</summary>
    public static void Insert(Span<uint> words, int lsb, int width, ulong value)
    {
        if (width < 64)
        {
            value &= (1UL << width) - 1;
        }
        int position = lsb, left = width;
        while (left > 0)
        {
            int shift = position % 32;
            int take = Math.Min(32 - shift, left);
            uint mask = take == 32 ? uint.MaxValue : ((1u << take) - 1) << shift;
            words[position / 32] = (words[position / 32] & ~mask) | ((uint)(value << shift) & mask);
            value >>= take;
            position += take;
            left -= take;
        }
    }

    /// <summary>Reads <paramref name="width"/> (1..64) bits at bit <paramref name="lsb"/>.</summary>
    public static long Extract(ReadOnlySpan<uint> words, int lsb, int width, bool signed)
    {
        ulong value = 0;
        int position = lsb, done = 0;
        while (done < width)
        {
            int shift = position % 32;
            int take = Math.Min(32 - shift, width - done);
            ulong chunk = (words[position / 32] >> shift) & (take == 32 ? uint.MaxValue : (1u << take) - 1);
            value |= chunk << done;
            position += take;
            done += take;
        }
        if (signed && width < 64 && (value >> (width - 1) & 1) != 0)
        {
            value |= ~0UL << width;
        }
        return (long)value;
    }
}
