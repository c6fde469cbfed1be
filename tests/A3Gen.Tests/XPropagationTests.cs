using System.Globalization;
using System.Numerics;
using System.Text;
using A3Gen.Configuration;
using A3Gen.Elaboration;
using A3Gen.Emission;
using A3Gen.Model;
using A3Gen.Simulation;

namespace A3Gen.Tests;

/// <summary>
/// No X escapes: from the first cycle after reset, through loads and exact and approximate queries with
/// back-pressure, every output is known in every cycle: valid and ready, and the result's payload (output
/// vector, C, K, fallback), which the top shows only while result_valid_o offers it (the result queue's
/// storage is not reset). Icarus (four-state) checks each output with
/// <c>(^sig) === 1'bx</c> every cycle (Icarus 11's $isunknown is wrong on concatenations). Verilator is
/// two-state: built with <c>--x-assign unique --x-initial unique</c> and run with random reset values under
/// several seeds (<c>+verilator+rand+reset+2 +verilator+seed+N</c>), every output of every cycle must be the
/// same bit for bit whatever the seed: an uninitialized register that reached an output would differ.
/// The same hand-written testbench drives both (<c>verilator --binary --timing</c>).
/// </summary>
public class XPropagationTests
{
    public static TheoryData<string> Configs => new(["a3-small", "edge-tiny", "edge-odd", "x-random", "edge-sort", "onepass-small", "edge-onepass-odd", "lanes-small", "edge-lanes-odd"]);

    private static Design DesignFor(string name) => name switch
    {
        // A random small configuration with the other fields away from their defaults.
        "x-random" => new Design(new A3Config
        {
            Name = "x-random",
            MaxRows = 11,
            Dimension = 3,
            IntegerBits = 2,
            FractionBits = 5,
            ExpFractionBits = 6,
            WeightFractionBits = 7,
            OutputFractionBits = 4,
            ExpTableGuardBits = 1,
            AdderLevelsPerStage = 1,
            DividerLatency = 3,
            Reset = ResetStyle.SyncHigh,
            QueryQueueDepth = 3,
            ResultQueueDepth = 1,
            MaxIterations = 40,
            ProductQueueDepth = 5,
            ScanWidth = 4,
        }),
        _ => Lint.DesignFor(name),
    };

    [Theory]
    [MemberData(nameof(Configs))]
    public void IcarusSeesNoXOrZOnAnyOutput(string name)
    {
        var design = DesignFor(name);
        var dir = Prepare(design, out var files);
        var (code, output) = TestSupport.RunTool("iverilog", ["-g2012", "-Wall", "-o", "xcheck.vvp", "-s", "xcheck_tb", "xcheck_tb.v", .. files], dir);
        Assert.True(code == 0 && output.Trim().Length == 0, $"iverilog:\n{output}");
        (code, output) = TestSupport.RunTool("vvp", ["-n", "xcheck.vvp"], dir, timeoutSeconds: 600);
        Assert.True(code == 0 && output.Contains("XCHECK DONE", StringComparison.Ordinal) && !output.Contains("XCHECK X", StringComparison.Ordinal),
            $"{name} under Icarus:\n{string.Join('\n', output.Split('\n').Where(l => !l.StartsWith("C ", StringComparison.Ordinal)).Take(20))}");
        Directory.Delete(dir, true);
    }

