using A3Gen.Elaboration;

namespace A3Gen.Model;

/// <summary>One entry of the sorted-key memory: a key element and the row it came from.</summary>
public readonly record struct SortedKey(long Value, int RowId);

/// <summary>
/// Host preprocessing of the approximate path: each key column of the first n rows sorted on its own,
/// ascending by value, ties by rowId. The result is the sorted-key memory, row by row: entry [i][j] is
/// the i-th smallest element of column j (load target 2 writes sorted row i, all d columns).
/// </summary>
public static class SortedKeys
{
    // Inputs are at most 16 bits and rows at most 4096 (A3Config's ranges): 32 bits each leave room.
    private const int RowBits = 32;
    private const long RowMask = (1L << RowBits) - 1;
    private const long ValueOffset = 1L << 30;

    public static SortedKey[][] Build(Design design, long[][] keys, int n)
    {
        int d = design.Dimension;
        if (n < 1 || n > design.MaxRows)
        {
            throw new ArgumentOutOfRangeException(nameof(n), n, $"rows n must be 1..{design.MaxRows}");
        }
        GoldenModel.CheckInputs(design, keys, n, "keys");
        var memory = new SortedKey[n][];
        for (int i = 0; i < n; i++)
        {
            memory[i] = new SortedKey[d];
        }
        // One 64-bit word per entry, the value (offset to be non-negative) above the rowId, so that a
        // plain ascending sort of the words orders by value and then by rowId; columns in parallel.
        Parallel.For(0, d, column =>
        {
            var packed = new long[n];
            for (int r = 0; r < n; r++)
            {
                packed[r] = ((keys[r][column] + ValueOffset) << RowBits) | (long)r;
            }
            Array.Sort(packed);
            for (int i = 0; i < n; i++)
            {
                memory[i][column] = new SortedKey((packed[i] >> RowBits) - ValueOffset, (int)(packed[i] & RowMask));
            }
        });
        return memory;
    }
}
