using A3Gen.Elaboration;

namespace A3Gen.Emission;

/// <summary>One <c>localparam</c> line of a module's opening block, already aligned in columns.</summary>
public sealed record LocalparamView(string Name, string Value, string Comment);

/// <summary>
/// Collects the <c>localparam</c>s a module opens with: widths (with what they hold) and, for the
/// packed buses it reads, every field's position (with its bit range). Emit only what the module uses:
/// Verilator -Wall warns about an unused parameter.
/// </summary>
public sealed class LocalparamList
{
    private readonly List<(string Name, long Value, string Comment)> items = [];

    public LocalparamList Width(string name, int value, string comment)
    {
        items.Add((name, value, comment));
        return this;
    }

    /// <summary>The bus's width, <c>&lt;Bus&gt;Width</c>: enough for a module that only passes or packs it.</summary>
    public LocalparamList BusWidth(BusLayout bus)
    {
        items.Add(($"{bus.Name}Width", bus.Width, $"[{bus.Width - 1}:0] {bus.Description}"));
        return this;
    }

    /// <summary>
    /// The bus's width and each listed field's position: <c>&lt;Bus&gt;&lt;Field&gt;Lsb</c> and, for a field
    /// that is not a flag, <c>&lt;Bus&gt;&lt;Field&gt;Width</c>, to be sliced as <c>[Lsb +: Width]</c>.
    /// Every field when <paramref name="fields"/> is empty.
    /// </summary>
    public LocalparamList Bus(BusLayout bus, params string[] fields)
    {
        BusWidth(bus);
        foreach (var f in bus.Fields.Where(f => fields.Length == 0 || fields.Contains(f.Name)))
        {
            string range = f.IsFlag ? $"[{f.Lsb}]" : $"[{f.Msb}:{f.Lsb}]";
            items.Add(($"{bus.Name}{f.Name}Lsb", f.Lsb, $"{range} {f.Description}"));
            if (!f.IsFlag)
            {
                items.Add(($"{bus.Name}{f.Name}Width", f.Width, $"{range} {f.Description}"));
            }
        }
        return this;
    }

    /// <summary>Drops a localparam another option leaves unused (Verilator -Wall warns about it).</summary>
    public LocalparamList Remove(string name)
    {
        items.RemoveAll(i => i.Name == name);
        return this;
    }

    public IReadOnlyList<LocalparamView> Build()
    {
        int name = items.Count == 0 ? 0 : items.Max(i => i.Name.Length);
        int value = items.Count == 0 ? 0 : items.Max(i => i.Value.ToString(System.Globalization.CultureInfo.InvariantCulture).Length);
        return items.Select(i => new LocalparamView(i.Name.PadRight(name),
            (i.Value.ToString(System.Globalization.CultureInfo.InvariantCulture) + ";").PadRight(value + 1), i.Comment)).ToList();
    }
}

/// <summary>Packing of a bus from its layout: the concatenation of one expression per field, top field first.</summary>
public static class Packing
{
    public static string Concatenation(BusLayout bus, IReadOnlyDictionary<string, string> fieldExpressions)
    {
        var missing = bus.Fields.Where(f => !fieldExpressions.ContainsKey(f.Name)).Select(f => f.Name).ToList();
        var extra = fieldExpressions.Keys.Where(k => bus.Fields.All(f => f.Name != k)).ToList();
        if (missing.Count > 0 || extra.Count > 0)
        {
            throw new InvalidOperationException($"packing of {bus.Name}: missing fields [{string.Join(", ", missing)}], unknown [{string.Join(", ", extra)}]");
        }
        return "{ " + string.Join(", ", bus.Fields.Reverse().Select(f => fieldExpressions[f.Name])) + " }";
    }
}
