using A3Gen.Configuration;
using A3Gen.Elaboration;
using A3Gen.Model;
using A3Gen.Simulation;

namespace A3Gen.Tests;

/// <summary>
/// The on-chip key sorter (keySort = "on-chip", Elaboration/KeySorter.cs): its configuration, its closed form
/// against the cycle model and the budget, its bit-exact model against the host's sort, and the RTL under
/// Verilator and Icarus: the approximate results equal the host-sorted ones bit for bit, the sort takes the
/// closed form's cycles, and queries and K wait for it.
/// </summary>
public class SorterTests
{
    public static string[] SortConfigNames { get; } = EdgeConfigs.All.Where(c => c.Value.KeySort == KeySort.OnChip).Select(c => c.Key).ToArray();

    public static TheoryData<string> SortConfigs => new(SortConfigNames);

    private static A3Config OnChip(string shipped) => TestSupport.Shipped(shipped) with { KeySort = KeySort.OnChip };

    [Fact]
    public void KeySortParsesAndDefaultsToHost()
    {
        const string json = """{ "name": "s", "maxRows": 8, "dimension": 2, "integerBits": 2, "fractionBits": 2 }""";
        Assert.Equal(KeySort.Host, A3Config.Parse(json).KeySort);
        Assert.Equal(KeySort.Host, A3Config.Parse(json.Replace("}", ", \"keySort\": \"host\" }")).KeySort);
        Assert.Equal(KeySort.OnChip, A3Config.Parse(json.Replace("}", ", \"keySort\": \"on-chip\" }")).KeySort);
        // The default is left out of the canonical JSON: a configuration keeps its hash (and its output).
        Assert.Equal(A3Config.Parse(json).Hash(), A3Config.Parse(json.Replace("}", ", \"keySort\": \"host\" }")).Hash());
        Assert.DoesNotContain("keySort", A3Config.Parse(json).ToCanonicalJson(), StringComparison.Ordinal);
        Assert.Contains("\"keySort\": \"on-chip\"", A3Config.Parse(json.Replace("}", ", \"keySort\": \"on-chip\" }")).ToCanonicalJson(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("\"chip\"", "keySort = 'chip' is not allowed (allowed: host, on-chip)")]
    [InlineData("1", "field 'keySort' must be a string (host or on-chip), got the number 1")]
    public void BadKeySortIsNamed(string value, string message)
    {
        var json = $$"""{ "name": "s", "maxRows": 8, "dimension": 2, "integerBits": 2, "fractionBits": 2, "keySort": {{value}} }""";
        var e = Assert.Throws<ConfigException>(() => A3Config.Parse(json));
        Assert.Equal("keySort", e.Field);
        Assert.Equal(message, e.Message);
    }

    [Fact]
    public void OnChipNeedsTwoRows()
    {
        var e = Assert.Throws<ConfigException>(() => new Design(EdgeConfigs.All["edge-tiny"] with { KeySort = KeySort.OnChip }));
        Assert.Equal("keySort", e.Field);
        Assert.Equal("keySort = 'on-chip' needs maxRows >= 2, got maxRows = 1 (one row needs no sorting: use 'host')", e.Message);
    }

    [Theory]
    [InlineData("a3-paper", 2, 5)]
    [InlineData("a3-mid", 2, 5)]
    [InlineData("a3-small", 2, 5)]
    public void ShippedShapesGetTheNarrowestDigit(string config, int digitBits, int passes)
    {
        var sorter = new Design(OnChip(config)).Sorter!;
        Assert.Equal((digitBits, passes), (sorter.DigitBits, sorter.Passes));
    }

    [Theory]
    [InlineData("edge-sort", 2, 5, 1)]
    [InlineData("edge-sort-tiny", 1, 2, 0)]
    [InlineData("edge-sort-wide", 4, 4, 0)]
    public void EdgeShapesCoverBothStagingHalves(string config, int digitBits, int passes, int stagingHalf)
    {
        var sorter = EdgeConfigs.Design(config).Sorter!;
        Assert.Equal((digitBits, passes, stagingHalf), (sorter.DigitBits, sorter.Passes, sorter.StagingHalf));
        Assert.Equal(0, sorter.WriteHalf(passes - 1));
    }

    public static TheoryData<string> AllSorterShapes => new(["a3-small", "a3-mid", "a3-paper", "a3-minilm", .. EdgeConfigs.All.Where(c => c.Value.KeySort == KeySort.OnChip).Select(c => c.Key)]);

    private static Design SorterDesign(string name) =>
        EdgeConfigs.All.ContainsKey(name) ? EdgeConfigs.Design(name) : new Design(OnChip(name));

    [Theory]
    [MemberData(nameof(AllSorterShapes))]
    public void ClosedFormIsTheCycleModelAndWithinTheBudget(string config)
    {
        var design = SorterDesign(config);
        var sorter = design.Sorter!;
        for (int n = 1; n <= design.MaxRows; n++)
        {
            var t = KeySorterModel.Timing(design, n);
            Assert.Equal(sorter.LoadAndSortCycles(n), t.LoadAndSortCycles);
            Assert.Equal(sorter.SortCycles(n), t.SortCycles);
            Assert.Equal(((long)(sorter.Passes + 1) * n) + sorter.Passes + 1, sorter.LoadAndSortCycles(n));
            Assert.True(t.LoadAndSortCycles <= ((long)n * Bits.CeilLog2(n)) + 64, $"{config}: n = {n}: {t.LoadAndSortCycles} cycles");
        }
    }

    [Fact]
    public void PaperShapeSortsUnderThreeThousandCycles()
    {
        var sorter = new Design(OnChip("a3-paper")).Sorter!;
        Assert.Equal(1926, sorter.LoadAndSortCycles(320));
        Assert.Equal(320 * 9 + 64, KeySorter.Budget(320));
    }

    [Fact]
    public void OnChipMemoriesAreDualPortWithTheSameBits()
    {
        var host = TestSupport.ShippedDesign("a3-paper");
        var chip = new Design(OnChip("a3-paper"));
        var sortedHost = host.Memories.Where(m => m.Instance.StartsWith("u_sorted", StringComparison.Ordinal)).ToList();
        var sortedChip = chip.Memories.Where(m => m.Instance.StartsWith("u_sorted", StringComparison.Ordinal)).ToList();
        Assert.Equal(2 * 64, sortedHost.Count);
        Assert.Equal(64, sortedChip.Count);
        Assert.All(sortedChip, m => Assert.True(m.DualPort && m.Depth == 640 && m.ModuleSuffix == "sram_dp"));
        Assert.Equal(sortedHost.Sum(m => m.Bits), sortedChip.Sum(m => m.Bits));
        var manifest = new Emission.Emitter(Emission.TemplateRenderer.Default()).Render(chip).Single(f => f.Name == "manifest.json").Text;
        Assert.Contains("\"module\": \"a3_paper_sram_dp\"", manifest, StringComparison.Ordinal);
        Assert.Contains("\"keySorter\"", manifest, StringComparison.Ordinal);
    }

    /// <summary>Key matrices the sorter must order like the host: random, all equal, full of ties, extremes.</summary>
    public static IEnumerable<(string Name, long[][] Keys)> KeySets(Design d, int n, int seed)
    {
        var rng = new Random(seed);
        long lo = d.Input.MinRaw, hi = d.Input.MaxRaw;
        yield return ("random", TestSupport.RandomMatrix(rng, d, n));
        var row = TestSupport.RandomVector(rng, d);
        yield return ("all-equal", Enumerable.Range(0, n).Select(_ => row.ToArray()).ToArray());
        yield return ("ties", Enumerable.Range(0, n).Select(_ => Enumerable.Range(0, d.Dimension).Select(_ => (long)rng.Next(-1, 2)).ToArray()).ToArray());
        yield return ("extremes", Enumerable.Range(0, n).Select(r => Enumerable.Range(0, d.Dimension).Select(j => (r + j) % 3 == 0 ? lo : (r + j) % 3 == 1 ? hi : 0L).ToArray()).ToArray());
        yield return ("descending", Enumerable.Range(0, n).Select(r => Enumerable.Range(0, d.Dimension).Select(_ => Math.Max(lo, hi - r)).ToArray()).ToArray());
    }

    [Theory]
    [MemberData(nameof(AllSorterShapes))]
    public void ModelSortsLikeTheHost(string config)
    {
        var design = SorterDesign(config);
        foreach (int n in new[] { 1, 2, 3, design.MaxRows / 2 + 1, design.MaxRows }.Where(n => n >= 1 && n <= design.MaxRows).Distinct())
        {
            foreach (var (name, keys) in KeySets(design, n, n))
            {
                var host = SortedKeys.Build(design, keys, n);
                var chip = KeySorterModel.Sort(design, keys, n);
                for (int i = 0; i < n; i++)
                {
                    Assert.True(host[i].SequenceEqual(chip[i]), $"{config} {name} n = {n}: entry {i} differs");
                }
            }
        }
    }

    /// <summary>Stimuli of the RTL tests: each key set at n = 1, n = N and n not a power of two, with approximate and exact queries.</summary>
    public static Stimulus SortStimulus(Design d, string keySet, int n, int seed)
    {
        var keys = KeySets(d, n, seed).Single(k => k.Name == keySet).Keys;
        var rng = new Random(seed + 1);
        var values = TestSupport.RandomMatrix(rng, d, n);
        var queries = new List<QueryBeat>();
        foreach (var (m, t) in new[] { (Math.Max(1, n / 2), 5.0), (Math.Max(1, n / 8), 10.0), (2 * n * d.Dimension, 20.0) })
        {
            queries.Add(new QueryBeat(TestSupport.SmallVector(rng, d), n, QuerySettings.ApproximateFor(d, Math.Min(m, d.MaxIterations), t)));
        }
        queries.Add(new QueryBeat(keys[rng.Next(n)].Select(v => Math.Min(-v, d.Input.MaxRaw)).ToArray(), n, QuerySettings.ApproximateFor(d, Math.Min(n, d.MaxIterations), 5)));
        queries.Add(new QueryBeat(TestSupport.RandomVector(rng, d), n));
        return new Stimulus(keys, values, queries);
    }

    public static TheoryData<string, string, int> RtlCases
    {
        get
        {
            var data = new TheoryData<string, string, int>();
            foreach (var config in SortConfigNames)
            {
                int max = EdgeConfigs.All[config].MaxRows;
                foreach (var keySet in new[] { "random", "all-equal", "ties", "extremes" })
                {
                    foreach (int n in new[] { 1, max, max > 4 ? 13 % max : max }.Distinct())
                    {
                        data.Add(config, keySet, n);
                    }
                }
            }
            return data;
        }
    }

    /// <summary>The on-chip results against the golden model with the host's sort: bit for bit the same.</summary>
    private static void AssertHostResults(Design design, Stimulus stimulus, SimulationRun run, string what)
    {
        var model = new ApproximateModel(design);
        var host = SortedKeys.Build(design, stimulus.Keys, stimulus.Keys.Length);
        for (int k = 0; k < stimulus.Queries.Count; k++)
        {
            var q = stimulus.Queries[k];
            var expected = model.Run(stimulus.Keys, stimulus.Values, host, q.Query, q.Rows, q.Settings, out _);
            var got = run.Queries[k].Result;
            Assert.True(expected.OutputRaw.SequenceEqual(got.OutputRaw) && (expected.Candidates, expected.Kept, expected.Fallback) == (got.Candidates, got.Kept, got.Fallback),
                $"{what}: query {k} differs from the host-sorted result");
        }
    }

    [Theory]
    [MemberData(nameof(RtlCases))]
    public void VerilatorSortsLikeTheHost(string config, string keySet, int n)
    {
        var design = EdgeConfigs.Design(config);
        var stimulus = SortStimulus(design, keySet, n, n + keySet.Length);
        var run = new VerilatorSimulator(design).Run(stimulus);
        Assert.NotNull(run.Sort);
        CoSimCases.AssertMatchesModel(design, stimulus, run, $"{config}/{keySet}/n = {n}");
        AssertHostResults(design, stimulus, run, $"{config}/{keySet}/n = {n}");
    }

    [Theory]
    [MemberData(nameof(RtlCases))]
    public void IcarusSortsLikeTheHost(string config, string keySet, int n)
    {
        var design = EdgeConfigs.Design(config);
        var stimulus = SortStimulus(design, keySet, n, n + keySet.Length);
        var run = new IcarusSimulator(design).Run(stimulus, CoSimCases.Expected(design, stimulus));
        Assert.NotNull(run.Sort);
        CoSimCases.AssertMatchesModel(design, stimulus, run, $"{config}/{keySet}/n = {n}");
        AssertHostResults(design, stimulus, run, $"{config}/{keySet}/n = {n}");
    }

    [Theory]
    [MemberData(nameof(SortConfigs))]
    public void QueriesAndKeysWaitForTheSortAndValuesDoNot(string config)
    {
        var design = EdgeConfigs.Design(config);
        int n = design.MaxRows;
        var stimulus = SortStimulus(design, "random", n, 3);
        using var device = A3Device.Create(design);
        device.Reset();
        for (int r = 0; r < n; r++)
        {
            device.LoadRow(0, r, stimulus.Keys[r]);
        }
        long beat = device.StartSort(n);
        long done = beat + design.Sorter!.SortCycles(n);
        // While sorting: a query and a K row are refused every cycle, a V row is taken.
        var packed = device.PackRow(stimulus.Queries[0].Query);
        device.SetQuery(true, packed, n, stimulus.Queries[0].Settings);
        device.SetLoad(true, 0, 0, stimulus.Keys[0]);
        while (device.Cycle < done)
        {
            var c = device.Step();
            Assert.False(c.QueryTaken || c.LoadTaken || c.QueryReady || c.LoadReady, $"{config}: cycle {c.Cycle} of a sort that ends in cycle {done}: {c}");
            if (device.Cycle == beat + 3)
            {
                device.SetLoad(true, 1, 0, stimulus.Values[0]);
                var v = device.Step();
                Assert.True(v.LoadTaken, $"{config}: a V row is taken while sorting");
                device.SetLoad(true, 0, 0, stimulus.Keys[0]);
            }
        }
        device.SetLoad(false);
        device.SetQuery(false);
        // The cycle the sort ends, K and queries are taken again.
        var end = device.Step();
        Assert.True(end.LoadReady && end.QueryReady, $"{config}: cycle {end.Cycle}, the sort's end: {end}");
    }

    [Theory]
    [MemberData(nameof(SortConfigs))]
    public void ReloadWithAnotherRowCountAndResetInTheMiddleOfASort(string config)
    {
        var design = EdgeConfigs.Design(config);
        int big = design.MaxRows, small = Math.Max(1, (design.MaxRows / 2) - 1);
        var first = SortStimulus(design, "ties", big, 5);
        var second = SortStimulus(design, "random", small, 6);
        var third = SortStimulus(design, "extremes", big, 7);
        using var device = A3Device.Create(design);
        var expected = new ModelSimulator(design);

        // Sort N rows, query; reload K and V with fewer rows, sort, query: the second sort must not see the first's keys.
        device.Reset();
        device.LoadAndSort(first.Keys, first.Values);
        Assert.Equal(design.Sorter!.LoadAndSortCycles(big), device.LastSort!.LoadAndSortCycles);
        AssertResults(expected.Run(first), device.RunQueries(first.Queries), $"{config}: first load");
        device.LoadAndSort(second.Keys, second.Values);
        Assert.Equal(design.Sorter.LoadAndSortCycles(small), device.LastSort!.LoadAndSortCycles);
        AssertResults(expected.Run(second), device.RunQueries(second.Queries), $"{config}: reload with n = {small}");

        // A K load without a sort (exact queries need none), then K again from row 0 and its sort: the
        // histograms restart at row 0.
        for (int r = 0; r < big; r++)
        {
            device.LoadRow(0, r, first.Keys[r]);
        }
        device.LoadAndSort(second.Keys, second.Values);
        AssertResults(expected.Run(second), device.RunQueries(second.Queries), $"{config}: K loaded twice, sorted once");

        // A reset in the middle of a sort (and of its histograms), then a fresh load and sort.
        for (int r = 0; r < big; r++)
        {
            device.LoadRow(0, r, first.Keys[r]);
        }
        device.StartSort(big);
        for (int c = 0; c < design.Sorter.SortCycles(big) / 2; c++)
        {
            device.Step();
        }
        device.Reset();
        for (int r = 0; r < 2 && r < big; r++)
        {
            device.LoadRow(0, r, second.Keys[r % small]); // half a K load, then another reset
        }
        device.Reset();
        device.LoadAndSort(third.Keys, third.Values);
        Assert.Equal(design.Sorter.LoadAndSortCycles(big), device.LastSort!.LoadAndSortCycles);
        AssertResults(expected.Run(third), device.RunQueries(third.Queries), $"{config}: after a reset mid-sort");
    }

    private static void AssertResults(SimulationRun expected, IReadOnlyList<SimulatedQuery> got, string what)
    {
        Assert.Equal(expected.Queries.Count, got.Count);
        for (int k = 0; k < got.Count; k++)
        {
            var (e, a) = (expected.Queries[k].Result, got[k].Result);
            Assert.True(e.OutputRaw.SequenceEqual(a.OutputRaw) && (e.Candidates, e.Kept, e.Fallback) == (a.Candidates, a.Kept, a.Fallback),
                $"{what}: query {k}: model [{string.Join(", ", e.OutputRaw)}] C {e.Candidates} K {e.Kept}, verilator [{string.Join(", ", a.OutputRaw)}] C {a.Candidates} K {a.Kept}");
        }
    }
}

/// <summary>The on-chip sorter's configuration on the standard cells: the dual-port memories are macros of their own liberty cell, and every path fits the budget.</summary>
public class SorterAsicTests
{
    [Fact]
    public void SorterLogicIsAtMostAQuarterOfTheRest()
    {
        // a3-small with keySort = "on-chip", Yosys generic with the SRAMs as macros: the sorter's cells and
        // transistors against every other instance's (measured: 4.7% of the cells).
        var design = new Design(TestSupport.Shipped("a3-small") with { KeySort = KeySort.OnChip });
        var dir = TestSupport.TempDir("synth-sorter");
        var report = new Synthesis.YosysSynthesis(design, Emission.SynthTarget.Generic, Emission.MemoryMapping.Macro).Run(dir);
        var sorter = report.Instances.Single(i => i.Instance == "u_sorter").Total;
        Assert.Equal(design.Dimension, report.Instances.Count(i => i.Module == "sram_dp" && i.Total.Macros == 1));
        long restCells = report.Total.Cells - sorter.Cells, restTransistors = report.Total.Transistors - sorter.Transistors;
        Assert.True(sorter.Cells > 0 && sorter.Cells * 4 <= restCells, $"sorter {sorter.Cells} cells, the rest {restCells}");
        Assert.True(sorter.Transistors * 4 <= restTransistors, $"sorter {sorter.Transistors} transistors, the rest {restTransistors}");
        Directory.Delete(dir, true);
    }

    [Fact]
    public void DualPortMacrosAreLinkedAndTheSorterMeetsTheFo4Budget()
    {
        Tools.ExternalTool.Require("yosys", "run scripts/test.sh, which installs Yosys");
        Tools.ExternalTool.Require("sta", "run scripts/test.sh, which installs OpenSTA (opensta)");
        var design = EdgeConfigs.Design("edge-sort");
        var shapes = Synthesis.SramLiberty.Shapes(design);
        Assert.Contains(shapes, s => s.DualPort && s.CellName(design.Prefix) == "edge_sort_sram_dp_40x14");
        var liberty = Synthesis.SramLiberty.Liberty(design);
        Assert.Contains("cell (edge_sort_sram_dp_40x14)", liberty, StringComparison.Ordinal);
        Assert.Contains("pin (b_addr_i_5)", liberty, StringComparison.Ordinal);
        Assert.Contains("pin (a_rdata_o_9)", liberty, StringComparison.Ordinal);
        Assert.Contains("module edge_sort_sram_dp #(", Synthesis.SramLiberty.Wrapper(design), StringComparison.Ordinal);

        var dir = Path.Combine(TestSupport.TempDir("asic-edge-sort"), "out");
        var t = new Synthesis.AsicFlow(design).Run(dir);
        Assert.Equal(design.Memories.Count, shapes.Sum(s => t.CellsByType.GetValueOrDefault(s.CellName(design.Prefix))));
        Assert.Equal(design.Dimension, t.CellsByType.GetValueOrDefault("edge_sort_sram_dp_40x14"));
        Assert.Equal(design.Memories.Sum(m => m.Bits) * Synthesis.SramLiberty.AreaPerBitUm2, t.MacroAreaUm2);
        var sorter = t.Stages.Single(s => s.Stage == "other (u_sorter)");
        Assert.True(sorter.WorstRegisterToRegister is { } p && p.CycleFo4 <= AsicTimingTests.Fo4Budget,
            $"the sorter's worst path: {sorter.WorstRegisterToRegister}");
        Directory.Delete(Path.GetDirectoryName(dir)!, true);
    }
}
