using A3Gen.Elaboration;
using A3Gen.Model;
using A3Gen.Simulation;

namespace A3Gen.Tests;

/// <summary>Named stimuli for co-simulation: random data and the edge data of the issue, per configuration.</summary>
public static class CoSimCases
{
    public static string[] Names { get; } =
    [
        "random-full-range", "random-softmax", "extremes", "all-equal-keys", "zero-query", "max-in-last-row",
        "single-row", "mixed-row-counts", "backpressure-and-gaps",
        // The approximate path (docs/approximation-design.md).
        "approx-paper-settings", "approx-one-iteration", "approx-max-iterations", "approx-beyond-nd",
        "approx-keep-only-max", "approx-ties", "approx-empty-candidates", "approx-negative-products",
        "approx-dominant-rows", "approx-mixed-with-exact",
        // The merge trees' corner cases: one row (every stream ends after one entry), an all-zero query
        // (every product ties at 0), a wide column winning every iteration while the others end.
        "approx-single-row", "approx-zero-query", "approx-one-column-wins",
    ];

    public static TheoryData<string, string> All()
    {
        var data = new TheoryData<string, string>();
        foreach (var config in TestSupport.ShippedConfigNames)
        {
            foreach (var name in Names)
            {
                data.Add(config, name);
            }
        }
        return data;
    }

