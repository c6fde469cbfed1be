using System.IO.Compression;
using NumSharp;

namespace A3Gen.Traces;

/// <summary>The element type a trace is written with.</summary>
public enum TracePrecision
{
    Float32,
    Float64,
}

/// <summary>
/// Writes a <see cref="Trace"/> as a NumPy <c>.npz</c> file that <see cref="TraceReader"/> and
/// <c>numpy.load</c> read back: per group, arrays <c>q</c>, <c>k</c>, <c>v</c> (named
/// <c>&lt;group&gt;/q</c> and so on when the group has a name), [h, rows, d] when the group's
/// instances carry head indices 0..h-1, else [rows, d]. The archive is deflated and its entries
/// carry a fixed time stamp, so the same trace gives the same bytes.
/// </summary>
public static class TraceWriter
{
    private static readonly DateTimeOffset FixedStamp = new(1980, 1, 1, 0, 0, 0, TimeSpan.Zero);

    public static void WriteNpz(Trace trace, string path, TracePrecision precision = TracePrecision.Float32)
    {
        var folder = Path.GetDirectoryName(Path.GetFullPath(path))!;
        Directory.CreateDirectory(folder);
        var staging = path + ".tmp";
        using (var stream = File.Create(staging))
        {
            WriteNpz(trace, stream, precision);
        }
        File.Move(staging, path, overwrite: true);
    }

    public static void WriteNpz(Trace trace, Stream stream, TracePrecision precision = TracePrecision.Float32)
    {
        using var zip = new ZipArchive(stream, ZipArchiveMode.Create, leaveOpen: true);
        foreach (var group in trace.Instances.GroupBy(i => i.Group))
        {
            var instances = group.ToList();
            string prefix = group.Key.Length == 0 ? "" : group.Key + "/";
            bool headed = instances[0].Head is not null;
            if (headed)
            {
                for (int h = 0; h < instances.Count; h++)
                {
                    if (instances[h].Head != h)
                    {
                        throw new ArgumentException(
                            $"group '{group.Key}': instance {h} has head {instances[h].Head?.ToString() ?? "none"}; heads must run 0..h-1 in order");
                    }
                }
            }
            else if (instances.Count != 1)
            {
                throw new ArgumentException($"group '{group.Key}' has {instances.Count} instances without head indices; give them heads 0..h-1");
            }
            Write(prefix + TraceReader.QueryArray, instances.Select(i => i.Queries).ToList());
            Write(prefix + TraceReader.KeyArray, instances.Select(i => i.Keys).ToList());
            Write(prefix + TraceReader.ValueArray, instances.Select(i => i.Values).ToList());

            void Write(string name, List<double[][]> matrices)
            {
                int rows = matrices[0].Length;
                int d = matrices[0][0].Length;
                if (matrices.Any(m => m.Length != rows || m.Any(r => r.Length != d)))
                {
                    throw new ArgumentException($"array '{name}': every head must have the same shape [{rows}, {d}]");
                }
                var flat = matrices.SelectMany(m => m).SelectMany(r => r).ToArray();
                NDArray array = precision == TracePrecision.Float32
                    ? np.array(flat.Select(x => (float)x).ToArray())
                    : np.array(flat);
                array = headed ? array.reshape(matrices.Count, rows, d) : array.reshape(rows, d);
                var entry = zip.CreateEntry(name + ".npy", CompressionLevel.Optimal);
                entry.LastWriteTime = FixedStamp;
                using var entryStream = entry.Open();
                entryStream.Write(np.save(array));
            }
        }
    }
}
