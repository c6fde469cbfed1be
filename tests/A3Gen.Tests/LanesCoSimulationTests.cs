using A3Gen.Simulation;

namespace A3Gen.Tests;

/// <summary>
/// Lanes (P rows a cycle: the lane parts of templates/rtl/dot_product, exponent, output and top) under Verilator and
/// Icarus: every co-simulation case on a3-small's shape with four lanes under Verilator, the edge cases on the lane edge
/// configurations (P = N, P not dividing N, sixteen lanes), the exact and approximate mixes under Icarus; bit-exact
/// against the golden model and cycle-exact against the cycle model.
/// </summary>
public class LanesCoSimulationTests
{
    public static string[] Configs { get; } =
    [
        "lanes-small", "edge-lanes-tiny", "edge-lanes-odd", "edge-lanes-sort",
        "onepass-lanes", "edge-onepass-lanes-tiny", "edge-onepass-lanes-odd", "edge-onepass-lanes-sort",
    ];

    public static TheoryData<string, string> VerilatorCases
    {
        get
        {
            var data = new TheoryData<string, string>();
            foreach (var config in Configs)
            {
                foreach (var name in config is "lanes-small" or "onepass-lanes" ? CoSimCases.Names : OnePassCoSimulationTests.EdgeCases)
                {
                    data.Add(config, name);
                }
            }
            return data;
        }
    }

    /// <summary>Under Icarus: the exact and approximate mixes on every lane configuration.</summary>
    public static TheoryData<string, string> IcarusCases
    {
        get
        {
            var data = new TheoryData<string, string>();
            foreach (var config in Configs)
            {
                string[] names = config is "lanes-small" or "onepass-lanes"
                    ? ["extremes", "single-row", "approx-mixed-with-exact", "backpressure-and-gaps"]
                    : ["approx-mixed-with-exact", "backpressure-and-gaps"];
                foreach (var name in names)
                {
                    data.Add(config, name);
                }
            }
            return data;
        }
    }

    [Theory]
    [MemberData(nameof(VerilatorCases))]
    public void VerilatorMatchesTheModels(string config, string name)
    {
        var design = EdgeConfigs.Design(config);
        var stimulus = CoSimCases.Build(design, name);
        var run = new VerilatorSimulator(design).Run(stimulus);
        CoSimCases.AssertMatchesModel(design, stimulus, run, $"{config}/{name}");
    }

    [Theory]
    [MemberData(nameof(IcarusCases))]
    public void IcarusMatchesTheModels(string config, string name)
    {
        var design = EdgeConfigs.Design(config);
        var stimulus = CoSimCases.Build(design, name);
        var run = new IcarusSimulator(design).Run(stimulus, CoSimCases.Expected(design, stimulus));
        CoSimCases.AssertMatchesModel(design, stimulus, run, $"{config}/{name}");
    }
}
