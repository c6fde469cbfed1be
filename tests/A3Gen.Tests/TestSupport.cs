using A3Gen.Configuration;
using A3Gen.Elaboration;
using A3Gen.Simulation;
using A3Gen.Tools;

namespace A3Gen.Tests;

/// <summary>Paths, shipped configurations, external tools and seeded data for the tests.</summary>
public static class TestSupport
{
    public static string RepoRoot { get; } = FindRoot();

    public static string[] ShippedConfigNames { get; } = ["a3-small", "a3-mid", "a3-paper"];

    public static TheoryData<string> ShippedConfigTheory => new(ShippedConfigNames);

    /// <summary>The path of a shipped configuration file.</summary>
    public static string ConfigPath(string name) => Path.Combine(RepoRoot, "configs", name + ".json");

    /// <summary>Runs the command line in-process: exit code, standard output, standard error (line ends as \n).</summary>
    public static (int Code, string Out, string Err) RunCli(params string[] args)
    {
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        int code = Cli.Cli.Run(args, stdout, stderr);
        return (code, stdout.ToString(), stderr.ToString().Replace("\r\n", "\n"));
    }

    public static A3Config Shipped(string name) => A3Config.Load(Path.Combine(RepoRoot, "configs", name + ".json"));

    public static Design ShippedDesign(string name) => new(Shipped(name));

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "A3Gen.sln")))
            {
                return dir.FullName;
            }
        }
        throw new DirectoryNotFoundException("A3Gen.sln not found above the test assembly");
    }

    /// <summary>Runs a tool; a missing tool fails the test loudly (scripts/test.sh installs them).</summary>
    public static (int ExitCode, string Output) RunTool(string tool, IEnumerable<string> arguments, string workingDirectory, int timeoutSeconds = 1200) =>
        ExternalTool.Run(
            ExternalTool.Require(tool, "run scripts/test.sh, which installs Verilator, Icarus and Yosys"),
            arguments, workingDirectory, TimeSpan.FromSeconds(timeoutSeconds));

    public static string TempDir(string tag)
    {
        var dir = Path.Combine(Path.GetTempPath(), "a3gen-tests", $"{tag}-{Guid.NewGuid():N}");
        Directory.CreateDirectory(dir);
        return dir;
    }

    /// <summary>Uniform raw values over the whole input range.</summary>
    public static long[][] RandomMatrix(Random rng, Design design, int rows) =>
        Enumerable.Range(0, rows).Select(_ => RandomVector(rng, design)).ToArray();

    public static long[] RandomVector(Random rng, Design design) =>
        Enumerable.Range(0, design.Dimension).Select(_ => rng.NextInt64(design.Input.MinRaw, design.Input.MaxRaw + 1)).ToArray();

    /// <summary>Small raw values (|x| &lt;= 2^f, i.e. |x| &lt;= 1.0): scores in a range where softmax is not one-hot.</summary>
    public static long[] SmallVector(Random rng, Design design)
    {
        long one = 1L << design.Input.FractionBits;
        return Enumerable.Range(0, design.Dimension).Select(_ => rng.NextInt64(Math.Max(-one, design.Input.MinRaw), Math.Min(one, design.Input.MaxRaw) + 1)).ToArray();
    }

    public static Stimulus RandomStimulus(Design design, int seed, int rows, int queries, bool small = false)
    {
        var rng = new Random(seed);
        var keys = small
            ? Enumerable.Range(0, rows).Select(_ => SmallVector(rng, design)).ToArray()
            : RandomMatrix(rng, design, rows);
        var values = RandomMatrix(rng, design, rows);
        var beats = Enumerable.Range(0, queries)
            .Select(_ => new QueryBeat(small ? SmallVector(rng, design) : RandomVector(rng, design), rows))
            .ToArray();
        return new Stimulus(keys, values, beats);
    }
}
