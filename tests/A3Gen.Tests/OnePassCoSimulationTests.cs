using A3Gen.Simulation;

namespace A3Gen.Tests;

/// <summary>
/// The one-pass softmax's RTL (templates/rtl/online.v.scriban) under Verilator and Icarus: every co-simulation case
/// on a3-small's shape and on the one-pass edge configurations, bit-exact against the golden model and cycle-exact
/// against the cycle model.
/// </summary>
public class OnePassCoSimulationTests
{
    public static string[] Configs { get; } = ["onepass-small", "edge-onepass-tiny", "edge-onepass-odd", "edge-onepass-sort"];

    public static TheoryData<string, string> VerilatorCases
    {
        get
        {
            var data = new TheoryData<string, string>();
            foreach (var config in Configs)
            {
                foreach (var name in CoSimCases.Names)
                {
                    data.Add(config, name);
                }
            }
            return data;
        }
    }

    /// <summary>Under Icarus: every case on a3-small's shape, the exact/approximate mix on the edge ones.</summary>
    public static TheoryData<string, string> IcarusCases
    {
        get
        {
            var data = new TheoryData<string, string>();
            foreach (var config in Configs)
            {
                foreach (var name in config == "onepass-small" ? CoSimCases.Names : ["approx-mixed-with-exact", "backpressure-and-gaps"])
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
