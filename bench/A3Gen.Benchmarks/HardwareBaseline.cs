using A3Gen.Configuration;
using A3Gen.Elaboration;

namespace A3Gen.Benchmarks;

/// <summary>
/// The generated accelerator's figures for a benchmark size, from the same elaboration that
/// <c>a3gen info</c> prints and co-simulation validates: the exact path's cycles between
/// back-to-back results (<see cref="Design.Interval"/>) at the configuration's target clock.
/// </summary>
public sealed record HardwareBaseline(string ConfigName, int Rows, int Dimension, int CyclesPerQuery, int ClockMhz, string Source, int CandidateOverhead)
{
    public double NanosecondsPerQuery => CyclesPerQuery * 1000.0 / ClockMhz;
    public double QueriesPerSecond => ClockMhz * 1e6 / CyclesPerQuery;

    /// <summary>
    /// The approximate path's interval when the candidate stage sets the pace: its period,
    /// <see cref="Design.CandidateOverhead"/> + M (docs/approximation-design.md, "Timing"). That is the
    /// interval whenever the dot product's scan, C and K are below M, as `scripts/a3gen bench` measures
    /// at the paper configuration's conservative and aggressive settings (160.6 and 44.6 cycles per
    /// query for M = 160 and 40 on random Gaussian data, measured when the overhead was 4; it is now
    /// 8 + ceil(log2 d) = 14 at d = 64).
    /// </summary>
    public int ApproximateCycles(int iterations) => CandidateOverhead + iterations;

    /// <summary>
    /// The configuration for a size: the shipped one where there is one (configs/a3-paper.json,
    /// a3-mid.json, a3-small.json), otherwise N = n, d with the paper's formats (i = f = 4), defaults
    /// for the rest (1 GHz).
    /// </summary>
    public static HardwareBaseline For(Shape shape)
    {
        string? file = (shape.Rows, shape.Dimension) switch
        {
            (320, 64) => "a3-paper.json",
            (100, 16) => "a3-mid.json",
            (16, 4) => "a3-small.json",
            _ => null,
        };
        A3Config config;
        string source;
        if (file is not null && FindConfigs() is { } folder)
        {
            config = A3Config.Load(Path.Combine(folder, file));
            source = "configs/" + file;
        }
        else
        {
            config = new A3Config
            {
                Name = $"a3-n{shape.Rows}-d{shape.Dimension}",
                MaxRows = shape.Rows,
                Dimension = shape.Dimension,
                IntegerBits = 4,
                FractionBits = 4,
            };
            source = "N = n, d, i = f = 4, defaults";
        }
        if (config.MaxRows < shape.Rows || config.Dimension != shape.Dimension)
        {
            throw new InvalidOperationException($"{source}: N = {config.MaxRows}, d = {config.Dimension} does not fit {shape}");
        }
        var design = new Design(config);
        return new HardwareBaseline(config.Name, shape.Rows, shape.Dimension, design.Interval(shape.Rows), config.TargetClockMhz, source, design.CandidateOverhead);
    }

    private static string? FindConfigs()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "A3Gen.sln")))
            {
                return Path.Combine(dir.FullName, "configs");
            }
        }
        return null;
    }
}
