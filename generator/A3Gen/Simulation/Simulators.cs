using A3Gen.Elaboration;
using A3Gen.Model;

namespace A3Gen.Simulation;

/// <summary>Picks a simulator by name and runs a stimulus on it.</summary>
public static class Simulators
{
    public static SimulationRun Run(Design design, string name, Stimulus stimulus, string? tracePath = null) => name switch
    {
        "model" => new ModelSimulator(design).Run(stimulus),
        "verilator" => new VerilatorSimulator(design, new VerilatorOptions(TracePath: tracePath)).Run(stimulus),
        // The testbench checks itself against the golden model's results.
        "icarus" => new IcarusSimulator(design).Run(stimulus, new ModelSimulator(design).Run(stimulus).Queries.Select(q => q.Result).ToArray()),
        _ => throw new UserException($"unknown simulator '{name}' (allowed: verilator, icarus, model)"),
    };
}
