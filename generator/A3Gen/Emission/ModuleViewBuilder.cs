using A3Gen.Elaboration;

namespace A3Gen.Emission;

/// <summary>Verilog literal and extension snippets, so that templates do no width arithmetic.</summary>
public static class Verilog
{
    public static string Unsigned(int width, long value) => $"{width}'d{value}";

    /// <summary>Zero-extends a signal of <paramref name="from"/> bits to <paramref name="to"/> bits.</summary>
    public static string ZeroExtend(string signal, int from, int to) =>
        to == from ? signal : to > from ? $"{{{{{to - from}{{1'b0}}}}, {signal}}}" : throw new ArgumentException("narrowing");

    /// <summary>Sign-extends a signal of <paramref name="from"/> bits to <paramref name="to"/> bits.</summary>
    public static string SignExtend(string signal, int from, int to) =>
        to == from ? signal : to > from ? $"{{{{{to - from}{{{signal}[{from - 1}]}}}}, {signal}}}" : throw new ArgumentException("narrowing");

    /// <summary>Sign-extends an expression (a concatenation, which cannot be indexed) whose sign bit is <paramref name="signBit"/>.</summary>
    public static string SignExtend(string expression, int from, int to, string signBit) =>
        to == from ? expression : to > from ? $"{{{{{to - from}{{{signBit}}}}}, {expression}}}" : throw new ArgumentException("narrowing");
}

/// <summary>
/// Builds every module template's view from <see cref="Design"/>: the one place where the design's
/// numbers become the names, literals and loop lists a template prints. One method per template.
/// </summary>
public static class ModuleViewBuilder
{
    /// <summary>The packing's field sources, with the lane fields' when the design has lanes.</summary>
    private static Dictionary<string, string> WithLanes(this Dictionary<string, string> fields, bool lanes, Dictionary<string, string> laneFields)
    {
        if (lanes)
        {
            foreach (var (k, v) in laneFields)
            {
                fields[k] = v;
            }
        }
        return fields;
    }

    public static ExpRomView ExpHiRom(Design design)
    {
        var exp = design.Exp;
        return new ExpRomView("exp_hi_rom",
            $"exp(-hi * 2^-{exp.InputFractionBits - exp.LoBits}) for the {exp.HiBits} high bits of the clamped difference, {exp.TableFractionBits} fraction bits.",
            RomLocalparams(design, exp.HiBits), Rom(exp.HiTable, exp.HiBits, exp.TableEntryWidth));
    }

    public static ExpRomView ExpLoRom(Design design)
    {
        var exp = design.Exp;
        return new ExpRomView("exp_lo_rom",
            $"exp(-lo * 2^-{exp.InputFractionBits}) for the {exp.LoBits} low bits of the clamped difference, {exp.TableFractionBits} fraction bits.",
            RomLocalparams(design, exp.LoBits), Rom(exp.LoTable, exp.LoBits, exp.TableEntryWidth));
    }

    public static DividerView Divider(Design design)
    {
        int wExp = design.ExpValue.Width, wSum = design.ExpSum.Width;
        var stages = new List<DividerStageView>();
        int stepIndex = 0, quoWidth = 0;
        for (int s = 0; s < design.DividerStageSteps.Count; s++)
        {
            bool lastStage = s == design.DividerStageSteps.Count - 1;
            string rIn = s == 0 ? "num_i" : $"rem{s - 1}_q";
            string qIn = s == 0 ? "" : $"quo{s - 1}_q";
            // A stage's steps go two at a time (radix 4: one subtraction deep, not two), the odd one alone.
            var steps = new List<DividerStepView>();
            string rPrev = rIn, qPrev = qIn;
            for (int k = 0; k < design.DividerStageSteps[s];)
            {
                bool pair = design.DividerStageSteps[s] - k >= 2;
                int bits = pair ? 2 : 1;
                quoWidth += bits;
                var step = new DividerStepView(stepIndex, stepIndex == 0, stepIndex + bits == design.QuotientBits,
                    rPrev, qPrev, quoWidth, pair);
                steps.Add(step);
                rPrev = $"r{stepIndex}";
                qPrev = $"q{stepIndex}";
                k += bits;
                stepIndex += bits;
            }
            stages.Add(new DividerStageView(s, lastStage, rIn, qIn, quoWidth, steps));
        }
        var lp = new LocalparamList()
            .Width("ExpWidth", wExp, $"numerator e: {design.ExpValue.Describe()}")
            .Width("ExpSumWidth", wSum, $"denominator expsum: {design.ExpSum.Describe()}")
            .Width("WeightWidth", design.Weight.Width, $"quotient w: {design.Weight.Describe()}")
            .Width("QuotientWidth", design.QuotientBits, "quotient bits before rounding: 1 integer, the weight's fraction bits, 1 rounding bit");
        // 3 den travels with a division as far as its last radix-4 step.
        int lastPairStage = stages.FindLastIndex(st => st.Pairs);
        stages = stages.Select(st => st with { Den3 = st.Index <= lastPairStage }).ToList();
        bool pairs = stages.Any(st => st.Steps.Any(u => u.Pair));
        if (pairs)
        {
            lp.Width("ShiftedWidth", wSum + 2, "a radix-4 step's doubled partial remainder: below 4 * expsum")
                .Width("DiffWidth", wSum + 3, "a radix-4 step's differences, with their sign");
        }
        return new DividerView(lp.Build(), design.Weight.FractionBits, design.DividerLatency, design.QuotientBits, stages,
            Verilog.ZeroExtend("num_i", wExp, wSum + 1), $"q{stages[^1].Steps[^1].Index}", pairs, stages.Any(st => st.Steps.Any(u => !u.Pair)));
    }

