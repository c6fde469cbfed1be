using System.IO.Compression;
using NumSharp;

namespace A3Gen.Traces;

/// <summary>
/// Reads a <see cref="Trace"/> from
/// <list type="bullet">
/// <item>a NumPy <c>.npz</c> file (as <c>numpy.savez</c> or <c>numpy.savez_compressed</c> write it),</item>
/// <item>a folder of <c>.npy</c> files (an unzipped <c>.npz</c>: <c>q.npy</c>, <c>k.npy</c>, <c>v.npy</c>, or one subfolder per group),</item>
/// <item>the simulate command's JSON data file <c>{"keys", "values", "queries"}</c> (one instance),</item>
/// <item>three .npy files given by path (<see cref="LoadNpy"/>).</item>
/// </list>
/// Array names: <c>q</c> (queries, [m, d] or per head [h, m, d]), <c>k</c> (keys, [n, d] or
/// [h, n, d]) and <c>v</c> (values, the shape of <c>k</c>). Several groups (say one per layer)
/// live in one file as <c>&lt;group&gt;/q</c>, <c>&lt;group&gt;/k</c>, <c>&lt;group&gt;/v</c>
/// (<c>numpy.savez(f, **{"layer0/q": q0, ...})</c>). A rank-2 array beside rank-3 ones is shared by
/// every head. dtypes: float16, float32 or float64, either byte order, C or Fortran order
/// (.npy format versions 1, 2 and 3). Every problem is a <see cref="UserException"/> that names the
/// file, the array and what was expected.
/// </summary>
public static class TraceReader
{
    public const string QueryArray = "q";
    public const string KeyArray = "k";
    public const string ValueArray = "v";

    private static readonly string[] Roles = [QueryArray, KeyArray, ValueArray];

