using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Numerics;
using System.Security.Cryptography;
using System.Text;
using A3Gen.Elaboration;
using A3Gen.Emission;
using A3Gen.Tools;
using A3Gen.Model;

namespace A3Gen.Simulation;

/// <summary>
/// Runs the generated RTL under Icarus Verilog with the generated self-checking testbench
/// (<c>templates/sim/icarus_tb.v.scriban</c>). The stimulus and, when given, the expected results
/// (computed by the caller, e.g. with the golden model) go to the testbench as $readmemh files;
/// the testbench drives the protocol of <see cref="Stimulus"/>, checks every result and reports
/// each one with its cycles. The compiled testbench is cached in-process per source hash, so one
/// compile serves every stimulus of a configuration.
/// </summary>
public sealed class IcarusSimulator(Design design, TemplateRenderer? renderer = null) : ISimulator
{
    private static readonly ConcurrentDictionary<string, Lazy<string>> Builds = new(StringComparer.Ordinal);
    private const string CachePrefix = "a3gen-icarus-";
    private static readonly string CacheRoot = Path.Combine(Path.GetTempPath(), $"{CachePrefix}{Environment.ProcessId}");

    static IcarusSimulator()
    {
        AppDomain.CurrentDomain.ProcessExit += (_, _) => TryDelete(CacheRoot);
        RemoveStaleCaches();
    }

    private readonly TemplateRenderer templates = renderer ?? TemplateRenderer.Default();

    public string Name => "icarus";

    /// <summary>Cycles after the loads at which the testbench gives up; null: derived from the stimulus.</summary>
    public int? MaxCycles { get; init; }

    /// <summary>Where iverilog and vvp are looked up (directories, path-separated); null: the PATH variable.</summary>
    public string? ToolSearchPath { get; init; }

    /// <summary>
    /// Verilog files to simulate instead of the generated RTL, e.g. a synthesized netlist with Yosys's
    /// simulation cell library (gate-level simulation). null: the generated RTL.
    /// </summary>
    public IReadOnlyList<string>? DesignFiles { get; init; }

    /// <summary>
    /// Further top-level modules of <see cref="DesignFiles"/> elaborated beside the testbench (each one
    /// more <c>-s</c>), e.g. a module that dumps a scope of the design to a VCD file. Empty: the testbench alone.
    /// </summary>
    public IReadOnlyList<string> ExtraRoots { get; init; } = [];

    /// <summary>Wall-clock time of the last run's vvp process (not the compile).</summary>
    public TimeSpan LastRunTime { get; private set; }

    /// <summary>Simulated cycles of the last run, counted from cycle 0 (after the loads) to the last result taken.</summary>
    public int LastRunCycles { get; private set; }

    public SimulationRun Run(Stimulus stimulus) => Run(stimulus, null);