    public static DotProductView DotProduct(Design design)
    {
        int wProd = design.Product.Width, wScore = design.Score.Width, wId = design.RowIdWidth, wN = design.RowCountWidth;
        // The adder tree, one registered stage at a time: each registered node adds the stage inputs it
        // covers (2^m of them for a stage of m levels). Two are one add; more are reduced by rows of full
        // adders (carry-save, three operands to two a row) to two, then added once, so a stage of several
        // levels costs one carry-propagate add, not one a level. The sum is exact: every operand is
        // sign-extended to the node's width, which holds the true sum, so the carry-save form's wrap-around
        // (mod 2^width) is harmless.
        // With lanes, one tree a lane: its names start with l<lane>_, its nodes follow the previous lane's at each stage.
        bool lanes = design.HasLanes;
        int p = design.Lanes, d = design.Dimension;
        string LanePrefix(int lane) => lanes ? $"l{lane}_" : "";
        string ProductName(int lane, int j) => lanes ? $"{lane}_{j}" : $"{j}";
        var treeLevels = new List<TreeLevelView>();
        var prevNames = Enumerable.Range(0, p).Select(lane => Enumerable.Range(0, d).Select(j => $"prod{ProductName(lane, j)}_q").ToList()).ToList();
        int prevWidth = wProd, firstLevel = 1;
        foreach (var level in design.AdderTree.Where(l => l.Registered))
        {
            int span = 1 << (level.Level - firstLevel + 1);
            int w = level.Width;
            var nodes = new List<TreeNodeView>();
            foreach (var (lane, k) in Enumerable.Range(0, p).SelectMany(lane => Enumerable.Range(0, level.Nodes).Select(k => (lane, k))))
            {
                string name = $"{LanePrefix(lane)}sum{level.Level}_{k}";
                var operands = prevNames[lane].Skip(k * span).Take(span).ToList();
                var terms = new List<CarrySaveTermView>();
                string expr;
                if (operands.Count == 1)
                {
                    expr = Verilog.SignExtend(operands[0], prevWidth, w);
                }
                else if (operands.Count == 2)
                {
                    // A stage of several levels whose last node gets only two operands (d not a multiple of its span)
                    // grows more than the add's carry bit: the operands are sign-extended to the node's width.
                    expr = w > prevWidth + 1
                        ? $"{Verilog.SignExtend(operands[0], prevWidth, w)} + {Verilog.SignExtend(operands[1], prevWidth, w)}"
                        : $"{operands[0]} + {operands[1]}";
                }
                else
                {
                    (terms, expr) = CarrySave(name, operands.Select(op => Verilog.SignExtend(op, prevWidth, w)).ToList(), w, explicitWidths: false);
                }
                nodes.Add(new TreeNodeView(name, w, terms, expr));
            }
            treeLevels.Add(new TreeLevelView(firstLevel, level.Level, w, nodes));
            prevNames = Enumerable.Range(0, p).Select(lane => nodes.Skip(lane * level.Nodes).Take(level.Nodes).Select(n => n.Name + "_q").ToList()).ToList();
            prevWidth = w;
            firstLevel = level.Level + 1;
        }
        int dotPipe = design.DotProductPipeStages; // tag stages after the SRAM read: key register, product register, adder registers (, lane max tree)
        int rootTag = design.DotProductScoreTag; // the adder trees' roots: the scores are written here
        int wG = design.GroupIdWidth, wGc = design.GroupCountWidth, lb = design.LaneBits;

        int scan = design.ScanWidth, win = design.ScanWindowWidth, offset = design.ScanOffsetWidth;
        int padded = design.ScanWindowCount * scan;
        int scanRow = win + offset;
        int wIssue = lanes ? wG : wId, wIssueCount = lanes ? wGc : wN;
        string lastSource = lanes ? "groups_m1" : "rows_m1", lastWidth = lanes ? "GroupCountWidth" : "RowCountWidth";
        // One window covers every row when N <= S: no select (the index would have no bits).
        string window = design.ScanWindowCount == 1 ? "pos_padded" : $"pos_padded[{{win_q, {offset}'d0}} +: ScanWidth]";
        // The last window, (n - 1) >> log2 S, from rows_m1 (RowCountWidth bits) into ScanWindowWidth bits; the bits it drops
        // are zero. With lanes the scan's flags are groups: the last window is (groups - 1) >> log2 S.
        int lastBits = wIssueCount - offset;
        string lastWindow, lastUnused;
        if (lastBits <= 0)
        {
            lastWindow = Verilog.Unsigned(win, 0);
            lastUnused = lastSource;
        }
        else if (lastBits <= win)
        {
            lastWindow = Verilog.ZeroExtend($"{lastSource}[{lastWidth}-1:ScanOffsetWidth]", lastBits, win);
            lastUnused = offset > 0 ? $"{lastSource}[ScanOffsetWidth-1:0]" : "";
        }
        else
        {
            lastWindow = $"{lastSource}[ScanOffsetWidth+ScanWindowWidth-1:ScanOffsetWidth]";
            lastUnused = offset > 0
                ? $"{lastSource}[{lastWidth}-1:ScanOffsetWidth+ScanWindowWidth], {lastSource}[ScanOffsetWidth-1:0]"
                : $"{lastSource}[{lastWidth}-1:ScanOffsetWidth+ScanWindowWidth]";
        }

        var lp = new LocalparamList()
            .Width("ElementWidth", design.Input.Width, $"q and key elements: {design.Input.Describe()}")
            .Width("RowWidth", design.RowDataWidth, $"a key row: d = {design.Dimension} elements")
            .Width("RowIdWidth", wId, $"row id, 0..{design.MaxRows - 1}")
            .Width("RowCountWidth", wN, $"row count, 0..{design.MaxRows}")
            .Width("ProductWidth", wProd, $"product: {design.Product.Describe()}")
            .Width("ElementLowBits", design.ElementLowBits, "low bits of a key element, multiplied (unsigned) apart from its high bits")
            .Width("LowProductWidth", design.LowProductWidth, "low partial product: (ElementLowBits + 1)-bit signed times a q element")
            .Width("HighProductWidth", design.HighProductWidth, "high partial product: the key element's signed high bits times a q element")
            .Width("ScoreWidth", wScore, $"score: {design.Score.Describe()}")
            .Width("ScanWidth", scan, "S, candidate-mask flags scanned per cycle")
            .Width("ScanWindowWidth", win, $"scan window index, 0..{design.ScanWindowCount - 1}")
            .Width("ScanOffsetWidth", offset, "log2 S, a row's offset within its window")
            .Width("ScanRowWidth", scanRow, "a row id as {window, offset}")
            .Width("PaddedMaskWidth", padded, lanes ? "the groups' flags padded to whole windows" : "the candidate mask padded to whole windows");
        if (lanes)
        {
            lp.Width("Lanes", p, "P, rows a cycle: a group of P consecutive rows, row r in lane r mod P")
                .Width("GroupIdWidth", wG, $"group id, 0..{design.Groups - 1}")
                .Width("GroupCountWidth", wGc, $"group count, 0..{design.Groups}")
                .Width("GroupRowWidth", p * design.RowDataWidth, "the key rows of a group, lane l at [l*RowWidth +: RowWidth]")
                .Width("LaneMaskWidth", design.Groups * p, "the candidate mask padded to whole groups")
                .Remove("RowWidth").Remove("RowIdWidth");
        }
        lp.Bus(design.CandidateMeta)
            .BusWidth(design.ScoreMeta)
            .BusWidth(design.ScoreEntry);

        string lastTag = $"tag{dotPipe}", writeTag = $"tag{rootTag}";
        // The stage takes the next query while this one drains, so the query's flags travel with the tags.
        bool onePass = design.IsOnePass, overlap = true;
        var scoreMeta = Packing.Concatenation(design.ScoreMeta, new Dictionary<string, string>
        {
            ["Max"] = "max_out",
            ["Rows"] = onePass ? $"({lastTag}_post_q ? {(lanes ? "scored_q" : "issued_q")} : {lastTag}_rows_q)" : lanes ? $"kc{lb}_scount_q" : "wcount_new",
            ["PostScoring"] = $"{lastTag}_post_q",
            ["Threshold"] = onePass ? "threshold" : $"{lastTag}_threshold_q",
            ["Fallback"] = $"{lastTag}_fb_q",
        }.WithLanes(lanes, new() { ["Entries"] = onePass ? "issued_q" : $"kc{lb}_wcount_q" }));
        var allTags = Enumerable.Range(0, dotPipe + 1).ToList();
        string pipeBusy = "(" + string.Join(" | ", allTags.Select(t => $"tag{t}_valid_q | tag{t}_last_q")) + ")";
        var scoreEntry = Packing.Concatenation(design.ScoreEntry, lanes
            ? new Dictionary<string, string>
            {
                ["Score"] = "{ " + string.Join(", ", Enumerable.Range(0, p).Reverse().Select(l => $"s{l}")) + " }",
                ["Valid"] = $"{writeTag}_lv_q",
                ["Group"] = $"{writeTag}_row_q",
            }
            : new Dictionary<string, string>
            {
                ["Score"] = "score",
                ["RowId"] = $"{lastTag}_row_q",
            });
        var products = Enumerable.Range(0, p).SelectMany(lane => Enumerable.Range(0, d).Select(j => (lane, j)))
            .Select(x => new ProductElementView(x.j,
                $"{{ phi{ProductName(x.lane, x.j)}_q, {Verilog.Unsigned(design.ElementLowBits, 0)} }}",
                Verilog.SignExtend($"plo{ProductName(x.lane, x.j)}_q", design.LowProductWidth, wProd),
                ProductName(x.lane, x.j), (x.lane * d) + x.j))
            .ToList();
        var tags = Tags(dotPipe).Select(t => t with { HasRow = t.Index <= rootTag }).ToList();
        var lanesView = lanes ? DotProductLanes(design, prevNames.Select(names => names[0]).ToList(), rootTag) : null;
        return new DotProductView(lp.Build(), design.Dimension, scan, products, treeLevels, prevNames[0][0],
            tags, lastTag, padded - design.Groups, window,
            Verilog.Unsigned(scan, 0),
            Enumerable.Range(0, offset).Select(k => new ScanPrefixLevelView(k, 1 << k)).ToList(),
            Enumerable.Range(0, offset).Select(b => new BitView(b, ScanOffsetMask(scan, b))).ToList(),
            lastWindow, lastUnused, scanRow > wIssue, Verilog.Unsigned(win, 0), Verilog.Unsigned(win, 1),
            Verilog.Unsigned(wN, 0), Verilog.Unsigned(wN, 1), Verilog.Unsigned(wId, 0), Verilog.Unsigned(wId, 1),
            $"{wScore}'sd0", scoreMeta, scoreEntry, overlap, allTags, pipeBusy)
        {
            Index = IndexNames.For(design),
            KeyWidth = lanes ? "GroupRowWidth" : "RowWidth",
            LeftInit = lanes ? "groups" : "rows",
            LastSource = lastSource,
            MaskSource = lanes ? "gmask" : "mask",
            WriteTag = writeTag,
            MaxInput = lanes ? "gmax" : "score",
            OnePass = onePass,
            WriteTagIndex = rootTag,
            LaneChain = onePass ? [] : Enumerable.Range(1, lb).ToList(),
            Lanes = lanesView,
        };
    }

