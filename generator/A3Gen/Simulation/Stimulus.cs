using A3Gen.Elaboration;
using A3Gen.Model;

namespace A3Gen.Simulation;

/// <summary>One query beat: q (raw, input format), its row count n and its settings (default: exact).</summary>
public sealed record QueryBeat(long[] Query, int Rows, QuerySettings Settings = default)
;

/// <summary>
/// Everything a simulation run drives: the K and V rows to load (raw, input format), the queries, and
/// the handshake patterns. Patterns repeat with their length; an empty pattern means "always".
/// <para>
/// Protocol (the same in the cycle model, the Verilator driver and the Icarus testbench): loads go
/// first, one row per cycle, K rows 0..rows-1, then V rows, then the sorted-key memory's entries
/// 0..rows-1 (target 2, the host's preprocessing of K: <see cref="SortedKeys"/>). With keySort = "on-chip"
/// the loads are K rows, the sort beat (target 3), V rows, then the driver waits for load_ready_o (the
/// sorter's end); no sorted-key entry is loaded. Cycle 0 is the first
/// cycle after the loads. In cycle c the driver offers the next query if one remains and either it offered in c-1
/// without a handshake (valid holds until taken) or <see cref="QueryOffer"/>[c % length] is true.
/// It takes a result in cycle c if <see cref="ResultReady"/>[c % length] is true.
/// </para>
/// </summary>
public sealed record Stimulus(long[][] Keys, long[][] Values, IReadOnlyList<QueryBeat> Queries)
{
    public bool[] QueryOffer { get; init; } = [];

    public bool[] ResultReady { get; init; } = [];

    /// <summary>The sorted-key memory the host loads after K and V: every key column sorted (empty without keys).</summary>
    public SortedKey[][] Sorted(Design design) => Keys.Length == 0 ? [] : SortedKeys.Build(design, Keys, Keys.Length);

    /// <summary>The sorted-key memory the queries see: the host's, or the on-chip sorter's (keySort = "on-chip"; the same order).</summary>
    public SortedKey[][] SortedForQueries(Design design) =>
        Keys.Length == 0 ? [] : design.OnChipSort ? KeySorterModel.Sort(design, Keys, Keys.Length) : SortedKeys.Build(design, Keys, Keys.Length);

    public bool Offer(int cycle) => QueryOffer.Length == 0 || QueryOffer[cycle % QueryOffer.Length];

    public bool Ready(int cycle) => ResultReady.Length == 0 || ResultReady[cycle % ResultReady.Length];

    /// <summary>A seeded pattern that is true with the given probability (percent).</summary>
    public static bool[] RandomPattern(int seed, int percentTrue, int length = 997)
    {
        var rng = new Random(seed);
        return Enumerable.Range(0, length).Select(_ => rng.Next(100) < percentTrue).ToArray();
    }
}

/// <summary>What a simulator (or the model) observed for one query.</summary>
public sealed record SimulatedQuery(QueryResult Result, QueryTiming Timing);

/// <summary>A run's results in query order, and the simulator that produced them.</summary>
/// <param name="Sort">keySort = "on-chip": the K load's and the sort's cycles (simulators: measured; the model: predicted).</param>
public sealed record SimulationRun(string Simulator, IReadOnlyList<SimulatedQuery> Queries, SortTiming? Sort = null)
{
    public double CyclesPerQuery => CycleModel.CyclesPerQuery(Queries.Select(q => q.Timing).ToArray());
}

/// <summary>A simulator of the generated design: the golden model, Verilator or Icarus.</summary>
public interface ISimulator
{
    string Name { get; }

    SimulationRun Run(Stimulus stimulus);
}
