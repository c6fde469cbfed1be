using A3Gen.Traces;

namespace A3Gen.Tests;

/// <summary>The synthetic trace families: deterministic by seed, the shapes asked for, and their statistics.</summary>
public class SyntheticTraceTests
{
    [Fact]
    public void GaussianIsDeterministicBySeed()
    {
        var a = SyntheticTraces.Gaussian(seed: 11, instances: 3, queries: 4, rows: 20, dimension: 8);
        var b = SyntheticTraces.Gaussian(seed: 11, instances: 3, queries: 4, rows: 20, dimension: 8);
        var c = SyntheticTraces.Gaussian(seed: 12, instances: 3, queries: 4, rows: 20, dimension: 8);
        AssertSame(a, b);
        Assert.NotEqual(a.Instances[0].Keys[0], c.Instances[0].Keys[0]);
        Assert.Equal(3, a.Instances.Count);
        Assert.All(a.Instances, i => Assert.Equal((4, 20, 20, 8), (i.QueryCount, i.Rows, i.Values.Length, i.Dimension)));
        Assert.Equal(["gaussian/head0", "gaussian/head1", "gaussian/head2"], a.Instances.Select(i => i.Name));
    }

    [Fact]
    public void GaussianValuesArePinned()
    {
        // The first values of seed 1, computed by an independent Python implementation of SplitMix64
        // and Box-Muller (cos first, then sin): both are fully specified, so these never change.
        var t = SyntheticTraces.Gaussian(seed: 1, instances: 1, queries: 1, rows: 1, dimension: 4);
        var expected = PinnedGaussianSeed1;
        Assert.Equal(expected, t.Instances[0].Queries[0], (x, y) => Math.Abs(x - y) <= 1e-15);
    }

    private static readonly double[] PinnedGaussianSeed1 = [-0.028249746095854695, -1.065617648414326, -0.22791952286763478, 0.0830941684715007];

    [Fact]
    public void GaussianHasTheAskedSigma()
    {
        var t = SyntheticTraces.Gaussian(seed: 3, instances: 4, queries: 50, rows: 100, dimension: 16, sigma: 2.0);
        var all = t.Instances.SelectMany(i => i.Queries.Concat(i.Keys).Concat(i.Values)).SelectMany(r => r).ToArray();
        double mean = all.Average();
        double sd = Math.Sqrt(all.Average(x => (x - mean) * (x - mean)));
        Assert.InRange(mean, -0.05, 0.05);
        Assert.InRange(sd, 1.95, 2.05);
    }

    [Fact]
    public void PlantedIsDeterministicBySeed()
    {
        var a = SyntheticTraces.Planted(5, 2, 6, 64, 16, dominant: 3, gap: 8, out var pa);
        var b = SyntheticTraces.Planted(5, 2, 6, 64, 16, dominant: 3, gap: 8, out var pb);
        AssertSame(a, b);
        Assert.Equal(pa, pb);
        var c = SyntheticTraces.Planted(6, 2, 6, 64, 16, dominant: 3, gap: 8, out var pc);
        Assert.NotEqual(pa, pc);
        Assert.All(pa.SelectMany(h => h), rows => Assert.Equal(3, rows.Distinct().Count()));
    }

    [Fact]
    public void PlantedAttentionConcentratesOnThePlantedRows()
    {
        const int dominant = 3;
        var t = SyntheticTraces.Planted(seed: 9, instances: 4, queries: 16, rows: 128, dimension: 64, dominant, gap: 10, out var planted);
        double plantedMass = 0;
        int top1 = 0, queries = 0;
        for (int h = 0; h < t.Instances.Count; h++)
        {
            var instance = t.Instances[h];
            for (int m = 0; m < instance.QueryCount; m++)
            {
                var w = instance.Weights(m);
                plantedMass += planted[h][m].Sum(r => w[r]);
                int best = Array.IndexOf(w, w.Max());
                top1 += planted[h][m].Contains(best) ? 1 : 0;
                queries++;
                var s = instance.Scores(m);
                Assert.InRange(planted[h][m].Average(r => s[r]), 9.0, 11.0); // gap 10, plus the q noise
            }
        }
        // Nearly all the weight sits on the 3 planted rows out of 128 (uniform attention would give 3/128).
        Assert.True(plantedMass / queries > 0.9, $"mean planted weight {plantedMass / queries}");
        Assert.Equal(queries, top1);
        // Plain Gaussian data of the same size spreads its weight.
        var g = SyntheticTraces.Gaussian(seed: 9, instances: 1, queries: 16, rows: 128, dimension: 64, sigma: 1.0 / Math.Sqrt(8));
        double gaussianTop = Enumerable.Range(0, 16).Average(m => g.Instances[0].Weights(m).Max());
        Assert.True(gaussianTop < 0.3, $"mean largest Gaussian weight {gaussianTop}");
    }

    private static void AssertSame(Trace a, Trace b)
    {
        Assert.Equal(a.Source, b.Source);
        Assert.Equal(a.Instances.Count, b.Instances.Count);
        for (int i = 0; i < a.Instances.Count; i++)
        {
            Assert.Equal(a.Instances[i].Queries, b.Instances[i].Queries);
            Assert.Equal(a.Instances[i].Keys, b.Instances[i].Keys);
            Assert.Equal(a.Instances[i].Values, b.Instances[i].Values);
        }
    }

    [Fact]
    public void MakeTraceCommandWritesTheSameBytesForTheSameSeed()
    {
        var dir = TestSupport.TempDir("make-trace");
        string[] Args(string file, string seed) =>
            ["make-trace", "--family", "planted", "--seed", seed, "--instances", "2", "--queries", "3", "--rows", "40", "--dimension", "8", "--dominant", "2", "--out", Path.Combine(dir, file)];
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        Assert.Equal(0, Cli.Cli.Run(Args("a.npz", "4"), stdout, stderr));
        Assert.Equal(0, Cli.Cli.Run(Args("b.npz", "4"), stdout, stderr));
        Assert.Equal(0, Cli.Cli.Run(Args("c.npz", "5"), stdout, stderr));
        Assert.Equal(File.ReadAllBytes(Path.Combine(dir, "a.npz")), File.ReadAllBytes(Path.Combine(dir, "b.npz")));
        Assert.NotEqual(File.ReadAllBytes(Path.Combine(dir, "a.npz")), File.ReadAllBytes(Path.Combine(dir, "c.npz")));
        var trace = TraceReader.Load(Path.Combine(dir, "a.npz"));
        var direct = SyntheticTraces.Planted(4, 2, 3, 40, 8, dominant: 2, gap: 8.0);
        Assert.Equal(direct.Instances[1].Queries, trace.Instances[1].Queries);
        Assert.Equal("planted/head1", trace.Instances[1].Name);

        Assert.Equal(1, Cli.Cli.Run(["make-trace", "--family", "planted", "--rows", "4", "--dominant", "5", "--out", Path.Combine(dir, "d.npz")], stdout, stderr));
        Assert.Equal("a3gen: error: --dominant = 5 is out of range 1..4 (--rows)", stderr.ToString().Trim());
        Assert.False(File.Exists(Path.Combine(dir, "d.npz")));
    }
}