    /// <summary>
    /// The dot product's lane parts (lanes = P > 1): the group count of n rows, each lane's valid flag (exact: its row
    /// is below n; approximate: its candidate flag), the groups' flags the scan looks at, the rows-scored count, the
    /// lanes' scores and the registered compare-select tree of the group's max.
    /// </summary>
    private static DotProductLanesView DotProductLanes(Design design, IReadOnlyList<string> roots, int rootTag)
    {
        int p = design.Lanes, lb = design.LaneBits, wN = design.RowCountWidth, wG = design.GroupIdWidth, wGc = design.GroupCountWidth, g = design.Groups;
        // groups = (rows + P - 1) >> log2 P, from RowCountWidth + 1 bits; the bits it drops are zero or unused.
        var upUnused = new List<string> { $"rows_up[{lb - 1}:0]" };
        if (wN + 1 > lb + wGc)
        {
            upUnused.Insert(0, $"rows_up[{wN}:{lb + wGc}]");
        }
        // Lane l of the exact path is valid when {group, l} < n.
        int wCmp = Math.Max(wG + lb, wN);
        var exact = Enumerable.Range(0, p)
            .Select(l => $"{Verilog.ZeroExtend($"{{cnt_q, {Verilog.Unsigned(lb, l)}}}", wG + lb, wCmp)} < {Verilog.ZeroExtend("rows", wN, wCmp)}")
            .ToList();
        // The candidate flags of the issued group (one group: no select, its index would have no bits): the window's groups'
        // flags (selected by the window register, beside the groups' flags) AND-OR'ed with the scan's one-hot lowest
        // pending flag, not a select by the encoded row (which would follow the encoder with a mux as deep as log2 N).
        int scan = design.ScanWidth;
        string maskLanes = g == 1 ? "lane_mask"
            : string.Join(" | ", Enumerable.Range(0, scan).Select(i => $"({{Lanes{{lowest[{i}]}}}} & window_lanes[{i}*Lanes +: Lanes])"));
        int windowLanesPad = (design.ScanWindowCount * scan * p) - (g * p);
        string windowLanes = design.ScanWindowCount == 1 ? "lanes_padded" : $"lanes_padded[{{win_q, {Verilog.Unsigned(design.ScanOffsetWidth + lb, 0)}}} +: ScanWidth*Lanes]";
        string popcount = string.Join(" + ", Enumerable.Range(0, p).Select(l => Verilog.ZeroExtend($"tag{rootTag}_lv_q[{l}]", 1, wN)));
        var maxNodes = new List<LaneNodeView>();
        var prev = Enumerable.Range(0, p).Select(l => (Valid: $"tag{rootTag}_lv_q[{l}]", Value: $"s{l}")).ToList();
        for (int level = 1; level <= lb; level++)
        {
            var next = new List<(string Valid, string Value)>();
            for (int k = 0; k < prev.Count / 2; k++)
            {
                string name = $"mx{level}_{k}";
                var (av, a) = prev[2 * k];
                var (bv, b) = prev[(2 * k) + 1];
                maxNodes.Add(new LaneNodeView(name, av, a, bv, b, level < lb));
                next.Add(($"{name}_v_q", $"{name}_q"));
            }
            prev = next;
        }
        return new DotProductLanesView(p, g, design.MaxRows, g * p - design.MaxRows,
            $"{wN + 1}'d{p - 1}", $"rows_up[{lb} +: GroupCountWidth]", string.Join(", ", upUnused),
            exact, maskLanes, popcount, Verilog.Unsigned(wN, 0),
            roots.Select((r, l) => new LaneScoreView(l, r)).ToList(), maxNodes, prev[0].Value)
        {
            WindowLanesPadBits = g == 1 ? 0 : windowLanesPad,
            WindowLanes = g == 1 ? "" : windowLanes,
        };
    }

