using System.Text;
using System.Text.RegularExpressions;

namespace A3Gen.Synthesis;

/// <summary>One instance of the renamed netlist: its type, its name for OpenSTA, the name Yosys gave it and its pin connections (renamed nets).</summary>
public sealed record NetlistCell(string Type, string Name, string Original, IReadOnlyDictionary<string, string> Pins);

/// <summary>
/// Yosys's flattened netlist made readable by OpenSTA's 2019 Verilog reader: every escaped identifier
/// (hierarchical names such as <c>\u_candidate.greedy_q[0][3]</c> or <c>\$flatten\u_output.$abc$12$n5</c>)
/// becomes a plain one (split top ports <c>name[i]</c> become <c>name_i</c>, everything else <c>n&lt;k&gt;</c>);
/// <see cref="Original"/> maps the plain names back, so a path report names the instance path it lies in.
/// </summary>
public sealed partial class AsicNetlist
{
    private readonly Dictionary<string, string> original = new(StringComparer.Ordinal);

    public string Text { get; }

    public IReadOnlyList<NetlistCell> Cells { get; }

    public AsicNetlist(string yosysText)
    {
        var forward = new Dictionary<string, string>(StringComparer.Ordinal);
        var plain = new HashSet<string>(PlainIdentifier().Matches(yosysText).Select(m => m.Value), StringComparer.Ordinal);
        string Rename(Match m)
        {
            var name = m.Groups[1].Value;
            if (!forward.TryGetValue(name, out var renamed))
            {
                var bit = PortBit().Match(name);
                renamed = bit.Success ? $"{bit.Groups[1].Value}_{bit.Groups[2].Value}" : $"n{forward.Count}";
                while (plain.Contains(renamed) || original.ContainsKey(renamed))
                {
                    renamed = $"n{forward.Count}_{original.Count}";
                }
                forward[name] = renamed;
                original[renamed] = name;
            }
            return renamed;
        }
        Text = Escaped().Replace(yosysText, Rename);
        var cells = new List<NetlistCell>();
        NetlistCell? open = null;
        Dictionary<string, string>? pins = null;
        foreach (var line in Text.Split('\n'))
        {
            var head = CellHead().Match(line);
            if (head.Success)
            {
                pins = new Dictionary<string, string>(StringComparer.Ordinal);
                var name = head.Groups[2].Value;
                open = new NetlistCell(head.Groups[1].Value, name, OriginalName(name), pins);
                continue;
            }
            if (open is null)
            {
                continue;
            }
            var pin = PinLine().Match(line);
            if (pin.Success)
            {
                pins![pin.Groups[1].Value] = pin.Groups[2].Value;
            }
            else if (line.Trim() == ");")
            {
                cells.Add(open);
                open = null;
            }
        }
        Cells = cells;
    }

    /// <summary>The name Yosys gave (without the leading backslash), or the name itself when it was not renamed.</summary>
    public string OriginalName(string name) => original.TryGetValue(name, out var o) ? o : name;

    /// <summary>
    /// The instance of the top a name lies in: "u_candidate" for "$flatten\u_candidate.$abc$1$n2",
    /// "u_candidate.u_max0.head_q[3]" or "u_key_sram.g_macro_16x36.u_macro"; "" for the top's own logic.
    /// </summary>
    public static string TopInstance(string originalName)
    {
        var name = originalName.StartsWith("$flatten", StringComparison.Ordinal) ? originalName["$flatten".Length..] : originalName;
        name = name.TrimStart('\\');
        int dot = name.IndexOf('.', StringComparison.Ordinal);
        return dot > 0 && name.StartsWith("u_", StringComparison.Ordinal) ? name[..dot] : "";
    }

    /// <summary>A hierarchical name without Yosys's internal parts: "$flatten\u_candidate.\u_max0.$auto$ff.cc:266:slice$9" -> "u_candidate.u_max0".</summary>
    public static string Readable(string originalName)
    {
        var name = originalName.Replace("$flatten", "", StringComparison.Ordinal);
        var parts = name.Split('.').Select(p => p.TrimStart('\\')).ToList();
        var kept = parts.TakeWhile(p => !p.StartsWith('$')).ToList();
        return kept.Count == 0 ? "(top)" : string.Join('.', kept);
    }

    public static string Write(IEnumerable<string> lines) => string.Join('\n', lines) + "\n";

    public string NameMap()
    {
        var sb = new StringBuilder();
        foreach (var (renamed, name) in original)
        {
            sb.Append(renamed).Append(' ').Append(name).Append('\n');
        }
        return sb.ToString();
    }

    [GeneratedRegex(@"\\(\S+) ")]
    private static partial Regex Escaped();

    [GeneratedRegex(@"(?<![\\\w$.])[A-Za-z_][A-Za-z0-9_]*")]
    private static partial Regex PlainIdentifier();

    [GeneratedRegex(@"^([A-Za-z_][A-Za-z0-9_]*)\[(\d+)\]$")]
    private static partial Regex PortBit();

    [GeneratedRegex(@"^  ([A-Za-z_][A-Za-z0-9_]*) ([A-Za-z_][A-Za-z0-9_]*) \($")]
    private static partial Regex CellHead();

    [GeneratedRegex(@"^\s+\.([A-Za-z_][A-Za-z0-9_]*)\((.*)\),?$")]
    private static partial Regex PinLine();
}
