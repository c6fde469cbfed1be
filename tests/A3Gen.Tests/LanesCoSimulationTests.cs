namespace A3Gen.Tests;

/// <summary>
/// Lanes (P rows a cycle: the lane parts of templates/rtl/dot_product, exponent, output, online and top) under
/// Verilator and Icarus, both softmax kinds: every co-simulation case on a3-small's shape with four lanes under
/// Verilator, the edge cases on the lane edge configurations (P = N, P not dividing N, sixteen lanes; the on-chip sorter on two of them), the exact and
/// approximate mixes under Icarus; bit-exact against the golden model and cycle-exact against the cycle model.
/// </summary>
public class LanesCoSimulationTests
{
    public static string[] Configs { get; } =
    [
        "lanes-small", "edge-lanes-tiny", "edge-lanes-odd", "edge-lanes-wide",
        "onepass-lanes", "edge-onepass-lanes-tiny", "edge-onepass-lanes-odd", "edge-onepass-lanes-wide",
    ];

    public static TheoryData<string, string> VerilatorCases =>
        CoSimCases.Matrix(Configs, new HashSet<string> { "lanes-small", "onepass-lanes" }, OnePassCoSimulationTests.EdgeCases);

    public static TheoryData<string, string> IcarusCases => OnePassCoSimulationTests.Icarus(Configs, "lanes-small", "onepass-lanes");

    [Theory]
    [MemberData(nameof(VerilatorCases))]
    public void VerilatorMatchesTheModels(string config, string name) => CoSimCases.RunVerilator(config, name);

    [Theory]
    [MemberData(nameof(IcarusCases))]
    public void IcarusMatchesTheModels(string config, string name) => CoSimCases.RunIcarus(config, name);
}