    public static ExponentView Exponent(Design design)
    {
        int wScore = design.Score.Width, wExpIn = design.ExpInput.Width, wExp = design.ExpValue.Width, wSum = design.ExpSum.Width;
        int wN = design.RowCountWidth, wId = design.RowIdWidth, wTableProd = design.Exp.ProductWidth;
        var exp = design.Exp;
        bool clamp = wScore > wExpIn;
        int roundBit = exp.ProductShift - 1;
        var lp = new LocalparamList()
            .Width("RowIdWidth", wId, $"row id, 0..{design.MaxRows - 1}")
            .Width("RowCountWidth", wN, $"row count, 0..{design.MaxRows}")
            .Width("ScoreWidth", wScore, $"score and max - s: {design.Score.Describe()}")
            .Width("ExpInputWidth", wExpIn, $"clamped difference u: {design.ExpInput.Describe()}")
            .Width("ExpLoBits", exp.LoBits, "low bits of u: the low table's address")
            .Width("TableWidth", exp.TableEntryWidth, $"a table entry: {exp.TableFractionBits} fraction bits + 1")
            .Width("TableProductWidth", wTableProd, "exp(-hi) * exp(-lo) before rounding")
            .Width("TableLowBits", design.TableLowBits, "low bits of exp(-lo), multiplied apart from its high bits")
            .Width("TableLowProductWidth", design.TableLowProductWidth, "exp(-hi) times the low bits of exp(-lo)")
            .Width("TableHighProductWidth", design.TableHighProductWidth, "exp(-hi) times the high bits of exp(-lo)")
            .Width("ExpShift", exp.ProductShift, "rounding shift from the table product to e")
            .Width("ExpWidth", wExp, $"e: {design.ExpValue.Describe()}")
            .Width("ExpSumWidth", wSum, $"expsum: {design.ExpSum.Describe()}")
            .Bus(design.ScoreMeta)
            .Bus(design.ScoreEntry)
            .BusWidth(design.ExpMeta)
            .BusWidth(design.ExpEntry);
        bool lanes = design.HasLanes;
        int p = design.Lanes, lb = design.LaneBits, wG = design.GroupIdWidth, wGc = design.GroupCountWidth;
        if (lanes)
        {
            lp.Width("Lanes", p, "P, rows an entry holds: lane l of group g is row P g + l")
                .Width("GroupIdWidth", wG, $"group id, 0..{design.Groups - 1}")
                .Width("GroupCountWidth", wGc, $"group count, 0..{design.Groups}")
                .Remove("RowIdWidth");
        }
        // The entry is written when e leaves its rounding (tag expTag); with lanes the group's sum then passes its tree.
        int expTag = design.ExponentPipeStages - design.LaneTreeStages;
        var expMeta = Packing.Concatenation(design.ExpMeta, new Dictionary<string, string>
        {
            ["ExpSum"] = "expsum_new",
            ["Kept"] = lanes ? $"kc{lb}_kept_q" : "kept_new",
            ["Candidates"] = $"tag{design.ExponentPipeStages}_rows_q",
            ["Fallback"] = $"tag{design.ExponentPipeStages}_fb_q",
        }.WithLanes(lanes, new() { ["Entries"] = $"kc{lb}_entries_q" }));
        var expEntry = Packing.Concatenation(design.ExpEntry, lanes
            ? new Dictionary<string, string>
            {
                ["Exp"] = "{ " + string.Join(", ", Enumerable.Range(0, p).Reverse().Select(l => $"ek{l}")) + " }",
                ["Keep"] = $"tag{expTag}_keep_q",
                ["Group"] = $"tag{expTag}_row_q",
            }
            : new Dictionary<string, string>
            {
                ["Exp"] = "exp_val",
                ["RowId"] = $"tag{design.ExponentPipeStages}_row_q",
            });
        var tags = Tags(design.ExponentPipeStages, tag0RowIsWire: true)
            .Select(t => t with { KeepFrom = 2, KeepTo = expTag, HasRow = t.Index <= expTag }).ToList();
        string TableSum(string lane) => $"{{ thi{lane}_q, {Verilog.Unsigned(design.TableLowBits, 0)} }} + {Verilog.ZeroExtend($"tlo{lane}_q", design.TableLowProductWidth, wTableProd)}";
        string tableSum = TableSum("");
        ExponentLanesView? lanesView = null;
        if (lanes)
        {
            // The group's e (zero where a row is not kept) added two at a time, a register a level; exact growth.
            var nodes = new List<LaneSumNodeView>();
            var (root, width) = LaneSumTree(nodes, Enumerable.Range(0, p).Select(l => $"ek{l}").ToList(), wExp, wSum, level => $"es{level}", signed: false);
            lanesView = new ExponentLanesView(p,
                Enumerable.Range(0, p).Select(l => clamp ? "" : Verilog.ZeroExtend($"diff{l}", wScore, wExpIn)).ToList(),
                Enumerable.Range(0, p).Select(l => TableSum($"{l}")).ToList(),
                Verilog.Unsigned(wExp, 0), nodes, Verilog.ZeroExtend(root, width, wSum), Verilog.Unsigned(wGc, 0),
                string.Join(" + ", Enumerable.Range(0, p).Select(l => Verilog.ZeroExtend($"tag{expTag}_keep_q[{l}]", 1, wN))),
                Verilog.ZeroExtend("write", 1, wGc));
        }
        return new ExponentView(lp.Build(), tags, $"tag{design.ExponentPipeStages}", tableSum, clamp,
            Verilog.Unsigned(wScore, exp.ClampRaw), Verilog.Unsigned(wExpIn, exp.ClampRaw),
            clamp ? "" : Verilog.ZeroExtend("diff", wScore, wExpIn),
            roundBit > 0,
            Verilog.ZeroExtend("exp_val", wExp, wSum), Verilog.ZeroExtend("write", 1, wN),
            Verilog.Unsigned(wSum, 0), Verilog.Unsigned(wN, 0), Verilog.Unsigned(wN, 1), Verilog.Unsigned(wId, 0), Verilog.Unsigned(wId, 1),
            expMeta, expEntry)
        {
            Index = IndexNames.For(design),
            KeepRange = lanes ? "[Lanes-1:0] " : "",
            CountSource = lanes ? "entries" : "rows",
            RowField = lanes ? "ScoreEntryGroup" : "ScoreEntryRowId",
            ExpTag = $"tag{expTag}",
            WriteAddress = lanes ? "entries_base[GroupIdWidth-1:0]" : "kept_base[RowIdWidth-1:0]",
            AllTags = Enumerable.Range(0, design.ExponentPipeStages + 1).ToList(),
            WriteTag = lanes ? $"tag{expTag}" : $"tag{design.ExponentPipeStages}",
            WriteTagIndex = lanes ? expTag : design.ExponentPipeStages,
            LaneChain = Enumerable.Range(1, lb).ToList(),
            Lanes = lanesView,
        };
    }

