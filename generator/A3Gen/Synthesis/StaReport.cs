using System.Globalization;
using System.Text.RegularExpressions;

namespace A3Gen.Synthesis;

/// <summary>What OpenSTA printed for the script of <see cref="AsicFlow"/>: one path report per marked section, and the power report.</summary>
public sealed partial class StaReport(string output, AsicNetlist netlist, double fo4Ps, double periodNs)
{
    private readonly Dictionary<string, string> sections = Split(output);

    public sealed record PowerFigures(double Internal, double Switching, double Leakage, double Total);

    private static Dictionary<string, string> Split(string output)
    {
        var result = new Dictionary<string, string>(StringComparer.Ordinal);
        var marks = Mark().Matches(output);
        for (int i = 0; i < marks.Count; i++)
        {
            int start = marks[i].Index + marks[i].Length;
            int end = i + 1 < marks.Count ? marks[i + 1].Index : output.Length;
            result[marks[i].Groups[1].Value] = output[start..end];
        }
        return result;
    }

    /// <summary>The worst path of a section, or null when OpenSTA found none.</summary>
    public AsicPath? Path(string key)
    {
        if (!sections.TryGetValue($"path {key}", out var text) || text.Contains("No paths found", StringComparison.Ordinal))
        {
            return null;
        }
        var start = Regex.Match(text, @"Startpoint: (\S+)");
        var end = Regex.Match(text, @"Endpoint: (\S+)");
        var slack = Regex.Match(text, @"^\s+(-?[0-9.]+)\s+slack", RegexOptions.Multiline);
        if (!start.Success || !end.Success || !slack.Success)
        {
            return null;
        }
        var steps = Step().Matches(text).Select(m => (Instance: m.Groups[1].Value, Pin: m.Groups[2].Value)).ToList();
        double s = double.Parse(slack.Groups[1].Value, CultureInfo.InvariantCulture);
        double cycle = Math.Round(periodNs - s, 4);
        var endPin = steps.Count > 0 ? steps[^1] : (end.Groups[1].Value, "");
        var startPin = steps.FirstOrDefault(x => x.Instance == start.Groups[1].Value && x.Pin is not ("CLK" or "clk_i"));
        return new AsicPath(cycle, Math.Round(cycle * 1000 / fo4Ps, 1), s, Math.Max(0, steps.Count - 2),
            Describe(start.Groups[1].Value, startPin.Pin), Describe(end.Groups[1].Value, endPin.Item2),
            netlist.OriginalName(start.Groups[1].Value), netlist.OriginalName(end.Groups[1].Value));
    }

    /// <summary>A start or end point in the RTL's words: a flip-flop by the register bit it holds (its Q net), a macro by instance and pin, a port by name.</summary>
    private string Describe(string name, string? pin)
    {
        var cell = netlist.Cells.FirstOrDefault(c => c.Name == name);
        if (cell is null)
        {
            return netlist.OriginalName(name);
        }
        if (cell.Pins.TryGetValue("Q", out var q))
        {
            var register = netlist.OriginalName(q);
            return register.StartsWith('$') ? $"{AsicNetlist.Readable(cell.Original)} ({cell.Type})" : register;
        }
        var macro = AsicNetlist.Readable(cell.Original);
        macro = Regex.Replace(macro, @"\.g_macro_\d+x\d+\.u_macro$", "");
        return pin is null or "" ? $"{macro} (read data)" : $"{macro}/{pin}";
    }

    public PowerFigures Power()
    {
        if (!sections.TryGetValue("power", out var text))
        {
            return new PowerFigures(0, 0, 0, 0);
        }
        var total = Regex.Match(text, @"^Total\s+(\S+)\s+(\S+)\s+(\S+)\s+(\S+)", RegexOptions.Multiline);
        double V(int i) => total.Success ? double.Parse(total.Groups[i].Value, NumberStyles.Float, CultureInfo.InvariantCulture) : 0;
        return new PowerFigures(V(1), V(2), V(3), V(4));
    }

    [GeneratedRegex(@"^A3GEN (.+)$", RegexOptions.Multiline)]
    private static partial Regex Mark();

    [GeneratedRegex(@"^\s+-?[0-9.]+\s+-?[0-9.]+ [v^] ([^/\s]+)/(\S+) \(", RegexOptions.Multiline)]
    private static partial Regex Step();
}