    /// <summary>Reads a trace from an .npz file, a folder of .npy files or a .json data file.</summary>
    public static Trace Load(string path)
    {
        if (Directory.Exists(path))
        {
            return ReadNpyFolder(path);
        }
        if (!File.Exists(path))
        {
            throw new UserException($"trace '{path}' does not exist (expected an .npz file, a folder of .npy files or a .json data file)");
        }
        var source = Path.GetFileName(path);
        var extension = Path.GetExtension(path).ToLowerInvariant();
        try
        {
            switch (extension)
            {
                case ".npz":
                    {
                        using var stream = File.OpenRead(path);
                        return ReadNpz(stream, source);
                    }
                case ".json":
                    return ReadJson(Simulation.DataFile.ReadText(path, "trace"), source);
                case ".npy":
                    throw new UserException(
                        $"{source}: a trace needs three arrays (q, k, v): give an .npz file or a folder holding q.npy, k.npy and v.npy");
                default:
                    throw new UserException($"{source}: unknown trace format '{extension}' (expected .npz, .json or a folder of .npy files)");
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new UserException($"cannot read trace '{path}': {e.Message}", e);
        }
    }

    /// <summary>Reads an .npz archive; <paramref name="source"/> names it in messages.</summary>
    public static Trace ReadNpz(Stream stream, string source)
    {
        var arrays = new List<NpyArray>();
        try
        {
            using var zip = new ZipArchive(stream, ZipArchiveMode.Read, leaveOpen: true);
            foreach (var entry in zip.Entries)
            {
                if (entry.FullName.EndsWith('/'))
                {
                    continue;
                }
                if (!entry.FullName.EndsWith(".npy", StringComparison.Ordinal))
                {
                    throw new UserException($"{source}: entry '{entry.FullName}' is not an .npy array (an .npz holds only .npy files)");
                }
                var name = entry.FullName[..^".npy".Length];
                using var entryStream = entry.Open();
                using var buffer = new MemoryStream();
                try
                {
                    entryStream.CopyTo(buffer);
                }
                catch (InvalidDataException e)
                {
                    throw new UserException($"{source}: array '{name}' cannot be read: {e.Message}", e);
                }
                buffer.Position = 0;
                arrays.Add(ReadNpy(buffer, source, name));
            }
        }
        catch (InvalidDataException e)
        {
            throw new UserException($"{source} is not a readable .npz (zip) file: {e.Message}", e);
        }
        return FromArrays(source, arrays);
    }

    /// <summary>Reads a folder of .npy files: q.npy, k.npy, v.npy, and/or &lt;group&gt;/q.npy and so on.</summary>
    public static Trace ReadNpyFolder(string folder)
    {
        var source = Path.GetFileName(Path.TrimEndingDirectorySeparator(folder)) + "/";
        var files = Directory.EnumerateFiles(folder, "*.npy", SearchOption.AllDirectories)
            .Select(f => Path.GetRelativePath(folder, f).Replace(Path.DirectorySeparatorChar, '/'))
            .OrderBy(f => f, NaturalComparer.Instance)
            .ToList();
        var arrays = new List<NpyArray>();
        foreach (var file in files)
        {
            using var stream = File.OpenRead(Path.Combine(folder, file));
            arrays.Add(ReadNpy(stream, source, file[..^".npy".Length]));
        }
        return FromArrays(source, arrays);
    }

    /// <summary>Reads three .npy files, wherever they are, as the arrays q, k and v of one group.</summary>
    public static Trace LoadNpy(string queries, string keys, string values)
    {
        var arrays = new List<NpyArray>();
        foreach (var (path, role) in new[] { (queries, QueryArray), (keys, KeyArray), (values, ValueArray) })
        {
            try
            {
                using var stream = File.OpenRead(path);
                arrays.Add(ReadNpy(stream, Path.GetFileName(path), role));
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                throw new UserException($"cannot read '{path}' ({role}): {e.Message}", e);
            }
        }
        return FromArrays(string.Join(", ", Path.GetFileName(queries), Path.GetFileName(keys), Path.GetFileName(values)), arrays);
    }

    /// <summary>
    /// Reads the simulate command's data file <c>{"keys", "values", "queries"}</c> as one instance, with the
    /// parser <c>simulate</c> uses (<see cref="Simulation.DataFile.Read"/>): a query is <c>[d reals]</c> or
    /// <c>{"q": [d reals], "mode", "iterations", "thresholdPercent"}</c>, of which the trace keeps q.
    /// </summary>
    public static Trace ReadJson(string json, string source)
    {
        var content = Simulation.DataFile.Read(json, source);
        return new Trace(source, [new AttentionInstance("", null, content.Queries.Select(q => q.Q).ToArray(), content.Keys, content.Values)]);
    }

    /// <summary>One array as read: its name in the file, shape, dtype name and values in C order.</summary>
    private sealed record NpyArray(string Name, int[] Shape, string DType, double[]? Data)
    {
        public string ShapeText => "[" + string.Join(", ", Shape) + "]";
    }

    private static NpyArray ReadNpy(Stream stream, string source, string name)
    {
        NDArray array;
        try
        {
            array = np.load_npy(stream);
        }
        catch (Exception e) when (e is not UserException)
        {
            throw new UserException($"{source}: array '{name}' is not a readable .npy array: {e.Message}", e);
        }
        var shape = array.shape.Select(s => checked((int)s)).ToArray();
        var dtype = array.typecode switch
        {
            NPTypeCode.Half => "float16",
            NPTypeCode.Single => "float32",
            NPTypeCode.Double => "float64",
            var other => other.ToString().ToLowerInvariant(),
        };
        double[]? data = array.typecode switch
        {
            NPTypeCode.Double => array.ToArray<double>(),
            NPTypeCode.Single or NPTypeCode.Half => array.astype(NPTypeCode.Double).ToArray<double>(),
            _ => null,
        };
        return new NpyArray(name, shape, dtype, data);
    }

    private static Trace FromArrays(string source, List<NpyArray> arrays)
    {
        if (arrays.Count == 0)
        {
            throw new UserException($"{source}: holds no arrays; a trace holds arrays named q, k and v");
        }
        var groups = new List<string>();
        var byName = new Dictionary<string, NpyArray>(StringComparer.Ordinal);
        foreach (var array in arrays)
        {
            int slash = array.Name.LastIndexOf('/');
            var group = slash < 0 ? "" : array.Name[..slash];
            var role = array.Name[(slash + 1)..];
            if (!Roles.Contains(role))
            {
                throw new UserException(
                    $"{source}: array '{array.Name}' is not part of a trace (expected arrays named q, k, v, or <group>/q, <group>/k, <group>/v)");
            }
            if (!groups.Contains(group))
            {
                groups.Add(group);
            }
            byName[array.Name] = array;
        }
        var instances = new List<AttentionInstance>();
        (int D, string Array)? firstD = null;
        foreach (var group in groups)
        {
            string prefix = group.Length == 0 ? "" : group + "/";
            var present = Roles.Where(r => byName.ContainsKey(prefix + r)).Select(r => $"'{prefix}{r}'").ToList();
            foreach (var role in Roles)
            {
                if (!byName.ContainsKey(prefix + role))
                {
                    throw new UserException(
                        $"{source}: array '{prefix}{role}' is missing (found {string.Join(", ", present)}); a trace holds arrays q, k and v{(group.Length == 0 ? "" : " in every group")}");
                }
            }
            var q = byName[prefix + QueryArray];
            var k = byName[prefix + KeyArray];
            var v = byName[prefix + ValueArray];
            foreach (var a in new[] { q, k, v })
            {
                if (a.Data is null)
                {
                    throw new UserException($"{source}: array '{a.Name}' has dtype {a.DType}, expected float16, float32 or float64");
                }
            }
            if (q.Shape.Length is not (2 or 3))
            {
                throw new UserException($"{source}: array '{q.Name}' has shape {q.ShapeText}, expected [m, d] or [h, m, d]");
            }
            int d = q.Shape[^1];
            foreach (var a in new[] { k, v })
            {
                if (a.Shape.Length is not (2 or 3))
                {
                    throw new UserException($"{source}: array '{a.Name}' has shape {a.ShapeText}, expected [n, d] or [h, n, d]");
                }
                if (a.Shape[^1] != d)
                {
                    throw new UserException(
                        $"{source}: array '{a.Name}' has shape {a.ShapeText}, expected {Pattern(a, "n")} with d = {d} matching '{q.Name}'");
                }
            }
            if (v.Shape[^2] != k.Shape[^2])
            {
                throw new UserException(
                    $"{source}: array '{v.Name}' has shape {v.ShapeText}, expected {Pattern(v, "n")} with n = {k.Shape[^2]} matching '{k.Name}'");
            }
            var headed = new[] { q, k, v }.FirstOrDefault(a => a.Shape.Length == 3);
            int? heads = headed?.Shape[0];
            foreach (var a in new[] { q, k, v })
            {
                if (a.Shape.Length == 3 && a.Shape[0] != heads)
                {
                    throw new UserException(
                        $"{source}: array '{a.Name}' has shape {a.ShapeText}, expected {Pattern(a, ReferenceEquals(a, q) ? "m" : "n")} with h = {heads} matching '{headed!.Name}'");
                }
                if (a.Shape.Any(s => s == 0))
                {
                    throw new UserException(
                        $"{source}: array '{a.Name}' has shape {a.ShapeText}, expected {Pattern(a, ReferenceEquals(a, q) ? "m" : "n")} with every size at least 1");
                }
            }
            if (firstD is { } first && first.D != d)
            {
                throw new UserException(
                    $"{source}: array '{q.Name}' has d = {d} but '{first.Array}' has d = {first.D}; every instance of a trace has the same d");
            }
            firstD ??= (d, q.Name);
            foreach (var a in new[] { q, k, v })
            {
                int bad = Array.FindIndex(a.Data!, x => !double.IsFinite(x));
                if (bad >= 0)
                {
                    throw new UserException($"{source}: array '{a.Name}' holds {a.Data![bad]} at {Index(a.Shape, bad)}; every value must be finite");
                }
            }
            for (int h = 0; h < (heads ?? 1); h++)
            {
                instances.Add(new AttentionInstance(group, heads is null ? null : h, Rows(q, h), Rows(k, h), Rows(v, h)));
            }
        }
        return new Trace(source, instances);

        static string Pattern(NpyArray a, string rows) => a.Shape.Length == 3 ? $"[h, {rows}, d]" : $"[{rows}, d]";
    }

    private static double[][] Rows(NpyArray a, int head)
    {
        int rows = a.Shape[^2];
        int d = a.Shape[^1];
        int offset = a.Shape.Length == 3 ? head * rows * d : 0;
        var result = new double[rows][];
        for (int r = 0; r < rows; r++)
        {
            result[r] = a.Data!.AsSpan(offset + r * d, d).ToArray();
        }
        return result;
    }

    private static string Index(int[] shape, int flat)
    {
        var index = new int[shape.Length];
        for (int i = shape.Length - 1; i >= 0; i--)
        {
            index[i] = flat % shape[i];
            flat /= shape[i];
        }
        return "[" + string.Join(", ", index) + "]";
    }

    /// <summary>Orders "layer2" before "layer10": digit runs compare as numbers.</summary>
    private sealed class NaturalComparer : IComparer<string>
    {
        public static readonly NaturalComparer Instance = new();

        public int Compare(string? x, string? y)
        {
            x ??= "";
            y ??= "";
            int i = 0, j = 0;
            while (i < x.Length && j < y.Length)
            {
                if (char.IsAsciiDigit(x[i]) && char.IsAsciiDigit(y[j]))
                {
                    int si = i, sj = j;
                    while (i < x.Length && char.IsAsciiDigit(x[i]))
                    {
                        i++;
                    }
                    while (j < y.Length && char.IsAsciiDigit(y[j]))
                    {
                        j++;
                    }
                    var a = x[si..i].TrimStart('0');
                    var b = y[sj..j].TrimStart('0');
                    int c = a.Length != b.Length ? a.Length.CompareTo(b.Length) : string.CompareOrdinal(a, b);
                    if (c != 0)
                    {
                        return c;
                    }
                }
                else
                {
                    int c = x[i].CompareTo(y[j]);
                    if (c != 0)
                    {
                        return c;
                    }
                    i++;
                    j++;
                }
            }
            return (x.Length - i).CompareTo(y.Length - j);
        }
    }
}
