using A3Gen.Elaboration;
using A3Gen.Model;

namespace A3Gen.Simulation;

/// <summary>The golden model's answer to a stimulus: bit-exact results and the cycle model's timing.</summary>
public sealed class ModelSimulator(Design design) : ISimulator
{
    public string Name => "model";

    public SimulationRun Run(Stimulus stimulus)
    {
        // The cycle model of the approximate path comes with its RTL.
        QueryBeat.RequireExact(stimulus.Queries, "the cycle model");
        var model = new GoldenModel(design);
        var timings = new CycleModel(design).Run(stimulus.Queries.Select(q => q.Rows).ToArray(), stimulus.Offer, stimulus.Ready);
        var results = stimulus.Queries.Select(q => model.Run(stimulus.Keys, stimulus.Values, q.Query, q.Rows)).ToArray();
        return new SimulationRun(Name, results.Zip(timings, (r, t) => new SimulatedQuery(r, t)).ToArray());
    }
}