    public static Stimulus Build(Design d, string name)
    {
        int n = d.MaxRows;
        int seed = name.Aggregate(17, (h, c) => (h * 31) + c) ^ d.MaxRows;
        var rng = new Random(seed);
        long lo = d.Input.MinRaw, hi = d.Input.MaxRaw;
        long[] Const(long v) => Enumerable.Repeat(v, d.Dimension).ToArray();
        switch (name)
        {
            case "random-full-range":
                return TestSupport.RandomStimulus(d, seed, n, 3);
            case "random-softmax":
                return TestSupport.RandomStimulus(d, seed, n, 3, small: true);
            case "extremes":
                {
                    var keys = Enumerable.Range(0, n).Select(r => Const(r % 2 == 0 ? lo : hi)).ToArray();
                    var values = Enumerable.Range(0, n).Select(r => Enumerable.Range(0, d.Dimension).Select(j => (r + j) % 2 == 0 ? lo : hi).ToArray()).ToArray();
                    return new Stimulus(keys, values, [new QueryBeat(Const(lo), n), new QueryBeat(Const(hi), n), new QueryBeat(Const(lo), 1)]);
                }
            case "all-equal-keys":
                {
                    var row = TestSupport.RandomVector(rng, d);
                    var keys = Enumerable.Range(0, n).Select(_ => row.ToArray()).ToArray();
                    return new Stimulus(keys, TestSupport.RandomMatrix(rng, d, n),
                        [new QueryBeat(TestSupport.RandomVector(rng, d), n), new QueryBeat(TestSupport.SmallVector(rng, d), n)]);
                }
            case "zero-query":
                return new Stimulus(TestSupport.RandomMatrix(rng, d, n), TestSupport.RandomMatrix(rng, d, n),
                    [new QueryBeat(new long[d.Dimension], n), new QueryBeat(new long[d.Dimension], Math.Max(1, n / 2))]);
            case "max-in-last-row":
                {
                    var keys = Enumerable.Range(0, n).Select(_ => TestSupport.SmallVector(rng, d)).ToArray();
                    keys[n - 1] = Const(hi);
                    var beats = new[] { new QueryBeat(Const(hi), n) }.ToList();
                    if (n > 1)
                    {
                        // Also the last row of a shorter query (slightly below the full query's max).
                        int m = Math.Max(1, n / 2);
                        keys[m - 1] = Const(hi - 1);
                        beats.Add(new QueryBeat(Const(hi), m));
                    }
                    return new Stimulus(keys, TestSupport.RandomMatrix(rng, d, n), beats);
                }
            case "single-row":
                return new Stimulus(TestSupport.RandomMatrix(rng, d, n), TestSupport.RandomMatrix(rng, d, n),
                    Enumerable.Range(0, 4).Select(_ => new QueryBeat(TestSupport.RandomVector(rng, d), 1)).ToArray());
            case "mixed-row-counts":
                {
                    var counts = new[] { n, 1, Math.Max(1, n / 3), n, 2 }.Select(c => Math.Min(c, n)).ToArray();
                    return new Stimulus(TestSupport.RandomMatrix(rng, d, n), TestSupport.RandomMatrix(rng, d, n),
                        counts.Select(c => new QueryBeat(TestSupport.SmallVector(rng, d), c)).ToArray());
                }
            case "approx-paper-settings":
                {
                    // The paper's conservative (M = n/2, T = 5%) and aggressive (M = n/8, T = 10%) settings, on the
                    // whole input range (scores spread wide, so post-scoring drops rows).
                    var s = TestSupport.RandomStimulus(d, seed, n, 4);
                    var settings = new[] { Approx(d, n / 2, 5), Approx(d, n / 8, 10), Approx(d, n / 2, 5), Approx(d, n / 8, 10) };
                    return s with { Queries = s.Queries.Select((q, k) => q with { Settings = settings[k] }).ToArray() };
                }
            case "approx-one-iteration":
                {
                    var s = TestSupport.RandomStimulus(d, seed, n, 3);
                    return s with { Queries = s.Queries.Select(q => q with { Settings = Approx(d, 1, 20) }).ToArray() };
                }
            case "approx-max-iterations":
                {
                    var s = TestSupport.RandomStimulus(d, seed, n, 2, small: true);
                    return s with { Queries = s.Queries.Select(q => q with { Settings = Approx(d, d.MaxIterations, 1) }).ToArray() };
                }
            case "approx-beyond-nd":
                {
                    // n < N so that n d < M <= 2 N d: the search runs out of entries and idles.
                    int rows = Math.Max(1, n / 3);
                    var s = TestSupport.RandomStimulus(d, seed, n, 2);
                    int m = Math.Min(d.MaxIterations, (rows * d.Dimension) + 5);
                    return s with { Queries = s.Queries.Select(q => q with { Rows = rows, Settings = Approx(d, m, 2.5) }).ToArray() };
                }
            case "approx-keep-only-max":
                {
                    // T = 100% gives t = 0: only the rows whose score equals the max survive post-scoring.
                    var s = TestSupport.RandomStimulus(d, seed, n, 3);
                    return s with { Queries = s.Queries.Select(q => q with { Settings = Approx(d, Math.Max(1, n), 100) }).ToArray() };
                }
            case "approx-ties":
                {
                    // Coarse values: many equal products inside and across columns.
                    long[] Coarse() => Enumerable.Range(0, d.Dimension).Select(_ => Math.Clamp((long)(rng.Next(-2, 3) * d.Input.Scale), lo, hi)).ToArray();
                    var keys = Enumerable.Range(0, n).Select(_ => Coarse()).ToArray();
                    var queries = Enumerable.Range(0, 3).Select(k => new QueryBeat(Coarse(), n, Approx(d, Math.Max(1, n / (k + 1)), 5))).ToArray();
                    return new Stimulus(keys, TestSupport.RandomMatrix(rng, d, n), queries);
                }
            case "approx-empty-candidates":
                {
                    // M = 0 runs no iteration: fallback to all n rows.
                    var s = TestSupport.RandomStimulus(d, seed, n, 2);
                    return s with { Queries = s.Queries.Select(q => q with { Settings = Approx(d, 0, 5) }).ToArray() };
                }
            case "approx-negative-products":
                {
                    // Every product negative (q < 0, K > 0): no greedy score turns positive, so the search falls
                    // back; and a query negative in some columns only.
                    var keys = Enumerable.Range(0, n).Select(_ => Enumerable.Range(0, d.Dimension).Select(_ => (long)rng.Next(1, (int)hi + 1)).ToArray()).ToArray();
                    var negative = Enumerable.Range(0, d.Dimension).Select(_ => (long)rng.Next((int)lo, 0)).ToArray();
                    var mixed = Enumerable.Range(0, d.Dimension).Select(j => j % 2 == 0 ? (long)rng.Next((int)lo, 0) : (long)rng.Next(0, (int)hi + 1)).ToArray();
                    return new Stimulus(keys, TestSupport.RandomMatrix(rng, d, n),
                        [new QueryBeat(negative, n, Approx(d, Math.Min(d.MaxIterations, 2 * n), 5)), new QueryBeat(mixed, n, Approx(d, Math.Max(1, n / 2), 5))]);
                }
            case "approx-dominant-rows":
                {
                    // A few keys aligned with the query: attention concentrates on them, as in the paper's memory networks.
                    var keys = Enumerable.Range(0, n).Select(_ => TestSupport.SmallVector(rng, d)).ToArray();
                    var q = TestSupport.SmallVector(rng, d).Select(x => x == 0 ? 1 : x).ToArray();
                    foreach (int r in Enumerable.Range(0, Math.Min(3, n)).Select(k => (((k * 7919) + seed) % n + n) % n).Distinct())
                    {
                        keys[r] = q.Select(x => Math.Clamp(x * 4, lo, hi)).ToArray();
                    }
                    return new Stimulus(keys, TestSupport.RandomMatrix(rng, d, n),
                        [new QueryBeat(q, n, Approx(d, Math.Max(1, n / 2), 5)), new QueryBeat(q, n, Approx(d, Math.Max(1, n / 8), 10))]);
                }
            case "approx-mixed-with-exact":
                {
                    // Exact and approximate queries back to back, different n, with gaps and back-pressure.
                    var s = TestSupport.RandomStimulus(d, seed, n, 8, small: true);
                    var queries = s.Queries.Select((q, k) => k % 2 == 0
                        ? q with { Rows = Math.Max(1, n - k), Settings = Approx(d, Math.Max(1, n / (k + 1)), 5) }
                        : q with { Rows = Math.Max(1, n / (k + 1)) }).ToArray();
                    return s with
                    {
                        Queries = queries,
                        QueryOffer = Stimulus.RandomPattern(seed, 70),
                        ResultReady = Stimulus.RandomPattern(seed + 1, 60),
                    };
                }
            case "approx-single-row":
                {
                    // n = 1: each column-side holds one entry, so the streams end at once; M runs past them.
                    var s = TestSupport.RandomStimulus(d, seed, n, 3);
                    var settings = new[] { Approx(d, Math.Min(d.MaxIterations, (2 * d.Dimension) + 3), 5), Approx(d, 1, 5), Approx(d, Math.Min(d.MaxIterations, d.Dimension), 20) };
                    return s with { Queries = s.Queries.Select((q, k) => q with { Rows = 1, Settings = settings[k] }).ToArray() };
                }
            case "approx-zero-query":
                {
                    // q = 0: every product is 0 (ties everywhere, nothing added): no candidate, the fallback.
                    return new Stimulus(TestSupport.RandomMatrix(rng, d, n), TestSupport.RandomMatrix(rng, d, n),
                        [new QueryBeat(new long[d.Dimension], n, Approx(d, Math.Max(1, n / 2), 5)), new QueryBeat(new long[d.Dimension], Math.Max(1, n / 2), Approx(d, Math.Min(d.MaxIterations, 3 * n), 5))]);
                }
            case "approx-one-column-wins":
                {
                    // Column 0 holds the largest products of every row, so it wins every iteration of the max side
                    // until it ends; then the other columns, with exact ties among them, take over.
                    var keys = Enumerable.Range(0, n).Select(r => Enumerable.Range(0, d.Dimension).Select(j => j == 0 ? hi - (r % 3) : (long)(r % 2)).ToArray()).ToArray();
                    var q = Enumerable.Range(0, d.Dimension).Select(j => j == 0 ? hi : 1L).ToArray();
                    return new Stimulus(keys, TestSupport.RandomMatrix(rng, d, n),
                        [new QueryBeat(q, n, Approx(d, Math.Min(d.MaxIterations, n + d.Dimension + 2), 5)), new QueryBeat(q, n, Approx(d, Math.Min(d.MaxIterations, (2 * n) + 5), 5))]);
                }
            case "backpressure-and-gaps":
                return TestSupport.RandomStimulus(d, seed, Math.Max(1, n / 2), 6, small: true) with
                {
                    QueryOffer = Stimulus.RandomPattern(seed, 50),
                    ResultReady = Stimulus.RandomPattern(seed + 1, 30),
                };
            default:
                throw new ArgumentException(name);
        }
    }

