using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using A3Gen.Tools;

namespace A3Gen.Synthesis;

/// <summary>
/// FO4 of the library, measured: a chain of <see cref="Stages"/> minimum inverters, each driving the next
/// and three more copies of itself (fanout of four), timed by OpenSTA for a rising and a falling input.
/// The chain's own slew settles after the first stages; FO4 is the mean delay of the middle stages
/// (<see cref="First"/>..<see cref="Last"/>) over both edges.
/// </summary>
public static partial class Fo4Chain
{
    public const string Inverter = "INVX1";
    public const int Stages = 8, First = 4, Last = 5;

    public sealed record Fo4(double Ps, string Method);

    public static string Netlist()
    {
        var sb = new StringBuilder("module fo4_chain (a, y);\n  input a;\n  output y;\n");
        for (int i = 1; i <= Stages; i++)
        {
            sb.Append(CultureInfo.InvariantCulture, $"  wire {(i < Stages ? $"s{i}, " : "")}d{i}_0, d{i}_1, d{i}_2, d{i}_3;\n");
        }
        for (int i = 1; i <= Stages; i++)
        {
            var input = i == 1 ? "a" : $"s{i - 1}";
            var output = i == Stages ? "y" : $"s{i}";
            sb.Append(CultureInfo.InvariantCulture, $"  {Inverter} i{i} (.A({input}), .Y({output}));\n");
            // Three more loads beside the next stage; the last stage drives four.
            for (int j = 0; j < (i < Stages ? 3 : 4); j++)
            {
                sb.Append(CultureInfo.InvariantCulture, $"  {Inverter} l{i}_{j} (.A({output}), .Y(d{i}_{j}));\n");
            }
        }
        return sb.Append("endmodule\n").ToString();
    }

    public static Fo4 Measure(string sta, string dir, string liberty, TimeSpan timeout)
    {
        File.WriteAllText(Path.Combine(dir, "fo4_chain.v"), Netlist());
        File.WriteAllText(Path.Combine(dir, "fo4_chain.tcl"),
            $"read_liberty {liberty}\nread_verilog fo4_chain.v\nlink_design fo4_chain\n" +
            $"set_input_transition {AsicFlow.Num(AsicFlow.InputTransitionNs)} [get_ports a]\n" +
            "report_checks -rise_to [get_ports y] -unconstrained -digits 5\nreport_checks -fall_to [get_ports y] -unconstrained -digits 5\n");
        var (exit, output) = ExternalTool.Run(sta, ["-exit", "fo4_chain.tcl"], dir, timeout);
        File.WriteAllText(Path.Combine(dir, "fo4_chain.log"), output);
        var delays = StageLine().Matches(output)
            .Where(m => int.Parse(m.Groups[2].Value, CultureInfo.InvariantCulture) is >= First and <= Last)
            .Select(m => double.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture)).ToList();
        if (exit != 0 || delays.Count != 2 * (Last - First + 1) || output.Contains("Error", StringComparison.Ordinal))
        {
            throw new UserException($"OpenSTA could not time the FO4 inverter chain on {Path.GetFileName(liberty)} (exit status {exit})");
        }
        return new Fo4(Math.Round(delays.Average() * 1000, 2),
            $"OpenSTA on a chain of {Stages} {Inverter}, each driving four {Inverter} inputs; mean delay of stages {First}-{Last}, rising and falling input");
    }

    [GeneratedRegex(@"^\s+([0-9.]+)\s+[0-9.]+ [v^] i(\d+)/Y \(", RegexOptions.Multiline)]
    private static partial Regex StageLine();
}
