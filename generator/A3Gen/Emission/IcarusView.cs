using A3Gen.Configuration;
using A3Gen.Elaboration;

namespace A3Gen.Emission;

/// <summary>A top-level port as the testbench declares it: a reg it drives or a wire it reads.</summary>
public sealed record TestbenchPortView(string Kind, string Range, string Name);

/// <summary>
/// What <c>templates/sim/icarus_tb.v.scriban</c> sees: the design's widths and literals, named, so
/// that the template does no arithmetic. Capacities are the testbench's default array depths for
/// queries and handshake patterns (root parameters, overridable when compiling).
/// </summary>
public sealed class IcarusView
{
    public const int DefaultQueryCapacity = 256;

    public const int DefaultPatternCapacity = 1024;

    public IcarusView(Design design)
    {
        P = design.Prefix;
        ConfigName = design.Config.Name;
        GeneratorVersion = Emitter.GeneratorVersion;
        ConfigHash = design.Config.Hash();
        Dim = design.Dimension;
        MaxRows = design.MaxRows;
        RowLast = design.MaxRows - 1;
        WRow = design.RowDataWidth;
        WResult = design.ResultDataWidth;
        WOut = design.Output.Width;
        WId = design.RowIdWidth;
        WN = design.RowCountWidth;
        Rst = design.ResetPort;
        bool activeLow = design.Config.Reset == ResetStyle.AsyncLow;
        RstOn = activeLow ? "1'b0" : "1'b1";
        RstOff = activeLow ? "1'b1" : "1'b0";
        RowZero = Verilog.Unsigned(WRow, 0);
        IdZero = Verilog.Unsigned(WId, 0);
        NZero = Verilog.Unsigned(WN, 0);
        WIds = design.Dimension * design.RowIdWidth;
        WIter = design.IterationCount.Width;
        WThreshold = design.Threshold.Width;
        IdsZero = Verilog.Unsigned(WIds, 0);
        IterZero = Verilog.Unsigned(WIter, 0);
        ThresholdZero = Verilog.Unsigned(WThreshold, 0);
        Ports = design.Ports
            .Select(p => new TestbenchPortView(p.Direction == "input" ? "reg " : "wire", p.Range, p.Name))
            .ToList();
    }

    public string P { get; }
    public string ConfigName { get; }
    public string GeneratorVersion { get; }
    public string ConfigHash { get; }
    public int Dim { get; }
    public int MaxRows { get; }
    public int RowLast { get; }
    public int WRow { get; }
    public int WResult { get; }
    public int WOut { get; }
    public int WId { get; }
    public int WN { get; }
    public string Rst { get; }
    public string RstOn { get; }
    public string RstOff { get; }
    public string RowZero { get; }
    public string IdZero { get; }
    public string NZero { get; }
    public int WIds { get; }
    public int WIter { get; }
    public int WThreshold { get; }
    public string IdsZero { get; }
    public string IterZero { get; }
    public string ThresholdZero { get; }
    public int MId => WId - 1;
    public int MIds => WIds - 1;
    public int MIter => WIter - 1;
    public int MN => WN - 1;
    public int MResult => WResult - 1;
    public int MRow => WRow - 1;
    public int MThreshold => WThreshold - 1;
    public int QueryCapacity => DefaultQueryCapacity;
    public int PatternCapacity => DefaultPatternCapacity;
    public IReadOnlyList<TestbenchPortView> Ports { get; }
}
