using Xunit.Abstractions;

[assembly: TestCollectionOrderer("A3Gen.Tests.LongestFirstOrderer", "A3Gen.Tests")]

namespace A3Gen.Tests;

/// <summary>
/// The order xUnit starts the test classes in: each class is a collection, two run at a time (one a core here), and
/// a class keeps its thread until its last test has run. The long classes start first, longest first, so that the
/// ones still running at the end are short and both threads stay busy to the end; the rest keep xUnit's order.
/// </summary>
public sealed class LongestFirstOrderer : ITestCollectionOrderer
{
    /// <summary>
    /// Seconds of the long classes, measured alone on the 2-core test machine: only their order matters. A class not
    /// listed counts 0.
    /// </summary>
    public static IReadOnlyDictionary<string, double> ClassSeconds { get; } = new Dictionary<string, double>(StringComparer.Ordinal)
    {
        [typeof(YosysLintTests).FullName!] = YosysLint.PartSeconds(0),
        [typeof(YosysLintTests2).FullName!] = YosysLint.PartSeconds(1),
        [typeof(YosysLintTests3).FullName!] = YosysLint.PartSeconds(2),
        [typeof(YosysLintTests4).FullName!] = YosysLint.PartSeconds(3),
        [typeof(SynthesisTests).FullName!] = 150,
        [typeof(XPropagationTests).FullName!] = 100,
        [typeof(SorterAsicTests).FullName!] = 80,
        [typeof(RandomConfigurationTests).FullName!] = 66,
        [typeof(PowerTests).FullName!] = 40,
        // Its fixture (a3-small through the standard-cell flow, about 38 s) is not in any test's time: unlisted, the
        // class ran last, alone on one thread.
        [typeof(AsicTimingTests).FullName!] = 40,
        [typeof(IcarusCoSimulationTests).FullName!] = 40,
        [typeof(ScanWindowAsicTests).FullName!] = 20,
        [typeof(VerilatorLintTests).FullName!] = 30,
        [typeof(FuzzConfigurationTests).FullName!] = 20,
        [typeof(IcarusLintTests).FullName!] = 15,
        [typeof(FuzzCoSimulationTests).FullName!] = 15,
    };

    public IEnumerable<ITestCollection> OrderTestCollections(IEnumerable<ITestCollection> testCollections) =>
        testCollections.Select((c, i) => (Collection: c, Index: i))
            .OrderByDescending(x => Seconds(x.Collection))
            .ThenBy(x => x.Index)
            .Select(x => x.Collection);

    /// <summary>A class's collection is named "Test collection for " and the class's full name.</summary>
    private static double Seconds(ITestCollection collection)
    {
        const string prefix = "Test collection for ";
        return collection.DisplayName.StartsWith(prefix, StringComparison.Ordinal)
            ? ClassSeconds.GetValueOrDefault(collection.DisplayName[prefix.Length..])
            : 0;
    }
}
