namespace A3Gen.Elaboration;

/// <summary>
/// One named field of a packed bus: its width and what it carries. A flag is one bit by its nature
/// (selected as <c>[Lsb]</c>); any other field is a vector (selected as <c>[Lsb +: Width]</c>), even
/// when a configuration makes it one bit wide.
/// </summary>
public sealed record PackedField(string Name, int Width, string Description, bool IsFlag = false)
{
    public static PackedField Flag(string name, string description) => new(name, 1, description, true);
}

/// <summary>A field of a <see cref="BusLayout"/> with its position: bits [Msb:Lsb] of the bus.</summary>
public sealed record PlacedField(string Name, int Width, int Lsb, string Description, bool IsFlag)
{
    public int Msb => Lsb + Width - 1;
}

/// <summary>
/// A packed bus (a queue entry, a buffer's metadata, a memory word): an ordered list of named fields,
/// the first at bit 0. The single description of the bus: <see cref="Design"/> takes its width from it,
/// the emission views take the field offsets, the templates render the packing and the offsets'
/// <c>localparam</c>s from it. Adding a field here is the whole change on the elaboration side.
/// </summary>
public sealed record BusLayout
{
    public BusLayout(string name, string description, params PackedField[] fieldsFromLsb)
    {
        if (fieldsFromLsb.Length == 0 || fieldsFromLsb.Any(f => f.Width < 1))
        {
            throw new ArgumentException($"bus {name}: every field needs at least one bit");
        }
        if (fieldsFromLsb.Select(f => f.Name).Distinct(StringComparer.Ordinal).Count() != fieldsFromLsb.Length)
        {
            throw new ArgumentException($"bus {name}: field names must be unique");
        }
        Name = name;
        Description = description;
        var placed = new List<PlacedField>();
        int lsb = 0;
        foreach (var f in fieldsFromLsb)
        {
            placed.Add(new PlacedField(f.Name, f.Width, lsb, f.Description, f.IsFlag));
            lsb += f.Width;
        }
        Fields = placed;
        Width = lsb;
    }

    /// <summary>UpperCamelCase name, the prefix of the bus's localparams (e.g. "ScoreMeta").</summary>
    public string Name { get; }

    public string Description { get; }

    /// <summary>Fields from bit 0 upwards.</summary>
    public IReadOnlyList<PlacedField> Fields { get; }

    public int Width { get; }

    public PlacedField this[string field] =>
        Fields.FirstOrDefault(f => f.Name == field) ?? throw new ArgumentException($"bus {Name} has no field {field}");

    /// <summary>A vector of <paramref name="count"/> equal elements, element j at bits [j*W +: W].</summary>
    public static BusLayout Elements(string name, string description, int count, int elementWidth) =>
        new(name, description, [.. Enumerable.Range(0, count).Select(j => new PackedField($"E{j}", elementWidth, $"element {j}"))]);
}
