using System.Globalization;
using A3Gen.Elaboration;
using A3Gen.Simulation;
using A3Gen.Synthesis;
using A3Gen.Traces;

namespace A3Gen.Exploration;

/// <summary>
/// A bounded workload from an attention trace for <c>a3gen power</c>: <c>heads</c> instances spread evenly over the
/// trace (instance floor(i h / H), i = 0..H-1, h the trace's instances), and in each <c>queries</c> evenly spaced
/// queries (<see cref="Explorer.SampleQueries"/>) over all of its n rows, quantized to the design's input format
/// as <c>explore</c> quantizes them (round to nearest, ties to even, saturating and counting).
/// </summary>
public static class TraceWorkload
{
    /// <summary>The selected workloads, one per head, and a one-line description of the selection.</summary>
    public static (IReadOnlyList<EnergyWorkload> Workloads, string Description) Select(Trace trace, Design design, int heads, int queries)
    {
        trace.CheckFits(design.Dimension, design.MaxRows);
        if (heads < 1 || heads > trace.Instances.Count)
        {
            throw new UserException($"--heads {heads} is out of range 1..{trace.Instances.Count} (the instances of {trace.Source})");
        }
        if (queries < 2)
        {
            throw new UserException($"--queries {queries} is out of range 2.. (energy per query is measured between back-to-back queries)");
        }
        var picks = Enumerable.Range(0, heads).Select(i => (int)((long)i * trace.Instances.Count / heads)).ToArray();
        var counts = new QuantizationCount();
        var workloads = new List<EnergyWorkload>();
        foreach (int p in picks)
        {
            var instance = trace.Instances[p];
            if (instance.QueryCount < queries)
            {
                throw new UserException($"--queries {queries}: {trace.Source}: {instance.Name} has only {instance.QueryCount} queries");
            }
            var chosen = Explorer.SampleQueries(instance.QueryCount, queries).Select(k => instance.Queries[k]).ToArray();
            var q = Quantizer.Quantize(chosen, design.Input, counts);
            var k = Quantizer.Quantize(instance.Keys, design.Input, counts);
            var v = Quantizer.Quantize(instance.Values, design.Input, counts);
            workloads.Add(new EnergyWorkload($"{trace.Source} {instance.Name}", new Stimulus(k, v, q.Select(x => new QueryBeat(x, instance.Rows)).ToArray())));
        }
        var names = string.Join(", ", picks.Select(p => trace.Instances[p].Name));
        var inv = CultureInfo.InvariantCulture;
        var description = string.Create(inv, $"{trace.Source}: {heads} of its {trace.Instances.Count} instances ({names}), {queries} evenly spaced queries each over all n rows") +
            (counts.Saturated > 0 ? string.Create(inv, $"; {counts.Saturated} of {counts.Elements} values saturated in s{design.Input.Width}.{design.Input.FractionBits}") : "");
        return (workloads, description);
    }
}