    public static OutputView Output(Design design)
    {
        int l = design.DividerLatency, wAcc = design.Accumulator.Width;
        int wN = design.RowCountWidth, wId = design.RowIdWidth;
        bool rounds = design.OutputShift > 0;
        var lp = new LocalparamList()
            .Width("ElementWidth", design.Input.Width, $"value elements: {design.Input.Describe()}")
            .Width("RowWidth", design.RowDataWidth, $"a value row: d = {design.Dimension} elements")
            .Width("RowIdWidth", wId, $"row id, 0..{design.MaxRows - 1}")
            .Width("RowCountWidth", wN, $"row count, 0..{design.MaxRows}")
            .Width("WeightWidth", design.Weight.Width, $"weight w: {design.Weight.Describe()}")
            .Width("ElementLowBits", design.ElementLowBits, "low bits of a value element, multiplied (unsigned) apart from its high bits")
            .Width("WeightedLowWidth", design.WeightedLowWidth, "the weight times a value element's low bits")
            .Width("WeightedHighWidth", design.WeightedHighWidth, "the weight times a value element's signed high bits")
            .Width("AccumulatorLowWidth", design.AccumulatorLowWidth, "low accumulator: the rounding start plus the weighted low parts (non-negative)")
            .Width("AccumulatorHighWidth", design.AccumulatorHighWidth, "high accumulator: the weighted high parts; shifted by ElementLowBits it has AccumulatorWidth")
            .Width("AccumulatorWidth", wAcc, $"accumulator (the two accumulators' sum): {design.Accumulator.Describe()}")
            .Width("OutputWidth", design.Output.Width, $"output element: {design.Output.Describe()}");
        if (rounds)
        {
            lp.Width("OutputShift", design.OutputShift, "rounding shift from the accumulator to the output");
        }
        bool lanes = design.HasLanes;
        int p = design.Lanes, lb = design.LaneBits, wG = design.GroupIdWidth, wGc = design.GroupCountWidth, d = design.Dimension;
        if (lanes)
        {
            lp.Width("Lanes", p, "P, rows an entry holds: lane l of group g is row P g + l")
                .Width("GroupIdWidth", wG, $"group id, 0..{design.Groups - 1}")
                .Width("GroupCountWidth", wGc, $"group count, 0..{design.Groups}")
                .Width("GroupRowWidth", p * design.RowDataWidth, "the value rows of a group, lane l at [l*RowWidth +: RowWidth]")
                .Width("ExpWidth", design.ExpValue.Width, $"a lane's e: {design.ExpValue.Describe()}")
                .Remove("RowIdWidth").Remove("RowCountWidth");
        }
        lp.Bus(design.ExpMeta)
            .Bus(design.ExpEntry)
            .Bus(design.ResultQueueEntry);
        // Tags: tag0 the exp buffer's read data, tag1 its register, the divider's stages, the two halves of the weighted values.
        int pipe = design.OutputPipeStages;
        var tags = Tags(pipe, tag0RowIsWire: true).Select(t => t with { HasRow = t.Index <= l - 1 }).ToList();
        // With lanes each element's weighted halves of the group are added in registered trees (exact growth, capped at
        // the accumulator's width: the sum of any rows fits it); the accumulators add the trees' roots.
        var sumNodes = new List<LaneSumNodeView>();
        var lowRoots = new string[d];
        var highRoots = new string[d];
        int lowRootWidth = design.WeightedLowWidth, highRootWidth = design.WeightedHighWidth;
        if (lanes)
        {
            (string Root, int Width) Tree(string kind, int j, int width0, int cap) =>
                LaneSumTree(sumNodes, Enumerable.Range(0, p).Select(lane => $"w{kind}{lane}_{j}_q").ToList(), width0, cap, level => $"s{kind}{level}_{j}", signed: true);
            for (int j = 0; j < d; j++)
            {
                (lowRoots[j], lowRootWidth) = Tree("lo", j, design.WeightedLowWidth, design.AccumulatorLowWidth);
                (highRoots[j], highRootWidth) = Tree("hi", j, design.WeightedHighWidth, design.AccumulatorHighWidth);
            }
        }
        // The low accumulator starts at half an output step (2^(shift-1), raw), so that the output is the
        // top bits of the accumulators' sum, rounded half up, without a rounding adder. Neither overflows
        // (Design.AccumulatorLowWidth, AccumulatorHighWidth), and their sum is the accumulator.
        int wLow = design.AccumulatorLowWidth, wHigh = design.AccumulatorHighWidth, lowBits = design.ElementLowBits;
        string lowInit = $"{wLow}'sd{design.AccumulatorInit}";
        string highInit = $"{wHigh}'sd0";
        var products = Enumerable.Range(0, design.Dimension)
            .Select(j => new OutputElementView(j,
                lanes ? Verilog.SignExtend(highRoots[j], highRootWidth, wHigh) : Verilog.SignExtend($"whi{j}_q", design.WeightedHighWidth, wHigh),
                lanes ? Verilog.SignExtend(lowRoots[j], lowRootWidth, wLow) : Verilog.SignExtend($"wlo{j}_q", design.WeightedLowWidth, wLow),
                $"{{ ahi{j}_q, {Verilog.Unsigned(lowBits, 0)} }} + {Verilog.SignExtend($"alo{j}_q", wLow, wAcc)}"))
            .ToList();
        return new OutputView(lp.Build(), design.Dimension, products, tags, $"tag{1 + l}", $"tag{pipe}",
            $"tag{l - 1}_valid_q", l == 1 ? "tag0_row" : $"tag{l - 1}_row_q",
            rounds, lowInit, highInit,
            Verilog.Unsigned(wN, 1), Verilog.Unsigned(wId, 0), Verilog.Unsigned(wId, 1), Verilog.Unsigned(wN, 0))
        {
            Index = IndexNames.For(design),
            CountSource = lanes ? "entries" : "rows",
            RowField = lanes ? "ExpEntryGroup" : "ExpEntryRowId",
            DividerPairs = Divider(design).HasPairs,
            Lanes = lanes
                ? new OutputLanesView(p,
                    Enumerable.Range(0, p).SelectMany(lane => Enumerable.Range(0, d).Select(j => new LaneProductView($"{lane}_{j}", lane, (lane * d) + j))).ToList(),
                    sumNodes, l == 1 ? "tag0_keep" : $"tag{l - 1}_keep_q")
                : null,
        };
    }

