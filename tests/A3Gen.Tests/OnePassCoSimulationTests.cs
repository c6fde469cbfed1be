using A3Gen.Simulation;

namespace A3Gen.Tests;

/// <summary>
/// The one-pass softmax's RTL (templates/rtl/online.v.scriban) under Verilator and Icarus: every co-simulation case
/// on a3-small's shape under Verilator, the edge cases on the one-pass edge configurations, the exact and
/// approximate mixes under Icarus; bit-exact against the golden model and cycle-exact against the cycle model.
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
                foreach (var name in config == "onepass-small" ? CoSimCases.Names : EdgeCases)
                {
                    data.Add(config, name);
                }
            }
            return data;
        }
    }

    /// <summary>The cases run on the edge configurations: extremes, n = 1, mixed n, gaps and back-pressure, and the approximate path's corners.</summary>
    public static string[] EdgeCases { get; } =
    [
        "random-full-range", "extremes", "single-row", "mixed-row-counts", "backpressure-and-gaps",
        "approx-paper-settings", "approx-keep-only-max", "approx-empty-candidates", "approx-mixed-with-exact",
    ];

    /// <summary>Under Icarus: the exact and approximate mixes on every one-pass configuration.</summary>
    public static TheoryData<string, string> IcarusCases
    {
        get
        {
            var data = new TheoryData<string, string>();
            foreach (var config in Configs)
            {
                string[] names = config == "onepass-small"
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
