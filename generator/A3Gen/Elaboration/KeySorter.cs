namespace A3Gen.Elaboration;

/// <summary>
/// The on-chip key sorter (configuration keySort = "on-chip"): every derived number of it, once.
/// <para>
/// Algorithm: a least-significant-digit radix sort of each key column, all d columns in lockstep. The key
/// is the element in offset binary (sign bit inverted, so that unsigned order is signed order), cut into
/// <see cref="Passes"/> digits of <see cref="DigitBits"/> bits from bit 0 up. While K loads (target 0),
/// every row's entries (value, rowId) are written to the staging half of the column's memory at address
/// rowId and the first digit's histogram is counted. A sort beat (target 3, load_row_i = n - 1) starts the
/// passes: pass p reads entries 0..n-1 in order, one a cycle, and writes each to the other half at the
/// next free place of its digit's bin (a stable scatter), while counting the next digit's histogram. Pass 0
/// reads in rowId order and every pass is stable, so the result is ascending by value, ties by rowId: the
/// host's order (Model/SortedKeys.cs). The last pass writes half 0, which the candidate search reads.
/// </para>
/// <para>
/// Memory: one true dual-port SRAM of 2N entries per column instead of the host path's two 1R1W copies of
/// N entries (the same bits). Sorting needs one read and one write a cycle on two halves (ping-pong);
/// querying needs two reads a cycle of the final half (the max side on port A, the min side on port B).
/// </para>
/// </summary>
public sealed class KeySorter
{
    /// <summary>Largest digit width tried: 2^DigitBits pointers a column.</summary>
    public const int MaxDigitBits = 8;

    /// <summary>Extra cycles the budget allows beyond n ceil(log2 n).</summary>
    public const int BudgetSlack = 64;

    public int MaxRows { get; }

    public int ElementWidth { get; }

    /// <summary>b, bits of a radix digit: the narrowest for which every n &lt;= N meets the budget.</summary>
    public int DigitBits { get; }

    /// <summary>P = ceil(w / b), radix passes.</summary>
    public int Passes { get; }

    /// <summary>2^b bins of a digit.</summary>
    public int Bins => 1 << DigitBits;

    /// <summary>Width of the padded offset key: P digits.</summary>
    public int KeyWidth => Passes * DigitBits;

    /// <summary>Bits of the pass index 0..P-1 (at least 1).</summary>
    public int PassWidth => Bits.AddressWidth(Passes);

    /// <summary>Entries of a column's dual-port memory: two halves of N.</summary>
    public int MemoryDepth => 2 * MaxRows;

    /// <summary>Address of a column's dual-port memory: a half's base (0 or N) plus a row index.</summary>
    public int MemoryAddressWidth => Bits.AddressWidth(MemoryDepth);

    /// <summary>The half (0 or 1) the K load writes: pass 0 reads it.</summary>
    public int StagingHalf => Passes % 2;

    /// <summary>The half pass p reads.</summary>
    public int ReadHalf(int pass) => (Passes - pass) % 2;

    /// <summary>The half pass p writes: the last pass writes half 0, the one the candidate search reads.</summary>
    public int WriteHalf(int pass) => (Passes - 1 - pass) % 2;

    /// <summary>First address of a half.</summary>
    public int HalfBase(int half) => half * MaxRows;

    /// <summary>Lowest key bit of the digit pass p scatters by.</summary>
    public int DigitLsb(int pass) => pass * DigitBits;

    public KeySorter(int maxRows, int elementWidth)
    {
        MaxRows = maxRows;
        ElementWidth = elementWidth;
        for (int b = 1; ; b++)
        {
            int passes = (elementWidth + b - 1) / b;
            if (b >= elementWidth || b >= MaxDigitBits || Enumerable.Range(1, maxRows).All(n => Cycles(passes, n) <= Budget(n)))
            {
                DigitBits = b;
                Passes = passes;
                break;
            }
        }
    }

    /// <summary>The budget for loading K and sorting it: n ceil(log2 n) + 64 cycles.</summary>
    public static long Budget(int n) => ((long)n * Bits.CeilLog2(n)) + BudgetSlack;

    private static long Cycles(int passes, int n) => n + SortCycles(passes, n);

    private static long SortCycles(int passes, int n) => ((long)passes * (n + 1)) + 1;

    /// <summary>
    /// Cycles from the sort beat's handshake (cycle T) to the first cycle the sorter is idle again and
    /// load_ready_o rises for K (queries are taken from then on): P passes of n issue cycles and one
    /// cycle for the last write to land before the next pass reads, plus the start cycle: P (n + 1) + 1.
    /// </summary>
    public long SortCycles(int n) => SortCycles(Passes, n);

    /// <summary>K load (n beats back to back) plus the sort beat's pass schedule: n + P (n + 1) + 1 = (P + 1) n + P + 1.</summary>
    public long LoadAndSortCycles(int n) => Cycles(Passes, n);
}
