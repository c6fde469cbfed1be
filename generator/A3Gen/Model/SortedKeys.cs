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
    public static SortedKey[][] Build(Design design, long[][] keys, int n)
    {
        int d = design.Dimension;
        if (n < 1 || n > design.MaxRows)
        {
            throw new ArgumentOutOfRangeException(nameof(n), n, $"rows n must be 1..{design.MaxRows}");
        }
        GoldenModel.CheckInputs(design, keys, n, "keys");
        var memory = Enumerable.Range(0, n).Select(_ => new SortedKey[d]).ToArray();
        for (int j = 0; j < d; j++)
        {
            int column = j;
            var order = Enumerable.Range(0, n).Select(r => new SortedKey(keys[r][column], r))
                .OrderBy(e => e.Value).ThenBy(e => e.RowId).ToArray();
            for (int i = 0; i < n; i++)
            {
                memory[i][j] = order[i];
            }
        }
        return memory;
    }
}
