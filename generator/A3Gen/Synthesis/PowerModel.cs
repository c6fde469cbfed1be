using System.Globalization;
using System.Text.RegularExpressions;

namespace A3Gen.Synthesis;

/// <summary>
/// One instance's power as OpenSTA computes it, linear in the global activity a (toggles a net per clock
/// cycle): P(a) = <see cref="Internal0"/> + a <see cref="InternalSlope"/> internal, <see cref="Switching0"/> +
/// a <see cref="SwitchingSlope"/> switching, and <see cref="Leakage"/>. The part at a = 0 is what does not
/// follow the data: a flip-flop's clock pin, a net of the clock network (OpenSTA takes its activity from the
/// clock, not from the global figure). Watts.
/// </summary>
public sealed record InstancePower(string Name, double Internal0, double InternalSlope, double Switching0, double SwitchingSlope, double Leakage);

/// <summary>Internal, switching and leakage power or energy, with their sum.</summary>
public sealed record PowerSplit(double Internal, double Switching, double Leakage)
{
    public double Total => Internal + Switching + Leakage;

    public static PowerSplit Zero { get; } = new(0, 0, 0);

    public PowerSplit Add(PowerSplit o) => new(Internal + o.Internal, Switching + o.Switching, Leakage + o.Leakage);

    public PowerSplit Scale(double f) => new(Internal * f, Switching * f, Leakage * f);
}

/// <summary>
/// The per-instance power model of a netlist, read from OpenSTA's <c>report_power -instances</c> at two global
/// activities (0 and <see cref="ReferenceActivity"/>, duty 0.5). This OpenSTA reads no VCD or SAIF and ignores
/// per-pin activity, so measured activity is applied here: an instance's power at its output's measured toggle
/// rate r is P(0) + r (P(a) - P(0)) / a, leakage as is. The approximation: every input pin of an instance is
/// taken to toggle at its output's rate (internal power of input transitions that do not reach the output is
/// not seen), and a multi-output cell (full and half adders) takes the mean rate of its outputs.
/// </summary>
public sealed partial class PowerModel
{
    public const double ReferenceActivity = 0.1, Duty = 0.5;

    /// <summary>The uniform activity at which <see cref="Predict"/> is checked against OpenSTA's own total.</summary>
    public const double CheckActivity = 0.3;

    public IReadOnlyDictionary<string, InstancePower> Instances { get; }

    /// <summary>OpenSTA's design total at <see cref="CheckActivity"/>: internal, switching, leakage (W).</summary>
    public PowerSplit CheckTotal { get; }

    public PowerModel(string staOutput)
    {
        var zero = Section(staOutput, "power 0");
        var reference = Section(staOutput, "power ref");
        var instances = new Dictionary<string, InstancePower>(StringComparer.Ordinal);
        foreach (var (name, p0) in zero)
        {
            if (!reference.TryGetValue(name, out var pa))
            {
                throw new UserException($"OpenSTA reported instance {name} at activity 0 but not at {ReferenceActivity}");
            }
            instances[name] = new InstancePower(name, p0.Internal, (pa.Internal - p0.Internal) / ReferenceActivity,
                p0.Switching, (pa.Switching - p0.Switching) / ReferenceActivity, pa.Leakage);
        }
        Instances = instances;
        var total = TotalLine().Match(staOutput[staOutput.IndexOf("A3GEN power check", StringComparison.Ordinal)..]);
        if (!total.Success)
        {
            throw new UserException("OpenSTA printed no power total at the check activity");
        }
        CheckTotal = new PowerSplit(D(total.Groups[1].Value), D(total.Groups[2].Value), D(total.Groups[3].Value));
    }

    /// <summary>An instance's power at the toggle rate r of its output (toggles per clock cycle).</summary>
    public static PowerSplit At(InstancePower p, double rate) =>
        new(p.Internal0 + (rate * p.InternalSlope), p.Switching0 + (rate * p.SwitchingSlope), p.Leakage);

    /// <summary>The whole design's power when every instance's output toggles at <paramref name="rate"/>.</summary>
    public PowerSplit Predict(double rate) => Instances.Values.Aggregate(PowerSplit.Zero, (s, p) => s.Add(At(p, rate)));

    /// <summary>The OpenSTA commands that print what <see cref="PowerModel(string)"/> reads.</summary>
    public static string Commands() =>
        $"set_power_activity -global -activity 0 -duty {Duty.ToString(CultureInfo.InvariantCulture)}\n" +
        "puts \"A3GEN power 0\"\nreport_power -instances [get_cells *] -digits 8\n" +
        $"set_power_activity -global -activity {ReferenceActivity.ToString(CultureInfo.InvariantCulture)} -duty {Duty.ToString(CultureInfo.InvariantCulture)}\n" +
        "puts \"A3GEN power ref\"\nreport_power -instances [get_cells *] -digits 8\n" +
        $"set_power_activity -global -activity {CheckActivity.ToString(CultureInfo.InvariantCulture)} -duty {Duty.ToString(CultureInfo.InvariantCulture)}\n" +
        "puts \"A3GEN power check\"\nreport_power -digits 8\nputs \"A3GEN end\"\n";

    private static Dictionary<string, PowerSplit> Section(string output, string mark)
    {
        int start = output.IndexOf($"A3GEN {mark}\n", StringComparison.Ordinal);
        if (start < 0)
        {
            throw new UserException($"OpenSTA printed no section '{mark}' (see power_sta.log)");
        }
        int end = output.IndexOf("A3GEN ", start + 6, StringComparison.Ordinal);
        var result = new Dictionary<string, PowerSplit>(StringComparer.Ordinal);
        foreach (Match m in InstanceLine().Matches(output[start..(end < 0 ? output.Length : end)]))
        {
            result[m.Groups[5].Value] = new PowerSplit(D(m.Groups[1].Value), D(m.Groups[2].Value), D(m.Groups[3].Value));
        }
        return result;
    }

    private static double D(string s) => double.Parse(s, NumberStyles.Float, CultureInfo.InvariantCulture);

    [GeneratedRegex(@"^\s*(\S+)\s+(\S+)\s+(\S+)\s+(\S+)\s+([A-Za-z_][A-Za-z0-9_]*)\s*$", RegexOptions.Multiline)]
    private static partial Regex InstanceLine();

    [GeneratedRegex(@"^Total\s+(\S+)\s+(\S+)\s+(\S+)\s+(\S+)", RegexOptions.Multiline)]
    private static partial Regex TotalLine();
}