    /// <summary>
    /// Runs the stimulus; with <paramref name="expected"/> (one result per query) the testbench checks
    /// every result and a mismatch throws a <see cref="UserException"/> naming the query and element.
    /// </summary>
    public SimulationRun Run(Stimulus stimulus, IReadOnlyList<QueryResult>? expected)
    {
        // Both tools up front, so a missing one is reported the same way whether or not a compiled
        // testbench is cached.
        foreach (var tool in new[] { "iverilog", "vvp" })
        {
            ExternalTool.Require(tool, InstallHint, ToolSearchPath);
        }
        Validate(stimulus, expected);
        // Both tools up front: a build cached by an earlier run must not hide a missing compiler.
        ExternalTool.Require("iverilog", "install Icarus Verilog 11 (apt-get install -y iverilog)", ToolSearchPath);
        int queryCapacity = Capacity(stimulus.Queries.Count, IcarusView.DefaultQueryCapacity);
        int patternCapacity = Capacity(Math.Max(stimulus.QueryOffer.Length, stimulus.ResultReady.Length), IcarusView.DefaultPatternCapacity);
        string vvpFile = Build(queryCapacity, patternCapacity);

        var runDir = Path.Combine(Path.GetTempPath(), $"{CachePrefix}run-{Guid.NewGuid():N}");
        Directory.CreateDirectory(runDir);
        try
        {
            WriteStimulus(runDir, stimulus, expected);
            bool onChip = design.OnChipSort && stimulus.Keys.Length > 0;
            int maxCycles = MaxCycles ?? DefaultMaxCycles(stimulus);
            var args = new List<string>
            {
                "-n", vvpFile,
                $"+keys={stimulus.Keys.Length}", $"+values={stimulus.Values.Length}", $"+sorted={(onChip ? 0 : stimulus.Keys.Length)}", $"+sort={(onChip ? 1 : 0)}",
                $"+queries={stimulus.Queries.Count}",
                $"+offer_len={stimulus.QueryOffer.Length}", $"+ready_len={stimulus.ResultReady.Length}",
                $"+check={(expected is null ? 0 : 1)}", $"+max_cycles={maxCycles}",
            };
            var clock = Stopwatch.StartNew();
            var (exit, output) = Tool("vvp", args, runDir);
            LastRunTime = clock.Elapsed;
            var lines = output.Split('\n', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
            var mismatches = lines.Where(l => l.StartsWith("MISMATCH ", StringComparison.Ordinal)).ToArray();
            if (mismatches.Length > 0)
            {
                int queries = mismatches.Select(l => l.Split(' ')[2]).Distinct().Count();
                throw new UserException($"icarus self-check failed for {design.Config.Name}: {mismatches[0]["MISMATCH ".Length..]}" +
                    $" ({mismatches.Length} mismatches in {queries} of {stimulus.Queries.Count} queries)");
            }
            var timeout = lines.FirstOrDefault(l => l.StartsWith("TIMEOUT ", StringComparison.Ordinal));
            if (timeout is not null)
            {
                throw new UserException($"icarus run of {design.Config.Name} hit the cycle limit: {timeout["TIMEOUT ".Length..]}");
            }
            var summary = lines.FirstOrDefault(l => l.StartsWith("SUMMARY ", StringComparison.Ordinal));
            if (exit != 0 || summary is null)
            {
                throw new UserException($"icarus run of {design.Config.Name} failed (vvp exit status {exit}): {Tail(output)}");
            }
            var run = ParseResults(Path.Combine(runDir, "results.txt"), stimulus.Queries.Count);
            if (onChip)
            {
                run = run with { Sort = ParseSort(Path.Combine(runDir, "sort.txt")) };
            }
            LastRunCycles = int.Parse(summary.Split(' ')[^3].TrimEnd(','), CultureInfo.InvariantCulture);
            return run;
        }
        finally
        {
            TryDelete(runDir);
        }
    }

    /// <summary>The testbench's text for this design (default capacities).</summary>
    public string RenderTestbench() => templates.Render("sim/icarus_tb.v.scriban", new IcarusView(design));

    /// <summary>Compiles RTL and testbench once per source hash and capacity; returns the .vvp path.</summary>
    private string Build(int queryCapacity, int patternCapacity)
    {
        var files = DesignFiles is null
            ? Emitter.RtlFiles(new Emitter(templates).Render(design)).ToList()
            : DesignFiles.Select(f => new GeneratedFile(Path.GetFileName(f), File.ReadAllText(f))).ToList();
        files.Add(new GeneratedFile($"{design.Prefix}_tb.v", RenderTestbench()));
        var hash = new StringBuilder();
        foreach (var file in files)
        {
            hash.Append(file.Name).Append(' ').Append(file.Sha256).Append('\n');
        }
        hash.Append(CultureInfo.InvariantCulture, $"{queryCapacity} {patternCapacity} {string.Join(' ', ExtraRoots)}\n");
        string key = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(hash.ToString())))[..16];
        var lazy = Builds.GetOrAdd(key, k => new Lazy<string>(() => Compile(k, files, queryCapacity, patternCapacity)));
        try
        {
            return lazy.Value;
        }
        catch
        {
            Builds.TryRemove(key, out _);
            throw;
        }
    }

    private string Compile(string key, IReadOnlyList<GeneratedFile> files, int queryCapacity, int patternCapacity)
    {
        var dir = Path.Combine(CacheRoot, key);
        TryDelete(dir);
        Directory.CreateDirectory(dir);
        foreach (var file in files)
        {
            File.WriteAllText(Path.Combine(dir, file.Name), file.Text);
        }
        var tb = $"{design.Prefix}_tb";
        var vvp = Path.Combine(dir, tb + ".vvp");
        var args = new List<string>
        {
            "-g2012", "-Wall", "-s", tb,
            $"-P{tb}.QueryCapacity={queryCapacity}", $"-P{tb}.PatternCapacity={patternCapacity}",
            "-o", vvp,
        };
        foreach (var root in ExtraRoots)
        {
            args.Insert(2, root);
            args.Insert(2, "-s");
        }
        if (DesignFiles is not null)
        {
            // Yosys netlists and its cell library carry no `timescale: they take the default, which the
            // testbench's 1ns/1ps does not change (all timing is in whole clock edges). Every other warning stays an error.
            args.Insert(2, "-Wno-timescale");
        }
        args.AddRange(files.Select(f => f.Name));
        var (exit, output) = Tool("iverilog", args, dir);
        if (exit != 0 || !File.Exists(vvp))
        {
            throw new UserException($"iverilog failed to compile {design.Config.Name} (exit status {exit}): {Tail(output)}");
        }
        if (output.Contains("warning", StringComparison.OrdinalIgnoreCase))
        {
            throw new UserException($"iverilog warns on {design.Config.Name} (warnings are errors): {Tail(output)}");
        }
        return vvp;
    }

    private void Validate(Stimulus stimulus, IReadOnlyList<QueryResult>? expected)
    {
        if (stimulus.Keys.Length > design.MaxRows || stimulus.Values.Length > design.MaxRows)
        {
            throw new UserException($"stimulus has {stimulus.Keys.Length} key rows and {stimulus.Values.Length} value rows; the design holds at most N = {design.MaxRows}");
        }
        if (expected is not null && expected.Count != stimulus.Queries.Count)
        {
            throw new ArgumentException($"{expected.Count} expected results for {stimulus.Queries.Count} queries", nameof(expected));
        }
        foreach (var (q, k) in stimulus.Queries.Select((q, k) => (q, k)))
        {
            if (q.Rows < 1 || q.Rows > design.MaxRows)
            {
                throw new UserException($"query {k}: rows n = {q.Rows} must be 1..{design.MaxRows}");
            }
            q.Settings.Validate(design);
        }
    }

    /// <summary>A generous bound: every query's unloaded latency, many times over, for stalls from the patterns.</summary>
    private int DefaultMaxCycles(Stimulus stimulus)
    {
        // An approximate query at its worst: M iterations, a scan that finds every row, all rows kept.
        long sum = stimulus.Queries.Sum(q => (long)(q.Settings.Approximate
            ? design.Latency(new StageWork(true, q.Rows, q.Settings.Iterations, design.ScanCycles(q.Rows, Enumerable.Range(0, q.Rows).ToArray()), q.Rows, q.Rows))
            : design.Latency(q.Rows)));
        return (int)Math.Min(int.MaxValue / 2, 10_000 + (100 * sum));
    }

    private static int Capacity(int needed, int defaultCapacity)
    {
        int capacity = defaultCapacity;
        while (capacity < needed)
        {
            capacity *= 2;
        }
        return capacity;
    }

    // ---- files ----
    private void WriteStimulus(string dir, Stimulus stimulus, IReadOnlyList<QueryResult>? expected)
    {
        int wn = design.RowCountWidth;
        WriteLines(dir, "keys.hex", stimulus.Keys.Select(r => Pack(r, design.RowLayout, "key row")));
        WriteLines(dir, "values.hex", stimulus.Values.Select(r => Pack(r, design.RowLayout, "value row")));
        WriteLines(dir, "query_data.hex", stimulus.Queries.Select(q => Pack(q.Query, design.RowLayout, "query")));
        WriteLines(dir, "query_rows.hex", stimulus.Queries.Select(q => Hex(q.Rows, wn)));
        WriteLines(dir, "query_approx.hex", stimulus.Queries.Select(q => q.Settings.Approximate ? "1" : "0"));
        // An exact query ignores M and t: zeros.
        WriteLines(dir, "query_iters.hex", stimulus.Queries.Select(q => Hex(q.Settings.Approximate ? q.Settings.Iterations : 0, design.IterationCount.Width)));
        WriteLines(dir, "query_threshold.hex", stimulus.Queries.Select(q => Hex(q.Settings.Approximate ? q.Settings.ThresholdRaw : 0, design.Threshold.Width)));
        var sorted = stimulus.Sorted(design);
        WriteLines(dir, "sorted_data.hex", sorted.Select(e => Pack(e.Select(x => x.Value).ToArray(), design.RowLayout, "sorted-key entry")));
        WriteLines(dir, "sorted_ids.hex", sorted.Select(e => Pack(e.Select(x => (long)x.RowId).ToArray(), design.RowIdsLayout, "sorted-key rowIds")));
        WriteLines(dir, "offer.hex", stimulus.QueryOffer.Select(b => b ? "1" : "0"));
        WriteLines(dir, "ready.hex", stimulus.ResultReady.Select(b => b ? "1" : "0"));
        if (expected is not null)
        {
            WriteLines(dir, "expect_data.hex", expected.Select(r => Pack(r.OutputRaw, design.ResultDataLayout, "expected output")));
            WriteLines(dir, "expect_candidates.hex", expected.Select(r => Hex(r.Candidates, wn)));
            WriteLines(dir, "expect_kept.hex", expected.Select(r => Hex(r.Kept, wn)));
            WriteLines(dir, "expect_fallback.hex", expected.Select(r => r.Fallback ? "1" : "0"));
        }
    }

    private static void WriteLines(string dir, string name, IEnumerable<string> lines)
    {
        var text = new StringBuilder();
        foreach (var line in lines)
        {
            text.Append(line).Append('\n');
        }
        File.WriteAllText(Path.Combine(dir, name), text.ToString());
    }

    /// <summary>Packs elements, element j at bits [j*width +: width], two's complement, as hex digits.</summary>
    private static string Pack(long[] elements, BusLayout bus, string what)
    {
        if (elements.Length != bus.Fields.Count)
        {
            throw new ArgumentException($"{what}: {elements.Length} elements, need d = {bus.Fields.Count}");
        }
        var packed = BigInteger.Zero;
        for (int j = 0; j < elements.Length; j++)
        {
            var field = bus.Fields[j];
            packed |= (new BigInteger(elements[j]) & ((BigInteger.One << field.Width) - 1)) << field.Lsb;
        }
        return Hex(packed, bus.Width);
    }

    private static string Hex(BigInteger value, int width)
    {
        var digits = value.ToString("x", CultureInfo.InvariantCulture).TrimStart('0');
        return digits.PadLeft((width + 3) / 4, '0');
    }

    /// <summary>Unpacks a hex vector into signed elements of the given width.</summary>
    private static long[] Unpack(string hex, int width, int count)
    {
        if (hex.Any(c => !Uri.IsHexDigit(c)))
        {
            throw new UserException($"icarus result vector has unknown bits (X or Z): {hex}");
        }
        var packed = BigInteger.Parse("0" + hex, NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture);
        var mask = (BigInteger.One << width) - 1;
        var half = BigInteger.One << (width - 1);
        var elements = new long[count];
        for (int j = 0; j < count; j++)
        {
            var e = (packed >> (j * width)) & mask;
            elements[j] = (long)(e >= half ? e - (BigInteger.One << width) : e);
        }
        return elements;
    }

    private SortTiming ParseSort(string path)
    {
        var f = File.Exists(path) ? File.ReadAllText(path).Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries) : [];
        return f.Length == 3 && f.All(x => long.TryParse(x, NumberStyles.Integer, CultureInfo.InvariantCulture, out _))
            ? new SortTiming(long.Parse(f[0], CultureInfo.InvariantCulture), long.Parse(f[1], CultureInfo.InvariantCulture), long.Parse(f[2], CultureInfo.InvariantCulture))
            : throw new UserException($"icarus run of {design.Config.Name} wrote no readable sort.txt");
    }

    private SimulationRun ParseResults(string path, int queries)
    {
        if (!File.Exists(path))
        {
            throw new UserException($"icarus run of {design.Config.Name} wrote no results file");
        }
        var results = new List<SimulatedQuery>();
        foreach (var line in File.ReadAllLines(path).Where(l => l.Length > 0))
        {
            var f = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            if (f.Length != 8 || !f[..7].All(x => int.TryParse(x, NumberStyles.Integer, CultureInfo.InvariantCulture, out _)))
            {
                throw new UserException($"icarus results of {design.Config.Name}: cannot read line '{line}' (X or Z in the statistics?)");
            }
            int[] n = f[..7].Select(x => int.Parse(x, CultureInfo.InvariantCulture)).ToArray();
            if (n[0] != results.Count)
            {
                throw new UserException($"icarus results of {design.Config.Name}: line for query {n[0]} where query {results.Count} was due");
            }
            var result = new QueryResult(Unpack(f[7], design.Output.Width, design.Dimension), n[4], n[5], n[6] != 0);
            results.Add(new SimulatedQuery(result, new QueryTiming(n[1], n[2], n[3])));
        }
        if (results.Count != queries)
        {
            throw new UserException($"icarus run of {design.Config.Name} reported {results.Count} of {queries} results");
        }
        return new SimulationRun(Name, results);
    }

    // ---- tools ----
    private (int Exit, string Output) Tool(string tool, IEnumerable<string> args, string workDir) =>
        ExternalTool.Run(ExternalTool.Require(tool, InstallHint, ToolSearchPath), args, workDir);

    private const string InstallHint = "install Icarus Verilog 11 (apt-get install -y iverilog)";

    private static string Tail(string output)
    {
        var lines = output.Split('\n', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
        return lines.Length == 0 ? "(no output)" : string.Join(" | ", lines.TakeLast(3));
    }

    /// <summary>
    /// Removes the build caches of processes that ended without their exit handler (a test host is
    /// often killed rather than shut down): folders a3gen-icarus-&lt;pid&gt; whose process is gone.
    /// </summary>
    private static void RemoveStaleCaches()
    {
        try
        {
            foreach (var dir in Directory.EnumerateDirectories(Path.GetTempPath(), CachePrefix + "*"))
            {
                var suffix = Path.GetFileName(dir)[CachePrefix.Length..];
                if (int.TryParse(suffix, NumberStyles.None, CultureInfo.InvariantCulture, out int pid) && pid != Environment.ProcessId && !IsRunning(pid))
                {
                    TryDelete(dir);
                }
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // Only housekeeping: a cache we cannot list or remove does no harm.
        }
    }

    private static bool IsRunning(int pid)
    {
        try
        {
            using var process = Process.GetProcessById(pid);
            return !process.HasExited;
        }
        catch (ArgumentException)
        {
            return false;
        }
        catch (InvalidOperationException)
        {
            return false;
        }
    }

    private static void TryDelete(string dir)
    {
        try
        {
            if (Directory.Exists(dir))
            {
                Directory.Delete(dir, true);
            }
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }
    }
}
