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
    }

    /// <summary>The golden model's results for a stimulus: what the Icarus testbench checks against.</summary>
    public static IReadOnlyList<QueryResult> Expected(Design design, Stimulus stimulus) =>
        new ModelSimulator(design).Run(stimulus).Queries.Select(q => q.Result).ToArray();
}
