using A3Gen.Model;

namespace A3Gen.Tests;

/// <summary>
/// The host's sort of the key columns (packed 64-bit words, columns in parallel) against a plain
/// ordering written here: ascending value, ties by rowId, on data full of ties and at the format's ends.
/// </summary>
public class SortedKeysTests
{
    [Theory]
    [InlineData("a3-small", 1)]
    [InlineData("a3-mid", 2)]
    [InlineData("a3-paper", 3)]
    public void EveryColumnIsOrderedByValueThenRow(string config, int seed)
    {
        var design = TestSupport.ShippedDesign(config);
        var rng = new Random(seed);
        long[] pool = [design.Input.MinRaw, design.Input.MinRaw + 1, -1, 0, 1, design.Input.MaxRaw - 1, design.Input.MaxRaw];
        foreach (int n in new[] { 1, 2, design.MaxRows / 3 + 1, design.MaxRows })
        {
            // Half the elements from a small pool (ties everywhere), half uniform over the whole range.
            var keys = Enumerable.Range(0, n).Select(_ => Enumerable.Range(0, design.Dimension)
                .Select(_ => rng.Next(2) == 0 ? pool[rng.Next(pool.Length)] : rng.NextInt64(design.Input.MinRaw, design.Input.MaxRaw + 1))
                .ToArray()).ToArray();
            var sorted = SortedKeys.Build(design, keys, n);
            Assert.Equal(n, sorted.Length);
            for (int j = 0; j < design.Dimension; j++)
            {
                var expected = Enumerable.Range(0, n).OrderBy(r => keys[r][j]).ThenBy(r => r).ToArray();
                Assert.Equal(expected, sorted.Select(row => row[j].RowId).ToArray());
                Assert.Equal(expected.Select(r => keys[r][j]).ToArray(), sorted.Select(row => row[j].Value).ToArray());
            }
        }
    }
}
