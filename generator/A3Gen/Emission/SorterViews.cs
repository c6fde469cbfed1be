using A3Gen.Elaboration;

namespace A3Gen.Emission;

/// <summary>One radix pass of the sorter: the case label and the key bits of its digit and of the next pass's.</summary>
public sealed record SorterPassView(string Literal, int DigitLsb, int NextLsb);

/// <summary>One bin of a digit: its pointer's start at a pass's first cycle (bin 0 at 0, the others at the counted offset).</summary>
public sealed record SorterBinView(int Index, bool First, string Literal, string Start);

/// <summary>One column's dual-port memory in the top: its port slices.</summary>
public sealed record SorterColumnView(int Index, int MaxSide, int MinSide);

/// <summary>templates/rtl/sorter.v.scriban: the on-chip key sorter.</summary>
public sealed record SorterView(
    IReadOnlyList<LocalparamView> Localparams,
    int PassCount,
    IReadOnlyList<SorterPassView> Passes,
    IReadOnlyList<SorterBinView> Bins,
    string LastPass,
    string PassZero,
    string PassOne,
    string IdZero,
    string IdOne,
    string AddrZero,
    string DigitZero,
    string BinOne,
    string ReadBase0,
    string WriteBase0,
    string StageBase,
    string IdxExtended,
    string RowExtended,
    string ReadKey,
    string LoadDigit,
    string WriteSelect,
    string WriteSelectExtended,
    string MaxSideAddress,
    string MinSideAddress,
    string StagePacking,
    string HostPacking);

/// <summary>What the top template adds for keySort = "on-chip" (OnChip false: nothing, the host path's text).</summary>
public sealed record TopSorterView(bool OnChip, string QueryValid, string QueryReady, string LoadReadyTerm, IReadOnlyList<SorterColumnView> Columns)
{
    public static TopSorterView Host { get; } = new(false, "query_valid_i", "query_ready_o", "", []);
}

/// <summary>Builds the sorter's views from <see cref="Design"/> (keySort = "on-chip").</summary>
public static class SorterViewBuilder
{
    public static SorterView Sorter(Design design)
    {
        var s = design.Sorter ?? throw new InvalidOperationException("the sorter's view needs keySort = on-chip");
        int wId = design.RowIdWidth, m = s.MemoryAddressWidth, b = s.DigitBits, w = design.Input.Width, d = design.Dimension;
        var lp = new LocalparamList()
            .Width("Columns", d, "key columns d, sorted in lockstep")
            .Width("ElementWidth", w, $"a key element: {design.Input.Describe()}")
            .Width("RowWidth", design.RowDataWidth, $"a load beat's row: d = {d} elements")
            .Width("RowIdWidth", wId, $"row id and row index, 0..{design.MaxRows - 1}")
            .Width("IdsWidth", d * wId, "a load beat's rowIds (target 2)")
            .Width("SideCount", 2 * d, "column-sides of the candidate search: max side of column j at 2j, min side at 2j+1")
            .Width("AddrWidth", m, $"a column memory's address: {s.MemoryDepth} entries, half 0 at 0, half 1 at N = {design.MaxRows}")
            .Width("DigitBits", b, $"bits of a radix digit: the narrowest that meets n ceil(log2 n) + {KeySorter.BudgetSlack} cycles for every n <= N")
            .Width("Bins", s.Bins, "bins of a digit")
            .Width("KeyWidth", s.KeyWidth, $"offset-binary key padded to {s.Passes} digits")
            .Width("PassWidth", s.PassWidth, $"pass index, 0..{s.Passes - 1}")
            .Bus(design.SortedEntry, "Value");
        var passes = Enumerable.Range(0, s.Passes)
            .Select(p => new SorterPassView(Verilog.Unsigned(s.PassWidth, p), s.DigitLsb(p), p + 1 < s.Passes ? s.DigitLsb(p + 1) : 0))
            .ToList();
        var bins = Enumerable.Range(0, s.Bins)
            .Select(v => new SorterBinView(v, v == 0, Verilog.Unsigned(b, v), v == 0 ? Verilog.Unsigned(wId, 0) : $"nxt{v}_q"))
            .ToList();
        string signMask = Verilog.Unsigned(w, 1L << (w - 1));
        string readKey = Verilog.ZeroExtend($"(rd_value ^ {signMask})", w, s.KeyWidth);
        // Digit 0 of a loading element: its low b bits, or, when one digit holds the whole key, the key.
        string loadDigit = b < w ? $"ld_value[{b - 1}:0]" : Verilog.ZeroExtend($"(ld_value ^ {signMask})", w, b);
        string writeSelect = string.Join(" | ", bins.Select(v => $"({{RowIdWidth{{hot[{v.Index}]}}}} & ptr{v.Index}_q)"));
        string ids = d * wId == 1 ? "load_ids_i" : "load_ids_i[c*RowIdWidth +: RowIdWidth]";
        return new SorterView(lp.Build(), s.Passes, passes, bins,
            Verilog.Unsigned(s.PassWidth, s.Passes - 1), Verilog.Unsigned(s.PassWidth, 0), Verilog.Unsigned(s.PassWidth, 1),
            Verilog.Unsigned(wId, 0), Verilog.Unsigned(wId, 1), Verilog.Unsigned(m, 0), Verilog.Unsigned(b, 0), Verilog.Unsigned(s.Bins, 1),
            Verilog.Unsigned(m, s.HalfBase(s.ReadHalf(0))), Verilog.Unsigned(m, s.HalfBase(s.WriteHalf(0))), Verilog.Unsigned(m, s.HalfBase(s.StagingHalf)),
            Verilog.ZeroExtend("idx_q", wId, m), Verilog.ZeroExtend("load_row_i", wId, m),
            readKey, loadDigit, writeSelect, Verilog.ZeroExtend("wsel", wId, m),
            Verilog.ZeroExtend("sk_raddr_i[(2*c)*RowIdWidth +: RowIdWidth]", wId, m),
            Verilog.ZeroExtend("sk_raddr_i[(2*c+1)*RowIdWidth +: RowIdWidth]", wId, m),
            Packing.Concatenation(design.SortedEntry, new Dictionary<string, string> { ["Value"] = "ld_value", ["RowId"] = "load_row_i" }),
            Packing.Concatenation(design.SortedEntry, new Dictionary<string, string> { ["Value"] = "ld_value", ["RowId"] = ids }));
    }

    /// <summary>The top's additions: the query stream held off and K refused while the sorter is busy, the column memories.</summary>
    public static TopSorterView Top(Design design) =>
        design.Sorter is null
            ? TopSorterView.Host
            : new TopSorterView(true, "query_valid_i & !sort_busy", "qq_in_ready", " & (!sort_busy | (load_target_i == 2'd1))",
                Enumerable.Range(0, design.Dimension).Select(j => new SorterColumnView(j, 2 * j, (2 * j) + 1)).ToList());
}
