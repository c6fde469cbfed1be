using System.Collections.Concurrent;
using A3Gen.Elaboration;
using A3Gen.Emission;
using A3Gen.Synthesis;
using A3Gen.Tools;

namespace A3Gen.Tests;

/// <summary>
/// One <see cref="YosysSynthesis"/> run per configuration, target and memory mapping for the whole test run, shared
/// by every test that reads it: the lint gate of a3-small and the gate-level simulation read one synthesis, the report
/// test and the gate-level simulation with macros another. The first caller runs Yosys, a concurrent one waits for
/// it; a failure is rethrown to each. The folders are removed when the test process exits.
/// </summary>
public static class SharedSynthesis
{
    private static readonly ConcurrentDictionary<(string Config, SynthTarget Target, MemoryMapping Memories), Lazy<(SynthReport Report, string Dir)>> Runs = new();
    private static readonly ConcurrentQueue<string> Roots = new();

    static SharedSynthesis() => AppDomain.CurrentDomain.ProcessExit += (_, _) =>
    {
        foreach (var root in Roots)
        {
            try
            {
                Directory.Delete(root, true);
            }
            catch (IOException)
            {
            }
        }
    };

    /// <summary>The report and the output folder (report.json, netlist.v, yosys.log, ...): read them, never change or delete them.</summary>
    public static (SynthReport Report, string Dir) Get(Design design, SynthTarget target, MemoryMapping memories) =>
        Runs.GetOrAdd((design.Config.ToCanonicalJson(), target, memories), _ => new(() => Run(design, target, memories))).Value;

    private static (SynthReport Report, string Dir) Run(Design design, SynthTarget target, MemoryMapping memories)
    {
        ExternalTool.Require("yosys", "run scripts/test.sh, which installs Yosys");
        var root = TestSupport.TempDir($"synth-{design.Config.Name}-{FlowFiles.TargetName(target)}-{memories.ToString().ToLowerInvariant()}");
        Roots.Enqueue(root);
        var dir = Path.Combine(root, "out");
        return (new YosysSynthesis(design, target, memories).Run(dir), dir);
    }
}