    public static TopView Top(Design design)
    {
        int wId = design.RowIdWidth, d = design.Dimension;
        var lp = new LocalparamList()
            .Width("MaxRows", design.MaxRows, "N, rows of every memory")
            .Width("ElementWidth", design.Input.Width, $"an element of q, K, V: {design.Input.Describe()}")
            .Width("RowWidth", design.RowDataWidth, $"a row of K or V: d = {d} elements")
            .Width("RowIdWidth", wId, $"row id, 0..{design.MaxRows - 1}")
            .Width("SideCount", 2 * d, "column-sides of the candidate search: max side of column j at 2j, min side at 2j+1")
            .BusWidth(design.QueryQueueEntry)
            .Width("QueryQueueDepth", design.Config.QueryQueueDepth, "query queue entries")
            .Width("QueryQueuePtrWidth", design.QueryQueuePointerWidth, "query queue pointer")
            .Width("QueryQueueCountWidth", design.QueryQueueCountWidth, "query queue occupancy")
            .BusWidth(design.SortedEntry)
            .BusWidth(design.CandidateMeta)
            .BusWidth(design.ScoreMeta)
            .BusWidth(design.ScoreEntry)
            .BusWidth(design.ExpMeta)
            .BusWidth(design.ExpEntry)
            .Bus(design.ResultQueueEntry)
            .Width("ResultQueueDepth", design.Config.ResolvedResultQueueDepth, "result queue entries")
            .Width("ResultQueuePtrWidth", design.ResultQueuePointerWidth, "result queue pointer")
            .Width("ResultQueueCountWidth", design.ResultQueueCountWidth, "result queue occupancy");
        if (design.IsOnePass)
        {
            lp.Remove(design.ExpMeta.Name + "Width").Remove(design.ExpEntry.Name + "Width");
        }
        bool lanes = design.HasLanes;
        int lb = design.LaneBits;
        if (lanes)
        {
            lp.Width("Groups", design.Groups, "G, words of a K or V bank and entries of a buffer bank: groups of P rows")
                .Width("GroupIdWidth", design.GroupIdWidth, $"group id, 0..{design.Groups - 1}")
                .Width("GroupRowWidth", design.Lanes * design.RowDataWidth, "the rows of a group, lane l at [l*RowWidth +: RowWidth]");
            if (design.OnChipSort)
            {
                // The banks and buffers are G deep and the sorter's memories 2N: no memory is N deep.
                lp.Remove("MaxRows");
            }
        }
        if (design.Sorter is { } sorter)
        {
            lp.Width("Columns", d, "key columns d: one dual-port sorted-key memory each")
                .Width("SortDepth", sorter.MemoryDepth, "entries of a column's sorted-key memory: two halves of N")
                .Width("SortAddrWidth", sorter.MemoryAddressWidth, "address of a column's sorted-key memory")
                .Remove("ElementWidth");
        }
        int nameWidth = design.Ports.Max(p => p.Range.Length + p.Name.Length + 1);
        var ports = design.Ports
            .Select((p, k) => new PortView(p.Direction == "input" ? "input " : "output", p.Range,
                (p.Name + (k == design.Ports.Count - 1 ? "" : ",")).PadRight(nameWidth - p.Range.Length), "", p.Description))
            .ToList();
        var queryEntry = Packing.Concatenation(design.QueryQueueEntry, new Dictionary<string, string>
        {
            ["Q"] = "query_data_i",
            ["Rows"] = "query_rows_i",
            ["Approximate"] = "query_approx_i",
            ["Iterations"] = "query_iterations_i",
            ["Threshold"] = "query_threshold_i",
        });
        var sorted = new List<SortedMemoryView>();
        for (int j = 0; j < (design.OnChipSort ? 0 : d); j++)
        {
            // load_ids_i is a scalar port when d = 1 and N <= 2: no select then.
            string ids = d * wId == 1 ? "load_ids_i" : $"load_ids_i[{j}*RowIdWidth +: RowIdWidth]";
            var packing = Packing.Concatenation(design.SortedEntry, new Dictionary<string, string>
            {
                ["Value"] = $"load_data_i[{j}*ElementWidth +: ElementWidth]",
                ["RowId"] = ids,
            });
            sorted.Add(new SortedMemoryView(2 * j, $"max{j}", packing));
            sorted.Add(new SortedMemoryView((2 * j) + 1, $"min{j}", packing));
        }
        return new TopView(lp.Build(), design.MaxRows, d, ports, (1L << wId) > design.MaxRows,
            Verilog.ZeroExtend("load_row_i", wId, wId + 1), Verilog.Unsigned(wId + 1, design.MaxRows), queryEntry, sorted, SorterViewBuilder.Top(design),
            design.IsOnePass, design.IsOnePass ? "online stage" : "output stage")
        {
            IdWidth = lanes ? "GroupIdWidth" : "RowIdWidth",
            BufferDepth = lanes ? "Groups" : "MaxRows",
            ThirdInFlight = design.OnePass is { InFlight: 3 },
            Lanes = lanes
                ? new TopLanesView(design.Lanes,
                    Enumerable.Range(0, design.Lanes).Select(b => new BankView(b, $"({(wId == 1 ? "load_row_i" : $"load_row_i[{lb - 1}:0]")} == {Verilog.Unsigned(lb, b)})")).ToList(),
                    wId > lb ? $"load_row_i[RowIdWidth-1:{lb}]" : "1'b0")
                : null,
        };
    }

