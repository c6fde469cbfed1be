namespace A3Gen.Tests;

/// <summary>
/// The one-pass softmax's RTL (templates/rtl/online.v.scriban) under Verilator and Icarus: every co-simulation case
/// on a3-small's shape under Verilator, the edge cases on the one-pass edge configurations, the exact and
/// approximate mixes under Icarus; bit-exact against the golden model and cycle-exact against the cycle model.
/// </summary>
public class OnePassCoSimulationTests
{
    public static string[] Configs { get; } = ["onepass-small", "edge-onepass-tiny", "edge-onepass-odd", "edge-onepass-sort"];

    public static TheoryData<string, string> VerilatorCases => CoSimCases.Matrix(Configs, new HashSet<string> { "onepass-small" }, EdgeCases);

    /// <summary>The cases run on the edge configurations: extremes, n = 1, mixed n, gaps and back-pressure, and the approximate path's corners.</summary>
    public static string[] EdgeCases { get; } =
    [
        "random-full-range", "extremes", "single-row", "mixed-row-counts", "backpressure-and-gaps",
        "approx-paper-settings", "approx-keep-only-max", "approx-empty-candidates", "approx-mixed-with-exact",
    ];

    /// <summary>Under Icarus: on a3-small's shape extremes, n = 1 and the mixes; on the others the exact and approximate mixes.</summary>
    public static TheoryData<string, string> IcarusCases => Icarus(Configs, "onepass-small");

    /// <summary>The Icarus matrix: four cases on the configuration in full, the mixes of exact and approximate queries on the others.</summary>
    public static TheoryData<string, string> Icarus(IEnumerable<string> configs, params string[] full)
    {
        var data = new TheoryData<string, string>();
        foreach (var config in configs)
        {
            string[] names = full.Contains(config)
                ? ["extremes", "single-row", "approx-mixed-with-exact", "backpressure-and-gaps"]
                : ["approx-mixed-with-exact", "backpressure-and-gaps"];
            foreach (var name in names)
            {
                data.Add(config, name);
            }
        }
        return data;
    }

    [Theory]
    [MemberData(nameof(VerilatorCases))]
    public void VerilatorMatchesTheModels(string config, string name) => CoSimCases.RunVerilator(config, name);

    [Theory]
    [MemberData(nameof(IcarusCases))]
    public void IcarusMatchesTheModels(string config, string name) => CoSimCases.RunIcarus(config, name);
}
