namespace A3Gen.Synthesis;

/// <summary>
/// One timed path: <see cref="CycleNs"/> is the clock period it needs (arrival at the end point plus the
/// end point's setup, i.e. period minus slack), also in FO4 of the library.
/// </summary>
public sealed record AsicPath(double CycleNs, double CycleFo4, double SlackNs, int Cells, string From, string To, string FromCell, string ToCell);

/// <summary>The worst paths ending in one instance of the top (or a group of them): from anywhere, and from a register or SRAM macro.</summary>
public sealed record AsicStageTiming(string Stage, string Instances, AsicPath? Worst, AsicPath? WorstRegisterToRegister);

/// <summary>Static timing, area and power of the design on the OSU 0.18 um standard cells (Yosys, OpenSTA).</summary>
public sealed record AsicTiming(
    string Library,
    double ClockMhz,
    double PeriodNs,
    double Fo4Ps,
    string Fo4Method,
    double WorstSlackNs,
    double AchievedMhz,
    AsicPath Worst,
    AsicPath? WorstRegisterToRegister,
    IReadOnlyList<AsicStageTiming> Stages,
    long Instances,
    double CellAreaUm2,
    double MacroAreaUm2,
    double PowerW,
    double InternalPowerW,
    double SwitchingPowerW,
    double LeakagePowerW,
    string PowerActivity,
    string SramModel,
    SortedDictionary<string, long> CellsByType,
    double Seconds);
