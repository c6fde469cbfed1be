using A3Gen.Elaboration;

namespace A3Gen.Model;

/// <summary>
/// What the candidate search of one query did: the greedy-score registers (N of them, rows the search
/// never touched stay 0), the candidates (rows r &lt; n with a positive greedy score, ascending), the final
/// running sum R, and the iterations that popped something on each side.
/// </summary>
public sealed record CandidateSearch(long[] Greedy, int[] Candidates, long RunningSum, int MaxPops, int MinPops);

/// <summary>
/// The approximate path of one query: the search, the rows kept after post-scoring (ascending) and the
/// shared stages' trace. On the exact path and on a fallback the search is null and every row is kept.
/// </summary>
public sealed record ApproximateTrace(CandidateSearch? Search, int[] Candidates, int[] Kept, QueryTrace Pipeline);

/// <summary>
/// Bit-exact model of A3's approximate path (docs/approximation-design.md): the greedy candidate search
/// on the sorted-key memory in fixed point, post-scoring by the raw threshold, then the exact pipeline's
/// stages (<see cref="GoldenModel.Attend"/>) over the kept rows. An exact query gives exactly
/// <see cref="GoldenModel"/>'s result.
/// </summary>
public sealed class ApproximateModel(Design design)
{
    private readonly GoldenModel golden = new(design);

    public Design Design { get; } = design;

    public QueryResult Run(long[][] keys, long[][] values, SortedKey[][] sorted, long[] query, int n, QuerySettings settings) =>
        Run(keys, values, sorted, query, n, settings, out _);

    public QueryResult Run(long[][] keys, long[][] values, SortedKey[][] sorted, long[] query, int n, QuerySettings settings, out ApproximateTrace trace)
    {
        golden.CheckQuery(keys, values, query, n);
        settings.Validate(Design);
        if (!settings.Approximate)
        {
            var exact = golden.Run(keys, values, query, n, out var exactTrace);
            trace = new ApproximateTrace(null, exactTrace.ScoredRows, exactTrace.KeptRows, exactTrace);
            return exact;
        }
        var search = Search(sorted, query, n, settings.Iterations);
        if (search.Candidates.Length == 0)
        {
            // Fallback: the exact computation over all n rows, no post-scoring.
            var exact = golden.Run(keys, values, query, n, out var fallbackTrace);
            trace = new ApproximateTrace(search, fallbackTrace.ScoredRows, fallbackTrace.KeptRows, fallbackTrace);
            return exact with { Fallback = true };
        }
        var output = golden.Attend(keys, values, query, search.Candidates, settings.ThresholdRaw, out var pipeline);
        trace = new ApproximateTrace(search, search.Candidates, pipeline.KeptRows, pipeline);
        return new QueryResult(output, CheckCount(search.Candidates.Length), CheckCount(pipeline.KeptRows.Length), false);
    }

    /// <summary>What the query costs each stage of the pipeline, from its trace (the cycle model's input).</summary>
    public StageWork Work(int n, QuerySettings settings, ApproximateTrace trace) =>
        settings.Approximate
            ? Design.Work(n, true, settings.Iterations, trace.Search!.Candidates, trace.Kept)
            : StageWork.Exact(Design.EffectiveRows(n));

