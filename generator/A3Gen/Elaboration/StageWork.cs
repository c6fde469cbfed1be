namespace A3Gen.Elaboration;

/// <summary>
/// What one query costs the pipeline's stages (<see cref="Design.StagePeriods(StageWork)"/>).
/// </summary>
/// <param name="Search">True when the candidate search runs (approximate path).</param>
/// <param name="Rows">The query's n.</param>
/// <param name="Iterations">M, the search's iterations (0 on the exact path).</param>
/// <param name="Issues">Issue cycles of the dot product: the scan of the candidate mask (<see cref="Design.ScanCycles"/>), or n on the exact path and on a fallback.</param>
/// <param name="Scored">Rows the dot product scores: C, or n on the exact path and on a fallback.</param>
/// <param name="Kept">Rows the output stage weighs: K after post-scoring, or n.</param>
/// <param name="Fallback">True for an approximate query without candidates (all n rows, no post-scoring).</param>
/// <param name="ScoredGroups">With lanes, post-scoring: the groups of P rows with a candidate (null: the scored rows are 0..Scored-1).</param>
/// <param name="KeptGroups">With lanes, post-scoring: the groups of P rows with a kept row (null: the kept rows are 0..Kept-1).</param>
public sealed record StageWork(bool Search, int Rows, int Iterations, int Issues, int Scored, int Kept, bool Fallback = false, int? ScoredGroups = null, int? KeptGroups = null)
{
    /// <summary>True when post-scoring runs: an approximate query with candidates (the one-pass softmax then replays them).</summary>
    public bool PostScoring => Search && !Fallback;

    public static StageWork Exact(int n) => new(false, n, 0, n, n, n);
}

/// <summary>
/// The mean work per query of a set of queries, from <see cref="Design.StagePeriods(StageWork)"/>: each stage's busy
/// cycles, the rows the dot product scores and the output weighs, and the candidate stage's busy cycles on approximate
/// queries only (when the search and its sorted-key memory run).
/// </summary>
public sealed record WorkPerQuery(double CandidateBusy, double DotProductBusy, double ExponentBusy, double OutputBusy, double Scored, double Kept, double SearchBusy)
{
    public static WorkPerQuery Of(Design design, IReadOnlyCollection<StageWork> work)
    {
        if (work.Count == 0)
        {
            throw new ArgumentException("no queries", nameof(work));
        }
        var periods = work.Select(design.StagePeriods).ToList();
        return new WorkPerQuery(
            periods.Average(p => (double)p[0]), periods.Average(p => (double)p[1]), periods.Average(p => (double)p[2]), periods.Average(p => (double)p[3]),
            work.Average(w => (double)w.Scored), work.Average(w => (double)w.Kept),
            work.Zip(periods).Average(x => x.First.Search ? (double)x.Second[0] : 0));
    }

    /// <summary>The sum of the four stages' busy cycles.</summary>
    public double StageBusy => CandidateBusy + DotProductBusy + ExponentBusy + OutputBusy;
}
