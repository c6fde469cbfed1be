using A3Gen.Elaboration;

namespace A3Gen.Model;

/// <summary>
/// Cycles of a K load and its on-chip sort: the first K row's handshake, the sort beat's (load target 3), and
/// the first cycle load_ready_o is high again for K (queries are taken from then on).
/// </summary>
public sealed record SortTiming(long FirstKeyCycle, long SortBeatCycle, long ReadyCycle)
{
    /// <summary>From the first K row to the sorter's end: what the budget n ceil(log2 n) + 64 bounds.</summary>
    public long LoadAndSortCycles => ReadyCycle - FirstKeyCycle;

    /// <summary>From the sort beat to the sorter's end.</summary>
    public long SortCycles => ReadyCycle - SortBeatCycle;
}

/// <summary>
/// Bit-exact model of the on-chip key sorter (Elaboration/KeySorter.cs): the same LSD radix passes on the same
/// offset-binary digits, with the staging half written in rowId order, giving the sorted-key memory entry by
/// entry; and its cycle model, which steps the pass schedule of templates/rtl/sorter.v.scriban a cycle at a time.
/// </summary>
public static class KeySorterModel
{
    /// <summary>The sorted-key memory the sorter leaves for K's first n rows (entry [i][j]: the i-th smallest of column j).</summary>
    public static SortedKey[][] Sort(Design design, long[][] keys, int n)
    {
        var sorter = design.Sorter ?? throw new InvalidOperationException($"{design.Config.Name} sorts on the host (keySort)");
        if (n < 1 || n > design.MaxRows)
        {
            throw new ArgumentOutOfRangeException(nameof(n), n, $"rows n must be 1..{design.MaxRows}");
        }
        GoldenModel.CheckInputs(design, keys, n, "keys");
        int d = design.Dimension, w = design.Input.Width, b = sorter.DigitBits;
        long signBit = 1L << (w - 1), mask = (1L << b) - 1;
        var memory = Enumerable.Range(0, n).Select(_ => new SortedKey[d]).ToArray();
        for (int j = 0; j < d; j++)
        {
            // Staging half: entry r = (K[r][j], r).
            var half = Enumerable.Range(0, n).Select(r => new SortedKey(keys[r][j], r)).ToArray();
            for (int p = 0; p < sorter.Passes; p++)
            {
                int lsb = sorter.DigitLsb(p);
                long Digit(SortedKey e) => (((e.Value & ((1L << w) - 1)) ^ signBit) >> lsb) & mask;
                var start = new int[sorter.Bins];
                foreach (var e in half)
                {
                    for (long u = Digit(e) + 1; u < sorter.Bins; u++)
                    {
                        start[u]++;
                    }
                }
                var next = new SortedKey[n];
                foreach (var e in half)
                {
                    next[start[Digit(e)]++] = e;
                }
                half = next;
            }
            for (int i = 0; i < n; i++)
            {
                memory[i][j] = half[i];
            }
        }
        return memory;
    }

    /// <summary>
    /// Cycle model of a K load of n rows back to back from cycle 0, the sort beat right after it, and the
    /// sorter's passes: steps the schedule (issue n reads, the last read's data is written one cycle later,
    /// the next pass issues after that) until the sorter is idle.
    /// </summary>
    public static SortTiming Timing(Design design, int n)
    {
        var sorter = design.Sorter ?? throw new InvalidOperationException($"{design.Config.Name} sorts on the host (keySort)");
        long cycle = n; // K rows in cycles 0..n-1, the sort beat in cycle n
        long beat = cycle;
        bool busy = true, issue = true, rdValid = false, rdLast = false;
        int pass = 0, idx = 0;
        while (true)
        {
            cycle++;
            if (!busy)
            {
                return new SortTiming(0, beat, cycle);
            }
            bool passDone = rdValid && rdLast, lastPass = pass == sorter.Passes - 1;
            bool nextIssue = (issue && idx != n - 1) || (passDone && !lastPass);
            rdValid = issue;
            rdLast = issue && idx == n - 1;
            idx = passDone ? 0 : issue ? idx + 1 : idx;
            pass = passDone && !lastPass ? pass + 1 : pass;
            busy = !(passDone && lastPass);
            issue = nextIssue;
        }
    }
}