    /// <summary>
    /// The greedy candidate search over sorted entries 0..n-1 for M iterations. Column j's max side walks
    /// the products in descending order (from entry n-1 down if q[j] >= 0, else from 0 up), its min side
    /// from the other end the other way; a column-side that has yielded its n entries drops out. Each
    /// iteration: the largest max-side head (ties: lowest column) is popped and added if &gt; 0; then, only
    /// if R &gt;= 0, the smallest min-side head (ties: lowest column) is popped and added if &lt; 0.
    /// </summary>
    public CandidateSearch Search(SortedKey[][] sorted, long[] query, int n, int iterations)
    {
        var dsn = Design;
        int d = dsn.Dimension;
        if (n < 1 || n > dsn.MaxRows)
        {
            throw new ArgumentOutOfRangeException(nameof(n), n, $"rows n must be 1..{dsn.MaxRows}");
        }
        if (iterations < 0 || iterations > dsn.MaxIterations)
        {
            throw new ArgumentOutOfRangeException(nameof(iterations), iterations, $"iterations M must be 0..{dsn.MaxIterations}");
        }
        GoldenModel.CheckInputs(dsn, [query], 1, "query");
        CheckSortedMemory(sorted, n);

        // Per column-side: the next entry and the step (+1 up, -1 down); the entries left.
        var maxNext = new int[d];
        var minNext = new int[d];
        var maxStep = new int[d];
        var minStep = new int[d];
        var maxLeft = new int[d];
        var minLeft = new int[d];
        for (int j = 0; j < d; j++)
        {
            bool up = query[j] < 0; // the max side walks up when q[j] < 0
            maxNext[j] = up ? 0 : n - 1;
            maxStep[j] = up ? 1 : -1;
            minNext[j] = up ? n - 1 : 0;
            minStep[j] = -maxStep[j];
            maxLeft[j] = n;
            minLeft[j] = n;
        }

        var greedy = new long[dsn.MaxRows];
        long runningSum = 0;
        int maxPops = 0, minPops = 0;
        for (int k = 0; k < iterations; k++)
        {
            // Max side: the largest head product, ties to the lowest column.
            int best = Pick(sorted, query, maxNext, maxLeft, largest: true, out long p);
            if (best >= 0)
            {
                if (p > 0)
                {
                    int row = sorted[maxNext[best]][best].RowId;
                    greedy[row] = dsn.GreedyScore.Check(greedy[row] + p);
                    runningSum = dsn.RunningSum.Check(runningSum + p);
                }
                maxNext[best] += maxStep[best];
                maxLeft[best]--;
                maxPops++;
            }

            // Min side, only while R >= 0: the smallest head product, ties to the lowest column.
            if (runningSum >= 0)
            {
                best = Pick(sorted, query, minNext, minLeft, largest: false, out p);
                if (best >= 0)
                {
                    if (p < 0)
                    {
                        int row = sorted[minNext[best]][best].RowId;
                        greedy[row] = dsn.GreedyScore.Check(greedy[row] + p);
                        runningSum = dsn.RunningSum.Check(runningSum + p);
                    }
                    minNext[best] += minStep[best];
                    minLeft[best]--;
                    minPops++;
                }
            }
        }
        var candidates = Enumerable.Range(0, n).Where(r => greedy[r] > 0).ToArray();
        return new CandidateSearch(greedy, candidates, runningSum, maxPops, minPops);
    }

    /// <summary>The comparator tree of one side: the column with the largest (smallest) head product, -1 if all are exhausted.</summary>
    private int Pick(SortedKey[][] sorted, long[] query, int[] next, int[] left, bool largest, out long product)
    {
        int best = -1;
        product = 0;
        for (int j = 0; j < Design.Dimension; j++)
        {
            if (left[j] == 0)
            {
                continue;
            }
            long p = Design.Product.Check(sorted[next[j]][j].Value * query[j]);
            if (best < 0 || (largest ? p > product : p < product))
            {
                best = j;
                product = p;
            }
        }
        return best;
    }

    /// <summary>
    /// The search reads entries 0..n-1 as they are (sorted or not); it needs input-format values and, per
    /// column, distinct rowIds below N: the greedy-score width relies on a row appearing once per column.
    /// </summary>
    private void CheckSortedMemory(SortedKey[][] sorted, int n)
    {
        int d = Design.Dimension;
        if (sorted.Length < n)
        {
            throw new ArgumentException($"sorted-key memory: {sorted.Length} entries per column, need n = {n}");
        }
        for (int i = 0; i < n; i++)
        {
            if (sorted[i].Length != d)
            {
                throw new ArgumentException($"sorted-key memory row {i}: {sorted[i].Length} entries, need d = {d}");
            }
        }
        var seen = new bool[Design.MaxRows];
        for (int j = 0; j < d; j++)
        {
            Array.Clear(seen);
            for (int i = 0; i < n; i++)
            {
                var e = sorted[i][j];
                Design.Input.Check(e.Value);
                if (e.RowId < 0 || e.RowId >= Design.MaxRows)
                {
                    throw new ArgumentException($"sorted-key memory [{i}][{j}]: rowId {e.RowId} is out of range 0..{Design.MaxRows - 1}");
                }
                if (seen[e.RowId])
                {
                    throw new ArgumentException($"sorted-key memory column {j}: rowId {e.RowId} appears twice in entries 0..{n - 1}");
                }
                seen[e.RowId] = true;
            }
        }
    }

    /// <summary>The result ports carry C and K in RowCountWidth bits.</summary>
    private int CheckCount(int count) =>
        count < 1L << Design.RowCountWidth ? count : throw new OverflowException($"row count {count} does not fit {Design.RowCountWidth} bits");
}
