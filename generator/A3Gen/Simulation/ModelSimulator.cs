using A3Gen.Elaboration;
using A3Gen.Model;

namespace A3Gen.Simulation;

/// <summary>The golden model's answer to a stimulus: bit-exact results and the cycle model's timing.</summary>
public sealed class ModelSimulator(Design design) : ISimulator
{
    public string Name => "model";

    public SimulationRun Run(Stimulus stimulus)
    {
        var model = new ApproximateModel(design);
        var sorted = stimulus.SortedForQueries(design);
        var results = new QueryResult[stimulus.Queries.Count];
        var work = new StageWork[stimulus.Queries.Count];
        for (int k = 0; k < results.Length; k++)
        {
            var q = stimulus.Queries[k];
            results[k] = model.Run(stimulus.Keys, stimulus.Values, sorted, q.Query, q.Rows, q.Settings, out var trace);
            work[k] = model.Work(q.Rows, q.Settings, trace);
        }
        var timings = new CycleModel(design).Run(work, stimulus.Offer, stimulus.Ready);
        var sort = design.OnChipSort && stimulus.Keys.Length > 0 ? KeySorterModel.Timing(design, stimulus.Keys.Length) : null;
        return new SimulationRun(Name, results.Zip(timings, (r, t) => new SimulatedQuery(r, t)).ToArray(), sort);
    }

    /// <summary>The cycle model's work of every query of a stimulus (each query's stage periods follow from it).</summary>
    public static IReadOnlyList<StageWork> Work(Design design, Stimulus stimulus)
    {
        var model = new ApproximateModel(design);
        var sorted = stimulus.Sorted(design);
        return stimulus.Queries.Select(q =>
        {
            model.Run(stimulus.Keys, stimulus.Values, sorted, q.Query, q.Rows, q.Settings, out var trace);
            return model.Work(q.Rows, q.Settings, trace);
        }).ToArray();
    }
}
