using System.Globalization;
using A3Gen.Elaboration;
using A3Gen.Emission;

namespace A3Gen.Simulation;

/// <summary>One port as the Verilator shim sees it: how Verilator stores it and how many 32-bit words carry it.</summary>
/// <param name="Kind">"narrow" (CData/SData/IData, up to 32 bits), "quad" (QData, up to 64) or "wide" (VlWide).</param>
/// <param name="CType">The Verilator type of a narrow port.</param>
/// <param name="LastWord">Index of the most significant word.</param>
/// <param name="TopMask">C literal masking the valid bits of the most significant word.</param>
public sealed record ShimPortView(int Index, string Name, string Direction, int Width, int Words, string Kind, string CType, int LastWord, string TopMask);

/// <summary>What <c>templates/sim/verilator_shim.cpp.scriban</c> sees: names and per-port word counts, computed here.</summary>
public sealed class ShimView
{
    /// <summary>Version of the C entry points; the driver refuses a library with another one.</summary>
    public const int Abi = 1;

    public ShimView(Design design, bool trace)
    {
        ConfigName = design.Config.Name;
        Top = VerilatorShim.TopModule(design);
        ModelClass = VerilatorShim.ModelClass(design);
        Symbol = VerilatorShim.SymbolPrefix(design);
        Trace = trace;
        AbiVersion = Abi;
        Ports = design.Ports.Select((p, i) => Port(i, p)).ToList();
        Inputs = Ports.Where(p => p.Direction == "input").ToList();
        PortCount = Ports.Count;
    }

    public string ConfigName { get; }
    public string Top { get; }
    public string ModelClass { get; }
    public string Symbol { get; }
    public bool Trace { get; }
    public int AbiVersion { get; }
    public int PortCount { get; }
    public IReadOnlyList<ShimPortView> Ports { get; }
    public IReadOnlyList<ShimPortView> Inputs { get; }

    private static ShimPortView Port(int index, Port port)
    {
        int words = VerilatorShim.Words(port.Width);
        int topBits = port.Width - (32 * (words - 1));
        uint mask = topBits == 32 ? uint.MaxValue : (1u << topBits) - 1;
        string kind = port.Width <= 32 ? "narrow" : port.Width <= 64 ? "quad" : "wide";
        string ctype = port.Width <= 8 ? "CData" : port.Width <= 16 ? "SData" : port.Width <= 32 ? "IData" : port.Width <= 64 ? "QData" : "VlWide";
        return new ShimPortView(index, port.Name, port.Direction, port.Width, words, kind, ctype, words - 1,
            "0x" + mask.ToString("X8", CultureInfo.InvariantCulture) + "u");
    }
}

/// <summary>Names shared by the shim, the build and the driver.</summary>
public static class VerilatorShim
{
    public const string FileName = "a3gen_shim.cpp";

    public static string TopModule(Design design) => $"{design.Prefix}_top";

    /// <summary>Verilator's <c>--prefix</c>: unique per configuration.</summary>
    public static string ModelClass(Design design) => $"Va3gen_{design.Prefix}";

    /// <summary>Prefix of the exported C symbols: unique per configuration.</summary>
    public static string SymbolPrefix(Design design) => $"a3gen_{design.Prefix}";

    /// <summary>32-bit words that carry a port of the given width.</summary>
    public static int Words(int width) => (width + 31) / 32;

    public static string Render(TemplateRenderer renderer, Design design, bool trace) =>
        renderer.Render("sim/verilator_shim.cpp.scriban", new ShimView(design, trace));
}
