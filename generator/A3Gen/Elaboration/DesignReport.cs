using System.Globalization;
using System.Text;

namespace A3Gen.Elaboration;

/// <summary>A Markdown summary of an elaborated design: formats, exp unit, timing and memories.</summary>
public static class DesignReport
{
    public static string Markdown(Design d)
    {
        var sb = new StringBuilder();
        var inv = CultureInfo.InvariantCulture;
        sb.Append(inv, $"## {d.Config.Name}: N = {d.MaxRows}, d = {d.Dimension}, i = {d.Config.IntegerBits}, f = {d.Config.FractionBits}\n\n");
        sb.Append("| value | format | width | integer bits | fraction bits | why it cannot overflow |\n");
        sb.Append("|---|---|---:|---:|---:|---|\n");
        foreach (var f in d.Formats)
        {
            sb.Append(inv, $"| {f.Name} | {f.Describe()} | {f.Width} | {f.IntegerBits} | {f.FractionBits} | {f.Derivation} |\n");
        }
        var e = d.Exp;
        sb.Append('\n');
        sb.Append(inv, $"exp unit: u = max - s clamped to {e.ClampRaw / Math.Pow(2, e.InputFractionBits):0.######} ({e.InputWidth} bits); ");
        sb.Append(inv, $"high table {1 << e.HiBits} x {e.TableEntryWidth} bits, low table {1 << e.LoBits} x {e.TableEntryWidth} bits; ");
        sb.Append(inv, $"|e - exp(-u)| <= {e.MaxError:0.######}.\n\n");
        sb.Append("| stage | busy cycles, exact query | busy cycles, approximate query |\n|---|---|---|\n");
        sb.Append(inv, $"| candidate selection (accept, fill of {d.CandidateFillCycles}: read and read data, {d.ProductRegisterStages} product-path registers, {d.MergeTreeLevels} merge-tree levels; M iterations with c = {d.ProductQueueDepth} products a column-side; drain of {d.CandidateDrainCycles}: last greedy update and hand-over) | {d.CandidateExactPeriod} | {d.CandidateOverhead} + M |\n");
        sb.Append(inv, $"| dot product (accept, key read, multiply, {d.AdderStages} adder stages; approximate: scan of the candidate mask, S = {d.ScanWidth} flags a cycle{(d.HasLanes ? $"; {d.Lanes} lanes: a group of {d.Lanes} rows a cycle, the group's max in {d.LaneTreeStages} levels" : "")}) | {d.RowsTerm} + {d.DotProductOverhead} | scan + {d.DotProductOverhead} |\n");
        if (d.OnePass is { } op)
        {
            string early = d.HasLanes ? $"; a live query's last beat comes the lane max tree's {d.LaneTreeStages} cycle(s) before the done" : "";
            sb.Append(inv, $"| online stage, after the dot product's done (approximate: replay of the C stored candidates, post-scoring; the last beat's {op.LoopDepth} pipeline cycles and {op.FlushBeats} flush beat to the merge{early}) | {d.OnePassMergeDelay(StageWork.Exact(0))} | {(d.HasLanes ? "C'" : "C")} + {op.ReplayDelay} + {op.MergeDelay} |\n");
            sb.Append(inv, $"| normalizer, from the merge to the push (d = {d.Dimension} elements in {op.Groups} group(s) of {op.Dividers}, one group a cycle, through {op.Dividers} divider(s) of {op.DividerStages} stages, {op.QuotientBits} quotient bits) | {op.MergeToPush(d.Dimension)} | {op.MergeToPush(d.Dimension)} |\n\n");
        }
        else
        {
            sb.Append(inv, $"| exponent (accept, score read, post-scoring and clamp, tables, multiply) | {d.RowsTerm} + {d.ExponentOverhead} | {(d.HasLanes ? "C'" : "C")} + {d.ExponentOverhead} |\n");
            sb.Append(inv, $"| output (accept, exp read, {d.DividerLatency}-stage divider, multiply, add halves, accumulate, push) | {d.RowsTerm} + {d.OutputOverhead} | {(d.HasLanes ? "K'" : "K")} + {d.OutputOverhead} |\n\n");
        }
        sb.Append(inv, $"Exact path: latency {d.LatencyFormula} cycles (paper: 3n + 27); interval between back-to-back results {d.IntervalFormula} cycles (paper: n + 9). ");
        sb.Append(d.HasLanes
            ? $"Approximate path, {d.Lanes} lanes: a group is {d.Lanes} consecutive rows; scan = sum over the ceil(ceil(n / {d.Lanes}) / S) windows of groups of max(1, groups with a candidate in the window); C' groups with a candidate, K' groups with a kept row; a fallback (no candidate) scores and keeps all n rows (scan = C' = K' = ceil(n / {d.Lanes})).\n"
            : "Approximate path: scan = sum over the ceil(n / S) windows of max(1, candidates in the window); C candidates, K kept rows; a fallback (no candidate) scores and keeps all n rows (scan = C = K = n).\n");
        return sb.ToString();
    }
}