    private static QuerySettings Approx(Design d, int iterations, double thresholdPercent) =>
        QuerySettings.ApproximateFor(d, Math.Min(iterations, d.MaxIterations), thresholdPercent);

    /// <summary>Bit-exact results and cycle-exact timing against the golden and cycle models, query by query.</summary>
    public static void AssertMatchesModel(Design design, Stimulus stimulus, SimulationRun run, string what)
    {
        var expected = new ModelSimulator(design).Run(stimulus);
        Assert.Equal(expected.Queries.Count, run.Queries.Count);
        for (int k = 0; k < expected.Queries.Count; k++)
        {
            var (e, a) = (expected.Queries[k], run.Queries[k]);
            Assert.True(e.Result.OutputRaw.SequenceEqual(a.Result.OutputRaw),
                $"{what}: query {k} output differs: model [{string.Join(", ", e.Result.OutputRaw)}], {run.Simulator} [{string.Join(", ", a.Result.OutputRaw)}]");
            Assert.Equal((e.Result.Candidates, e.Result.Kept, e.Result.Fallback), (a.Result.Candidates, a.Result.Kept, a.Result.Fallback));
            Assert.True(e.Timing == a.Timing, $"{what}: query {k} timing differs: model {e.Timing}, {run.Simulator} {a.Timing}");
        }
        // keySort = "on-chip": the K load and sort take the closed form's cycles, as the cycle model says.
        Assert.Equal(expected.Sort is null, run.Sort is null);
        if (expected.Sort is { } model && run.Sort is { } measured)
        {
            int n = stimulus.Keys.Length;
            Assert.Equal(design.Sorter!.LoadAndSortCycles(n), model.LoadAndSortCycles);
            Assert.Equal(design.Sorter.SortCycles(n), model.SortCycles);
            Assert.True(model.LoadAndSortCycles == measured.LoadAndSortCycles && model.SortCycles == measured.SortCycles,
                $"{what}: sort timing differs: model {model}, {run.Simulator} {measured}");
            Assert.True(measured.LoadAndSortCycles <= KeySorter.Budget(n), $"{what}: K load and sort of n = {n} took {measured.LoadAndSortCycles} cycles, over the budget {KeySorter.Budget(n)}");
        }
    }