    [Theory]
    [MemberData(nameof(Configs))]
    public void VerilatorOutputsDoNotDependOnTheInitialRandomValues(string name)
    {
        var design = DesignFor(name);
        var dir = Prepare(design, out var files);
        BuildBinary(dir, files);
        string[]? first = null;
        foreach (int seed in new[] { 1, 2, 3 })
        {
            var (code, output) = Tools.ExternalTool.Run(Path.Combine(dir, "obj", "xcheck"), ["+verilator+rand+reset+2", $"+verilator+seed+{seed}"], dir, TimeSpan.FromSeconds(600));
            Assert.True(code == 0 && output.Contains("XCHECK DONE", StringComparison.Ordinal), $"{name} seed {seed}:\n{output[^Math.Min(output.Length, 2000)..]}");
            var trace = output.Split('\n').Where(l => l.StartsWith("C ", StringComparison.Ordinal)).ToArray();
            Assert.True(trace.Length > 10, $"{name}: only {trace.Length} cycles traced");
            if (first is null)
            {
                first = trace;
                continue;
            }
            int differs = Enumerable.Range(0, Math.Min(first.Length, trace.Length)).FirstOrDefault(k => first[k] != trace[k], -1);
            Assert.True(differs < 0 && first.Length == trace.Length,
                differs < 0 ? $"{name}: seed {seed} ran {trace.Length} cycles, seed 1 {first.Length}" : $"{name}: seed {seed} differs from seed 1:\n{first[differs]}\n{trace[differs]}");
        }
        Directory.Delete(dir, true);
    }

    private static readonly object RuntimeLock = new();

    /// <summary>The runtime objects of this test run's <c>--binary</c> builds (<see cref="VerilatorBuild.SaveRuntime"/>).</summary>
    private static readonly Lazy<string> RuntimeDir = new(() => Path.Combine(TestSupport.TempDir("xcheck-runtime"), "runtime"));

    /// <summary>
    /// <c>verilator --binary</c> as two steps, Verilator then its makefile at -O0 (the runs are short), so that the
    /// Verilator runtime's objects (verilated*.o, about half the compile), the same for every configuration, are compiled
    /// by the first build of the test run and copied into the later ones after Verilator wrote their makefiles, as
    /// <see cref="VerilatorBuild"/> does for the co-simulation libraries.
    /// </summary>
    private static void BuildBinary(string dir, string[] files)
    {
        var (code, output) = TestSupport.RunTool("verilator",
            ["--cc", "--exe", "--main", "--timing", "--x-assign", "unique", "--x-initial", "unique", "-Wno-fatal", "-Wno-lint", "-Wno-style",
             "--top-module", "xcheck_tb", "-Mdir", "obj", "-o", "xcheck", "xcheck_tb.v", .. files], dir);
        Assert.True(code == 0, $"verilator --binary:\n{output}");
        var obj = Path.Combine(dir, "obj");
        lock (RuntimeLock)
        {
            bool reused = VerilatorBuild.CopyRuntime(RuntimeDir.Value, obj);
            (code, output) = TestSupport.RunTool("make", ["-C", "obj", "-f", "Vxcheck_tb.mk", "-j", "2", "OPT_FAST=-O0", "OPT_SLOW=-O0", "OPT_GLOBAL=-O0"], dir);
            Assert.True(code == 0, $"make of the verilated testbench:\n{output}");
            if (!reused)
            {
                VerilatorBuild.SaveRuntime(obj, RuntimeDir.Value);
            }
        }
    }

    /// <summary>Writes the RTL and the testbench into a fresh folder; returns it and the RTL files in order.</summary>
    private static string Prepare(Design design, out string[] files)
    {
        var dir = TestSupport.TempDir("xcheck-" + design.Config.Name);
        Emitter.Write(new Emitter(TemplateRenderer.Default()).Render(design), dir);
        files = File.ReadAllLines(Path.Combine(dir, "filelist.f"));
        File.WriteAllText(Path.Combine(dir, "xcheck_tb.v"), Testbench(design, Stimulus(design)));
        return dir;
    }

    /// <summary>Random data, then exact and approximate queries (random n, M, T), result back-pressure.</summary>
    private static Stimulus Stimulus(Design design)
    {
        var rng = new Random(design.MaxRows * 31 + design.Dimension);
        var s = TestSupport.RandomStimulus(design, rng.Next(), design.MaxRows, 8, small: true);
        return s with
        {
            Queries = s.Queries.Select((q, k) => q with
            {
                Rows = rng.Next(1, design.MaxRows + 1),
                Settings = k % 3 == 0 ? QuerySettings.Exact
                    : QuerySettings.ApproximateFor(design, rng.Next(0, design.MaxIterations + 1), new[] { 1, 5, 10, 100 }[rng.Next(4)]),
            }).ToArray(),
        };
    }

