using A3Gen.Elaboration;

namespace A3Gen.Simulation;

/// <summary>Options of the Verilator co-simulation.</summary>
/// <param name="TracePath">
/// FST waveform file to write (the traced library variant is built for it); null reads
/// <c>A3GEN_TRACE</c> from the environment, and an empty value there means no trace.
/// </param>
/// <param name="MaxCycles">Cycles after the loads before a run is declared hung.</param>
public sealed record VerilatorOptions(string? TracePath = null, long MaxCycles = 10_000_000)
{
    public string? EffectiveTracePath
    {
        get
        {
            var path = TracePath ?? Environment.GetEnvironmentVariable("A3GEN_TRACE");
            return string.IsNullOrEmpty(path) ? null : Path.GetFullPath(path);
        }
    }
}

/// <summary>
/// Runs a <see cref="Stimulus"/> on the generated RTL compiled by Verilator: builds (or reuses) the
/// shared library, then drives a fresh model per run through <see cref="A3Device"/>.
/// </summary>
public sealed class VerilatorSimulator(Design design, VerilatorOptions? options = null) : ISimulator
{
    private readonly VerilatorOptions options = options ?? new VerilatorOptions();

    public string Name => "verilator";

    /// <summary>Cycles stepped by the last run, loads and reset included (for speed measurements).</summary>
    public long LastRunCycles { get; private set; }

    public SimulationRun Run(Stimulus stimulus)
    {
        using var device = A3Device.Create(design, options.EffectiveTracePath);
        device.CycleLimit = options.MaxCycles;
        var queries = device.Run(stimulus, options.MaxCycles);
        LastRunCycles = device.Cycle;
        return new SimulationRun(Name, queries, device.LastSort);
    }
}