    /// <summary>The golden model's results for a stimulus: what the Icarus testbench checks against.</summary>
    public static IReadOnlyList<QueryResult> Expected(Design design, Stimulus stimulus) =>
        new ModelSimulator(design).Run(stimulus).Queries.Select(q => q.Result).ToArray();

    /// <summary>
    /// A co-simulation matrix: every case on the configurations in <paramref name="full"/>, <paramref name="edgeCases"/>
    /// on the others.
    /// </summary>
    public static TheoryData<string, string> Matrix(IEnumerable<string> configs, IReadOnlySet<string> full, IReadOnlyList<string> edgeCases)
    {
        var data = new TheoryData<string, string>();
        foreach (var config in configs)
        {
            foreach (var name in full.Contains(config) ? Names : edgeCases)
            {
                data.Add(config, name);
            }
        }
        return data;
    }

    /// <summary>Runs a case of an edge configuration under Verilator: bit-exact and cycle-exact against the models.</summary>
    public static void RunVerilator(string config, string name)
    {
        var design = EdgeConfigs.Design(config);
        var stimulus = Build(design, name);
        var run = new Simulation.VerilatorSimulator(design).Run(stimulus);
        AssertMatchesModel(design, stimulus, run, $"{config}/{name}");
    }

    /// <summary>Runs a case of an edge configuration under Icarus: bit-exact and cycle-exact against the models.</summary>
    public static void RunIcarus(string config, string name)
    {
        var design = EdgeConfigs.Design(config);
        var stimulus = Build(design, name);
        var run = new Simulation.IcarusSimulator(design).Run(stimulus, Expected(design, stimulus));
        AssertMatchesModel(design, stimulus, run, $"{config}/{name}");
    }
}