    /// <summary>
    /// The sum of three or more operands of <paramref name="width"/> bits (already extended to it) by rows of full adders
    /// (carry-save, three operands to two a row) and one final add: the terms (named name_o*, _s*, _m*, _c*) and the add.
    /// The sum is exact when it fits the width: the carry-save form's wrap-around (mod 2^width) is harmless. With
    /// <paramref name="explicitWidths"/> false a term of the full width has width 0 (the caller's node width).
    /// </summary>
    public static (List<CarrySaveTermView> Terms, string Sum) CarrySave(string name, IReadOnlyList<string> operands, int width, bool explicitWidths)
    {
        var (terms, x, y) = CarrySaveRows(name, operands, width, explicitWidths);
        return (terms, $"{x} + {y}");
    }

    /// <summary>
    /// <see cref="CarrySave"/>'s rows of full adders, down to the two rows whose sum is the operands' (returned apart, for a
    /// caller that adds them more than one way).
    /// </summary>
    public static (List<CarrySaveTermView> Terms, string X, string Y) CarrySaveRows(string name, IReadOnlyList<string> operands, int width, bool explicitWidths = true)
    {
        int w = width, full = explicitWidths ? width : 0;
        var terms = new List<CarrySaveTermView>();
        var rows = new Queue<string>();
        foreach (var (op, i) in operands.Select((op, i) => (op, i)))
        {
            string o = $"{name}_o{i}";
            terms.Add(new CarrySaveTermView(o, full, op));
            rows.Enqueue(o);
        }
        int r = 0;
        while (rows.Count > 2)
        {
            string x = rows.Dequeue(), y = rows.Dequeue(), z = rows.Dequeue();
            string sum = $"{name}_s{r}", carry = $"{name}_c{r}", major = $"{name}_m{r}";
            terms.Add(new CarrySaveTermView(sum, full, $"{x} ^ {y} ^ {z}"));
            terms.Add(new CarrySaveTermView(major, w - 1, $"({x}[{w - 2}:0] & {y}[{w - 2}:0]) | ({x}[{w - 2}:0] & {z}[{w - 2}:0]) | ({y}[{w - 2}:0] & {z}[{w - 2}:0])"));
            terms.Add(new CarrySaveTermView(carry, full, $"{{ {major}, 1'b0 }}"));
            rows.Enqueue(sum);
            rows.Enqueue(carry);
            r++;
        }
        return (terms, rows.Dequeue(), rows.Dequeue());
    }

