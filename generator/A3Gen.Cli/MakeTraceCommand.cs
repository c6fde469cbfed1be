using System.CommandLine;
using A3Gen.Traces;

namespace A3Gen.Cli;

/// <summary><c>a3gen make-trace</c>: writes a seeded synthetic trace (Gaussian or planted) as an .npz file.</summary>
public static class MakeTraceCommand
{
    public static Command Build(TextWriter stdout, TextWriter stderr)
    {
        var familyOption = new Option<string>("--family") { Description = "gaussian (q, K, V all N(0, sigma^2)) or planted (each query aimed at a few dominant rows)", Required = true };
        familyOption.AcceptOnlyFromAmong("gaussian", "planted");
        var outOption = new Option<string>("--out") { Description = "trace file to write (.npz)", Required = true };
        var seedOption = new Option<ulong>("--seed") { Description = "random seed: the same seed gives the same trace", DefaultValueFactory = _ => 1 };
        var instancesOption = new Option<int>("--instances") { Description = "attention instances (heads)", DefaultValueFactory = _ => 8 };
        var queriesOption = new Option<int>("--queries") { Description = "queries per instance (m)", DefaultValueFactory = _ => 16 };
        var rowsOption = new Option<int>("--rows") { Description = "key and value rows per instance (n)", DefaultValueFactory = _ => 320 };
        var dimensionOption = new Option<int>("--dimension") { Description = "elements per row (d)", DefaultValueFactory = _ => 64 };
        var sigmaOption = new Option<double>("--sigma") { Description = "standard deviation of the Gaussian elements", DefaultValueFactory = _ => 1.0 };
        var dominantOption = new Option<int>("--dominant") { Description = "planted: rows each query is aimed at", DefaultValueFactory = _ => 3 };
        var gapOption = new Option<double>("--gap") { Description = "planted: mean score of the dominant rows (the others spread about 0)", DefaultValueFactory = _ => 8.0 };
        var precisionOption = new Option<string>("--precision") { Description = "float32 or float64 arrays", DefaultValueFactory = _ => "float64" };
        precisionOption.AcceptOnlyFromAmong("float32", "float64");
        var command = new Command("make-trace", "Write a seeded synthetic attention trace (.npz): plain Gaussian, or planted with a few dominant rows per query.")
        {
            familyOption, outOption, seedOption, instancesOption, queriesOption, rowsOption, dimensionOption, sigmaOption, dominantOption, gapOption, precisionOption,
        };
        command.SetAction(parse => Cli.Guard(stderr, () =>
        {
            int instances = parse.GetValue(instancesOption), queries = parse.GetValue(queriesOption);
            int rows = parse.GetValue(rowsOption), dimension = parse.GetValue(dimensionOption);
            foreach (var (name, value) in new[] { ("--instances", instances), ("--queries", queries), ("--rows", rows), ("--dimension", dimension) })
            {
                if (value < 1)
                {
                    throw new UserException($"{name} = {value}; give at least 1");
                }
            }
            int dominant = parse.GetValue(dominantOption);
            if (dominant < 1 || dominant > rows)
            {
                throw new UserException($"--dominant = {dominant} is out of range 1..{rows} (--rows)");
            }
            double sigma = parse.GetValue(sigmaOption);
            if (!(sigma > 0) || double.IsInfinity(sigma))
            {
                throw new UserException($"--sigma = {sigma}; give a positive number");
            }
            double gap = parse.GetValue(gapOption);
            if (!double.IsFinite(gap))
            {
                throw new UserException($"--gap = {gap}; give a finite number");
            }
            var outPath = parse.GetValue(outOption)!;
            if (!outPath.EndsWith(".npz", StringComparison.OrdinalIgnoreCase))
            {
                throw new UserException($"--out '{outPath}' must name an .npz file");
            }
            ulong seed = parse.GetValue(seedOption);
            var trace = parse.GetValue(familyOption) == "gaussian"
                ? SyntheticTraces.Gaussian(seed, instances, queries, rows, dimension, sigma)
                : SyntheticTraces.Planted(seed, instances, queries, rows, dimension, dominant, gap, out _, sigma);
            var precision = parse.GetValue(precisionOption) == "float32" ? TracePrecision.Float32 : TracePrecision.Float64;
            TraceWriter.WriteNpz(trace, outPath, precision);
            stdout.WriteLine($"{trace.Source} -> {outPath} ({new FileInfo(outPath).Length:N0} bytes)");
            return 0;
        }));
        return command;
    }
}
