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
public sealed record StageWork(bool Search, int Rows, int Iterations, int Issues, int Scored, int Kept)
{
    public static StageWork Exact(int n) => new(false, n, 0, n, n, n);
}