    /// <summary>
    /// A registered tree adding a group's P lane values two at a time, one level a register, into <paramref name="nodes"/>:
    /// exact growth from <paramref name="width0"/> bits, capped at <paramref name="cap"/> (the sum of any rows fits it).
    /// Node k of level v is <c>name(v)_k</c>. Returns the root's register and width.
    /// </summary>
    private static (string Root, int Width) LaneSumTree(List<LaneSumNodeView> nodes, IReadOnlyList<string> lanes, int width0, int cap, Func<int, string> name, bool signed)
    {
        var prev = lanes.ToList();
        int width = width0;
        for (int level = 1; (1 << level) <= lanes.Count; level++)
        {
            int next = Math.Min(width + 1, cap);
            var names = new List<string>();
            for (int k = 0; k < prev.Count / 2; k++)
            {
                string node = $"{name(level)}_{k}";
                string Extend(string x) => signed ? Verilog.SignExtend(x, width, next) : Verilog.ZeroExtend(x, width, next);
                nodes.Add(new LaneSumNodeView(node, next, $"{Extend(prev[2 * k])} + {Extend(prev[(2 * k) + 1])}"));
                names.Add($"{node}_q");
            }
            prev = names;
            width = next;
        }
        return (prev[0], width);
    }

    private static IReadOnlyList<LocalparamView> RomLocalparams(Design design, int addressBits) =>
        new LocalparamList()
            .Width("AddressWidth", addressBits, "table address")
            .Width("EntryWidth", design.Exp.TableEntryWidth, $"table entry: {design.Exp.TableFractionBits} fraction bits + 1")
            .Build();

    /// <summary>Tags 1..count; tag0's row is a register (dot product) or the memory's read data (a wire).</summary>
    private static List<PipeStageView> Tags(int count, bool tag0RowIsWire = false) =>
        Enumerable.Range(1, count)
            .Select(k => new PipeStageView(k, $"tag{k - 1}", k == 1 && tag0RowIsWire ? "tag0_row" : $"tag{k - 1}_row_q"))
            .ToList();

    private static List<RomEntryView> Rom(IReadOnlyList<long> table, int addressBits, int width) =>
        table.Select((v, a) => new RomEntryView(Verilog.Unsigned(addressBits, a), Verilog.Unsigned(width, v))).ToList();

    /// <summary>
    /// The S-bit literal whose bit i is bit <paramref name="bit"/> of i: ANDed with the one-hot lowest flag and
    /// OR-reduced it gives that bit of the flag's offset.
    /// </summary>
    private static string ScanOffsetMask(int scanWidth, int bit)
    {
        if (scanWidth % 4 != 0)
        {
            return $"{scanWidth}'b" + string.Concat(Enumerable.Range(0, scanWidth).Reverse().Select(i => ((i >> bit) & 1) == 1 ? '1' : '0'));
        }
        var digits = Enumerable.Range(0, scanWidth / 4).Reverse()
            .Select(n => Enumerable.Range(0, 4).Sum(k => (((4 * n) + k) >> bit & 1) << k).ToString("x", System.Globalization.CultureInfo.InvariantCulture));
        return $"{scanWidth}'h" + string.Concat(digits);
    }
}
