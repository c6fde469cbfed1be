namespace A3Gen.Synthesis;

/// <summary>Energy of one read and one write of an SRAM macro of one shape, and its leakage.</summary>
public sealed record SramAccessEnergy(SramShape Shape, double ReadPj, double WritePj, double LeakageW);

/// <summary>
/// A first-order, CACTI-style per-access energy model of the SRAM macros in 0.18 um at 1.8 V (the macros are
/// not in the standard-cell netlist, so OpenSTA gives them no power). One word a row, no column multiplexing,
/// one bank; every figure below is an assumption for a 0.18 um 6T array, written here so it can be argued with:
/// <list type="bullet">
/// <item>bit line: C_bl = D * <see cref="BitlineCellFf"/> + <see cref="BitlinePeripheryFf"/> a column;</item>
/// <item>word line: C_wl = W * <see cref="WordlineCellFf"/>;</item>
/// <item>decoder: <see cref="DecoderPerAddressBitFf"/> switched a row-address bit;</item>
/// <item>read: every column's bit line discharges by <see cref="ReadSwingV"/> and is precharged back from VDD,
/// a sense amplifier fires (<see cref="SenseAmpFj"/>) and half the output latch bits switch
/// (<see cref="OutputLatchFf"/>):
/// E_read = W C_bl VDD dV + C_wl VDD^2 + A C_dec VDD^2 + W E_sa + W/2 C_out VDD^2;</item>
/// <item>write: one bit line of every column swings fully: E_write = W C_bl VDD^2 + C_wl VDD^2 + A C_dec VDD^2;</item>
/// <item>leakage: <see cref="LeakagePerBitPw"/> a bit cell.</item>
/// </list>
/// </summary>
public static class SramEnergy
{
    public const double Vdd = 1.8;
    public const double BitlineCellFf = 1.0;
    public const double BitlinePeripheryFf = 10.0;
    public const double WordlineCellFf = 1.5;
    public const double DecoderPerAddressBitFf = 50.0;
    public const double ReadSwingV = 0.18;
    public const double SenseAmpFj = 10.0;
    public const double OutputLatchFf = 10.0;
    public const double LeakagePerBitPw = 50.0;

    public static string Formula =>
        "E_read = W C_bl VDD dV + C_wl VDD^2 + A C_dec VDD^2 + W E_sa + (W/2) C_out VDD^2; E_write = W C_bl VDD^2 + C_wl VDD^2 + A C_dec VDD^2; " +
        $"C_bl = D x {BitlineCellFf} fF + {BitlinePeripheryFf} fF, C_wl = W x {WordlineCellFf} fF, C_dec = {DecoderPerAddressBitFf} fF, dV = {ReadSwingV} V, " +
        $"E_sa = {SenseAmpFj} fJ, C_out = {OutputLatchFf} fF, VDD = {Vdd} V, leakage {LeakagePerBitPw} pW a bit (0.18 um 6T assumptions, one word a row, one bank)";

    public static SramAccessEnergy For(SramShape s)
    {
        double cbl = (s.Depth * BitlineCellFf + BitlinePeripheryFf) * 1e-15;
        double cwl = s.Width * WordlineCellFf * 1e-15;
        double cdec = s.AddressWidth * DecoderPerAddressBitFf * 1e-15;
        double v2 = Vdd * Vdd;
        double read = (s.Width * cbl * Vdd * ReadSwingV) + (cwl * v2) + (cdec * v2) + (s.Width * SenseAmpFj * 1e-15) + (s.Width / 2.0 * OutputLatchFf * 1e-15 * v2);
        double write = (s.Width * cbl * v2) + (cwl * v2) + (cdec * v2);
        return new SramAccessEnergy(s, read * 1e12, write * 1e12, s.Bits * LeakagePerBitPw * 1e-12);
    }
}
