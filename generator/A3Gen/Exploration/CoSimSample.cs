using System.Diagnostics;
using A3Gen.Simulation;

namespace A3Gen.Exploration;

/// <summary>What the co-simulated sample covered.</summary>
public sealed record CoSimReport(string Simulator, string Instance, int[] QueryIndices, IReadOnlyList<string> Points, int Queries, double Seconds);

/// <summary>
/// A sample of the sweep run on the generated RTL: a few queries of one instance at two points (the paper's
/// conservative and aggressive ones when swept, else the first and the last), back to back in one run.
/// Results must equal the golden model's bit for bit, timings the cycle model's cycle for cycle, and both
/// the sweep's own figures; any difference is an error.
/// </summary>
public static class CoSimSample
{
    public static CoSimReport Run(ExploreResult result, int sample, ISimulator simulator)
    {
        var design = result.Design;
        var clock = Stopwatch.StartNew();
        var points = PointsOf(result);
        var inst = result.Instances[result.Instances.Count / 2];
        int offset = result.Instances.TakeWhile(i => i != inst).Sum(i => i.QueryIndices.Length);
        var locals = Explorer.SampleQueries(inst.QueryIndices.Length, sample);
        var beats = new List<QueryBeat>();
        var expected = new List<QueryOutcome>();
        foreach (int p in points)
        {
            foreach (int k in locals)
            {
                beats.Add(new QueryBeat(inst.Queries[k], inst.Rows, result.Settings(p, inst.Rows)));
                expected.Add(result.Outcomes[p][offset + k]);
            }
        }
        var stimulus = new Stimulus(inst.Keys, inst.Values, beats);
        var model = new ModelSimulator(design).Run(stimulus);
        var run = simulator.Run(stimulus);
        if (run.Queries.Count != beats.Count)
        {
            throw new UserException($"co-simulation mismatch: {simulator.Name} returned {run.Queries.Count} results for {beats.Count} queries");
        }
        for (int i = 0; i < beats.Count; i++)
        {
            var (m, a, e) = (model.Queries[i], run.Queries[i], expected[i]);
            var what = $"{inst.Source.Name} query {inst.QueryIndices[locals[i % locals.Length]]} at {Describe(result, points[i / locals.Length])}";
            if (!m.Result.OutputRaw.SequenceEqual(a.Result.OutputRaw) || !m.Result.OutputRaw.SequenceEqual(e.OutputRaw))
            {
                throw new UserException($"co-simulation mismatch: {what}: output raw model [{string.Join(", ", m.Result.OutputRaw)}], {simulator.Name} [{string.Join(", ", a.Result.OutputRaw)}], sweep [{string.Join(", ", e.OutputRaw)}]");
            }
            var counts = (m.Result.Candidates, m.Result.Kept, m.Result.Fallback);
            if (counts != (a.Result.Candidates, a.Result.Kept, a.Result.Fallback) || counts != (e.Candidates, e.Kept, e.Fallback))
            {
                throw new UserException($"co-simulation mismatch: {what}: (C, K, fallback) model {counts}, {simulator.Name} {(a.Result.Candidates, a.Result.Kept, a.Result.Fallback)}, sweep {(e.Candidates, e.Kept, e.Fallback)}");
            }
            if (m.Timing != a.Timing)
            {
                throw new UserException($"co-simulation mismatch: {what}: timing cycle model {m.Timing}, {simulator.Name} {a.Timing}");
            }
        }
        return new CoSimReport(simulator.Name, inst.Source.Name, locals.Select(k => inst.QueryIndices[k]).ToArray(),
            points.Select(p => Describe(result, p)).ToArray(), beats.Count, clock.Elapsed.TotalSeconds);
    }

    /// <summary>Point indices (into <see cref="ExploreResult.Points"/>) the sample runs at.</summary>
    public static int[] PointsOf(ExploreResult result)
    {
        int conservative = result.Sweep.ToList().FindIndex(s => s.Label == SweepPoint.Conservative);
        int aggressive = result.Sweep.ToList().FindIndex(s => s.Label == SweepPoint.Aggressive);
        var picks = conservative >= 0 && aggressive >= 0 ? new[] { conservative, aggressive } : new[] { 0, result.Sweep.Count - 1 };
        return picks.Distinct().Select(i => i + 1).ToArray();
    }

    public static string Describe(ExploreResult result, int point)
    {
        var s = result.Sweep[point - 1];
        var label = s.Label == "" ? "" : $" ({s.Label})";
        return $"M = {s.Iterations.Text}, T = {s.ThresholdPercent.ToString(System.Globalization.CultureInfo.InvariantCulture)}%{label}";
    }
}
