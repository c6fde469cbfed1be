using System.Globalization;
using System.Text.RegularExpressions;

namespace A3Gen.Exploration;

/// <summary>
/// An iteration count M of the sweep: absolute (<c>64</c>) or relative to each instance's n
/// (<c>n</c>, <c>n/2</c>, <c>3n/4</c>, <c>2n</c>). A relative M is floor(n a / b), at least 1.
/// </summary>
public sealed partial record IterationSpec(string Text, int Numerator, int Denominator, bool Relative)
{
    /// <summary>The paper's iteration counts: n, 3n/4, n/2, n/4, n/8.</summary>
    public static IReadOnlyList<IterationSpec> PaperDefaults { get; } = ParseList("n,3n/4,n/2,n/4,n/8");

    /// <summary>M for an instance of n rows.</summary>
    public int Resolve(int n) => Relative ? (int)Math.Min(int.MaxValue, Math.Max(1, (long)n * Numerator / Denominator)) : Numerator;

    /// <summary>True when this is a relative count equal to n a / b (e.g. n/2 and 2n/4 both equal n/2).</summary>
    public bool IsFraction(int a, int b) => Relative && (long)Numerator * b == (long)a * Denominator;

    /// <summary>The setting's name in messages (<see cref="SettingException.Setting"/>).</summary>
    public const string Setting = "iterations";

    /// <summary>Parses a list separated by commas or blanks (<see cref="ListItems"/>); a malformed entry is a <see cref="SettingException"/>.</summary>
    public static IReadOnlyList<IterationSpec> ParseList(string text)
    {
        var items = ListItems(text, Setting, "n,3n/4,n/2,n/4,n/8 or 64,32");
        return items.Select(Parse).ToArray();
    }

    /// <summary>
    /// The items of a list separated by commas (or blanks): an empty list, or nothing between two commas, is a
    /// <see cref="SettingException"/> (<c>1,,2</c> is a typo, not two items).
    /// </summary>
    public static string[] ListItems(string text, string setting, string example)
    {
        var items = text.Split(',', StringSplitOptions.TrimEntries);
        if (items.All(i => i.Length == 0))
        {
            throw new SettingException(setting, $"the list is empty (give e.g. {example})");
        }
        int empty = Array.FindIndex(items, i => i.Length == 0);
        if (empty >= 0)
        {
            throw new SettingException(setting, $"'{text}' has an empty item at position {empty + 1} (give e.g. {example})");
        }
        return items.SelectMany(i => i.Split([' ', '\t'], StringSplitOptions.RemoveEmptyEntries)).ToArray();
    }

    public static IterationSpec Parse(string item)
    {
        const string option = Setting;
        var m = Form().Match(item);
        if (!m.Success)
        {
            throw new SettingException(option, $"'{item}' is not an iteration count (give an integer, or n, n/2, 3n/4, 2n: a multiple of each instance's n)");
        }
        if (!m.Groups["n"].Success)
        {
            if (m.Groups["a"].Success && !m.Groups["b"].Success && !int.TryParse(m.Groups["a"].Value, NumberStyles.None, CultureInfo.InvariantCulture, out _))
            {
                throw new SettingException(option, $"'{item}' has a number too large (at most {int.MaxValue})");
            }
            if (!int.TryParse(m.Groups["a"].Value, NumberStyles.None, CultureInfo.InvariantCulture, out int absolute) || m.Groups["b"].Success)
            {
                throw new SettingException(option, $"'{item}' is not an iteration count (give an integer, or n, n/2, 3n/4, 2n: a multiple of each instance's n)");
            }
            return new IterationSpec(item, absolute, 1, false);
        }
        int a = 1, b = 1;
        if ((m.Groups["a"].Success && !int.TryParse(m.Groups["a"].Value, NumberStyles.None, CultureInfo.InvariantCulture, out a))
            || (m.Groups["b"].Success && !int.TryParse(m.Groups["b"].Value, NumberStyles.None, CultureInfo.InvariantCulture, out b)))
        {
            throw new SettingException(option, $"'{item}' has a number too large (at most {int.MaxValue})");
        }
        if (a == 0 || b == 0)
        {
            throw new SettingException(option, $"'{item}' is not an iteration count ({(b == 0 ? "division by zero" : "0n is 0: give 0 for no iterations")})");
        }
        return new IterationSpec(item, a, b, true);
    }

    [GeneratedRegex(@"^(?<a>[0-9]+)?(?<n>n)?(/(?<b>[0-9]+))?\z")]
    private static partial Regex Form();

    public override string ToString() => Text;
}