    private static string Hex(int width, BigInteger value) => $"{width}'h{value.ToString("x", CultureInfo.InvariantCulture).TrimStart('0').PadLeft(1, '0')}";

    private static BigInteger Pack(IEnumerable<long> elements, int width)
    {
        BigInteger packed = 0;
        int shift = 0;
        foreach (var e in elements)
        {
            packed |= (new BigInteger(e) & ((BigInteger.One << width) - 1)) << shift;
            shift += width;
        }
        return packed;
    }

    private static string Testbench(Design design, Stimulus stimulus)
    {
        var ports = design.Ports.ToDictionary(p => p.Name);
        int Width(string port) => ports[port].Width;
        bool activeLow = design.ResetPort == "rst_ni";
        var sb = new StringBuilder();
        sb.AppendLine("`timescale 1ns / 1ps");
        sb.AppendLine("module xcheck_tb;");
        sb.AppendLine("  reg clk = 1'b0;");
        sb.AppendLine("  always #5 clk = ~clk;");
        foreach (var p in design.Ports)
        {
            string range = p.Width > 1 ? $"[{p.Width - 1}:0] " : "";
            if (p.Name == "clk_i")
            {
                continue;
            }
            sb.AppendLine(p.Direction == "input"
                ? $"  reg {range}{p.Name} = {(p.Name == design.ResetPort ? (activeLow ? "1'b0" : "1'b1") : $"{p.Width}'d0")};"
                : $"  wire {range}{p.Name};");
        }
        sb.AppendLine($"  {design.Prefix}_top dut (");
        sb.AppendLine(string.Join(",\n", design.Ports.Select(p => $"    .{p.Name}({(p.Name == "clk_i" ? "clk" : p.Name)})")));
        sb.AppendLine("  );");
        var outputs = design.Ports.Where(p => p.Direction == "output").ToArray();
        sb.AppendLine("  integer cycle = 0;");
        sb.AppendLine("  integer taken = 0;");
        sb.AppendLine("  reg checking = 1'b0;");
        sb.AppendLine("  reg [9:0] lfsr = 10'h2f;");
        // Every falling edge after reset: no X or Z on any output (four-state), and a trace line of every output (two-state seeds).
        sb.AppendLine("  always @(negedge clk) begin");
        sb.AppendLine("    if (checking) begin");
        // Every output in every cycle, the result's payload too.
        foreach (var p in outputs)
        {
            sb.AppendLine($"      if ((^{p.Name}) === 1'bx) $display(\"XCHECK X on {p.Name} in cycle %0d\", cycle);");
        }
        sb.AppendLine($"      $display(\"C %0d {string.Join(' ', outputs.Select(_ => "%h"))}\", cycle, {string.Join(", ", outputs.Select(p => p.Name))});");
        // valid holds from this falling edge to the next rising one, which takes the result if ready is high.
        sb.AppendLine("      lfsr = {lfsr[8:0], lfsr[9] ^ lfsr[6]};");
        sb.AppendLine("      result_ready_i = lfsr[0] | lfsr[3];");
        sb.AppendLine("      if (result_valid_o && result_ready_i) taken = taken + 1;");
        sb.AppendLine("      cycle = cycle + 1;");
        sb.AppendLine("      if (cycle > 200000) begin $display(\"XCHECK TIMEOUT\"); $finish; end");
        sb.AppendLine("    end");
        sb.AppendLine("  end");
        // A beat is offered from a falling edge and held until a falling edge sees ready (the rising edge between takes it).
        sb.AppendLine("  task load_beat(input [1:0] target, input integer row, input [" + (Width("load_data_i") - 1) + ":0] data, input [" + (Width("load_ids_i") - 1) + ":0] ids);");
        sb.AppendLine("    begin");
        sb.AppendLine($"      load_valid_i = 1'b1; load_target_i = target; load_row_i = row[{Width("load_row_i") - 1}:0]; load_data_i = data; load_ids_i = ids;");
        sb.AppendLine("      #1;");
        sb.AppendLine("      while (load_ready_o !== 1'b1) begin @(negedge clk); #1; end");
        sb.AppendLine("      @(negedge clk);");
        sb.AppendLine("      load_valid_i = 1'b0;");
        sb.AppendLine("    end");
        sb.AppendLine("  endtask");
        sb.AppendLine("  task query_beat(input [" + (Width("query_data_i") - 1) + ":0] q, input integer rows, input approx, input integer iterations, input [" + (Width("query_threshold_i") - 1) + ":0] threshold);");
        sb.AppendLine("    begin");
        sb.AppendLine($"      query_valid_i = 1'b1; query_data_i = q; query_rows_i = rows[{Width("query_rows_i") - 1}:0]; query_approx_i = approx;");
        sb.AppendLine($"      query_iterations_i = iterations[{Width("query_iterations_i") - 1}:0]; query_threshold_i = threshold;");
        sb.AppendLine("      #1;");
        sb.AppendLine("      while (query_ready_o !== 1'b1) begin @(negedge clk); #1; end");
        sb.AppendLine("      @(negedge clk);");
        sb.AppendLine("      query_valid_i = 1'b0;");
        sb.AppendLine("    end");
        sb.AppendLine("  endtask");
        sb.AppendLine("  initial begin");
        sb.AppendLine("    repeat (3) @(negedge clk);");
        sb.AppendLine($"    {design.ResetPort} = {(activeLow ? "1'b1" : "1'b0")};");
        sb.AppendLine("    checking = 1'b1;");
        sb.AppendLine("    @(negedge clk);");
        int w = design.Input.Width, dataWidth = Width("load_data_i"), idsWidth = Width("load_ids_i");
        int idWidth = idsWidth / design.Dimension;
        for (int r = 0; r < stimulus.Keys.Length; r++)
        {
            sb.AppendLine($"    load_beat(2'd0, {r}, {Hex(dataWidth, Pack(stimulus.Keys[r], w))}, {idsWidth}'d0);");
        }
        if (design.OnChipSort)
        {
            // keySort = "on-chip": the sort beat; V loads while it sorts, the queries wait for it.
            sb.AppendLine($"    load_beat(2'd3, {stimulus.Keys.Length - 1}, {dataWidth}'d0, {idsWidth}'d0);");
        }
        for (int r = 0; r < stimulus.Values.Length; r++)
        {
            sb.AppendLine($"    load_beat(2'd1, {r}, {Hex(dataWidth, Pack(stimulus.Values[r], w))}, {idsWidth}'d0);");
        }
        var sorted = design.OnChipSort ? [] : stimulus.Sorted(design);
        for (int i = 0; i < sorted.Length; i++)
        {
            sb.AppendLine($"    load_beat(2'd2, {i}, {Hex(dataWidth, Pack(sorted[i].Select(e => e.Value), w))}, {Hex(idsWidth, Pack(sorted[i].Select(e => (long)e.RowId), idWidth))});");
        }
        foreach (var q in stimulus.Queries)
        {
            sb.AppendLine($"    query_beat({Hex(Width("query_data_i"), Pack(q.Query, w))}, {q.Rows}, 1'b{(q.Settings.Approximate ? 1 : 0)}, {q.Settings.Iterations}, {Hex(Width("query_threshold_i"), q.Settings.ThresholdRaw)});");
        }
        sb.AppendLine($"    while (taken < {stimulus.Queries.Count}) @(negedge clk);");
        sb.AppendLine("    repeat (20) @(negedge clk);");
        sb.AppendLine("    $display(\"XCHECK DONE after %0d cycles\", cycle);");
        sb.AppendLine("    $finish;");
        sb.AppendLine("  end");
        sb.AppendLine("endmodule");
        return sb.ToString();
    }
}
