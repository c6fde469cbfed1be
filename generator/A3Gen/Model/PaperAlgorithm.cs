namespace A3Gen.Model;

/// <summary>What the paper's algorithm selected for one query, and its attention output over the kept rows.</summary>
public sealed record PaperResult(int[] Candidates, int[] Kept, double[] Output, double[] Greedy, double RunningSum, bool Fallback);

/// <summary>
/// The paper's approximation (HPCA 2020, section IV, Fig. 7) in double precision on real values, the
/// reference the fixed-point <see cref="ApproximateModel"/> is measured against. Greedy search as Fig. 7
/// writes it, plus the pointer guard it lacks (an exhausted column drops out); the first column wins a
/// tie (a plain argmax). Post-scoring keeps a candidate iff max - s &lt;= t with t = ln(100 / T) in real
/// numbers. An empty candidate set falls back to all n rows (the paper leaves it open; the design's rule).
/// </summary>
public static class PaperAlgorithm
{
    public static PaperResult Run(double[][] keys, double[][] values, double[] query, int n, int iterations, double thresholdPercent)
    {
        int d = query.Length;

        // Preprocessing: every column sorted ascending (a stable sort, so equal values keep rowId order).
        var columns = Enumerable.Range(0, d)
            .Select(j => Enumerable.Range(0, n).OrderBy(r => keys[r][j]).ToArray())
            .ToArray();

        // max_ptr[j] starts where the largest product is (the top if q[j] > 0), min_ptr at the other end.
        var maxPtr = new int[d];
        var minPtr = new int[d];
        var maxStep = new int[d];
        var maxUsed = new int[d];
        var minUsed = new int[d];
        for (int j = 0; j < d; j++)
        {
            maxPtr[j] = query[j] > 0 ? n - 1 : 0;
            maxStep[j] = query[j] > 0 ? -1 : 1;
            minPtr[j] = query[j] > 0 ? 0 : n - 1;
        }
        double Product(int j, int ptr) => keys[columns[j][ptr]][j] * query[j];

        var greedy = new double[n];
        double sum = 0;
        for (int it = 0; it < iterations; it++)
        {
            int col = -1;
            double best = 0;
            for (int j = 0; j < d; j++)
            {
                if (maxUsed[j] < n && (col < 0 || Product(j, maxPtr[j]) > best))
                {
                    col = j;
                    best = Product(j, maxPtr[j]);
                }
            }
            if (col >= 0)
            {
                if (best > 0)
                {
                    greedy[columns[col][maxPtr[col]]] += best;
                    sum += best;
                }
                maxPtr[col] += maxStep[col];
                maxUsed[col]++;
            }
            if (sum < 0)
            {
                continue; // the min side waits while the selected entries sum to a negative value
            }
            col = -1;
            for (int j = 0; j < d; j++)
            {
                if (minUsed[j] < n && (col < 0 || Product(j, minPtr[j]) < best))
                {
                    col = j;
                    best = Product(j, minPtr[j]);
                }
            }
            if (col >= 0)
            {
                if (best < 0)
                {
                    greedy[columns[col][minPtr[col]]] += best;
                    sum += best;
                }
                minPtr[col] -= maxStep[col];
                minUsed[col]++;
            }
        }

        var candidates = Enumerable.Range(0, n).Where(r => greedy[r] > 0).ToArray();
        bool fallback = candidates.Length == 0;
        var scores = new double[n];
        for (int r = 0; r < n; r++)
        {
            for (int j = 0; j < d; j++)
            {
                scores[r] += keys[r][j] * query[j];
            }
        }
        int[] kept;
        if (fallback)
        {
            candidates = Enumerable.Range(0, n).ToArray();
            kept = candidates;
        }
        else
        {
            double max = candidates.Max(r => scores[r]);
            double t = Math.Log(100 / thresholdPercent);
            kept = candidates.Where(r => max - scores[r] <= t).ToArray();
        }
        return new PaperResult(candidates, kept, Reference.WeightedSum(Reference.Weights(scores, kept), values), greedy, sum, fallback);
    }
}
