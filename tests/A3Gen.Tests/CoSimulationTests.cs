using A3Gen.Simulation;

namespace A3Gen.Tests;

/// <summary>
/// The generated RTL of every shipped configuration under Verilator, on random and edge data:
/// bit-exact against the golden model and cycle-exact against the cycle model.
/// </summary>
public class VerilatorCoSimulationTests
{
    public static TheoryData<string, string> Cases => CoSimCases.All();

    [Theory]
    [MemberData(nameof(Cases))]
    public void MatchesTheModels(string config, string name)
    {
        var design = TestSupport.ShippedDesign(config);
        var stimulus = CoSimCases.Build(design, name);
        var run = new VerilatorSimulator(design).Run(stimulus);
        CoSimCases.AssertMatchesModel(design, stimulus, run, $"{config}/{name}");
    }

    [Theory]
    [MemberData(nameof(Lint.AllConfigs), MemberType = typeof(Lint))]
    public void CycleContractHoldsForEveryConfiguration(string config)
    {
        // One query alone: the predicted latency. Six back to back: the predicted interval between
        // results; for the shipped configurations both within the paper's 3n + 27 and n + 9 (the edge
        // configurations choose a deeper divider on purpose).
        var design = Lint.DesignFor(config);
        foreach (int n in new[] { 1, Math.Min(16, design.MaxRows), design.MaxRows }.Distinct())
        {
            var single = TestSupport.RandomStimulus(design, n, n, 1);
            var one = new VerilatorSimulator(design).Run(single).Queries[0].Timing;
            Assert.Equal(design.Latency(n), one.Latency);
            bool shipped = TestSupport.ShippedConfigNames.Contains(config);
            Assert.True(!shipped || one.Latency <= (3 * n) + 27);

            var burst = TestSupport.RandomStimulus(design, n + 1, n, 6);
            var run = new VerilatorSimulator(design).Run(burst);
            var valid = run.Queries.Select(q => q.Timing.ResultValidCycle).ToArray();
            Assert.All(valid.Zip(valid.Skip(1), (a, b) => b - a), gap => Assert.Equal(design.Interval(n), gap));
            Assert.True(!shipped || design.Interval(n) <= n + 9);
            Assert.Equal(design.Interval(n), run.CyclesPerQuery);
            CoSimCases.AssertMatchesModel(design, burst, run, $"{config}/burst n = {n}");
        }
    }
}

/// <summary>The same cases under Icarus, with the generated testbench checking itself against the golden model.</summary>
public class IcarusCoSimulationTests
{
    public static TheoryData<string, string> Cases => CoSimCases.All();

    [Theory]
    [MemberData(nameof(Cases))]
    public void MatchesTheModels(string config, string name)
    {
        var design = TestSupport.ShippedDesign(config);
        var stimulus = CoSimCases.Build(design, name);
        var run = new IcarusSimulator(design).Run(stimulus, CoSimCases.Expected(design, stimulus));
        CoSimCases.AssertMatchesModel(design, stimulus, run, $"{config}/{name}");
    }
}
