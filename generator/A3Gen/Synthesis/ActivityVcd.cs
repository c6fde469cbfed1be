using System.Globalization;

namespace A3Gen.Synthesis;

/// <summary>
/// One net's measured activity over the window: value changes between 0 and 1 (<see cref="Toggles"/>), the
/// clock edges at which it was 1 (<see cref="HighEdges"/>, sampled just before each edge: for an SRAM enable,
/// the accesses) and at which it was X or Z (<see cref="UnknownEdges"/>).
/// </summary>
public sealed record NetActivity(string Net, long Toggles, long HighEdges, long UnknownEdges)
{
    /// <summary>Measured: a definite 0 or 1 at every clock edge of the window.</summary>
    public bool Measured => UnknownEdges == 0;
}

/// <summary>
/// The activity of every net of one scope of a VCD file of a back-to-back run, counted from the rising clock
/// edge that takes the first result and snapshotted at every edge that takes a result, so that a window between
/// two taken results can be chosen afterwards (<see cref="Between"/>): the pipeline is full (every stage busy with
/// some query) from the first result until the last query has left the first stage. Value changes of one time
/// step are collapsed to the step's final value (zero-delay simulation: no glitches).
/// </summary>
public sealed class ActivityVcd
{
    private sealed record Snapshot(long Cycles, long[] Toggles, long[] High, long[] Unknown);

    private readonly List<Snapshot> snapshots = [];
    private readonly List<List<string>> names = [];

    public int ResultsTaken => snapshots.Count;

    /// <summary>Rising clock edges from the take of result <paramref name="from"/> to that of result <paramref name="to"/>.</summary>
    public long CyclesBetween(int from, int to) => snapshots[to].Cycles - snapshots[from].Cycles;

    /// <summary>Every net's activity between the takes of results <paramref name="from"/> and <paramref name="to"/> (0-based).</summary>
    public IReadOnlyDictionary<string, NetActivity> Between(int from, int to)
    {
        var a = snapshots[from];
        var b = snapshots[to];
        var nets = new Dictionary<string, NetActivity>(StringComparer.Ordinal);
        for (int i = 0; i < names.Count; i++)
        {
            foreach (var name in names[i])
            {
                nets[name] = new NetActivity(name, b.Toggles[i] - a.Toggles[i], b.High[i] - a.High[i], b.Unknown[i] - a.Unknown[i]);
            }
        }
        return nets;
    }

    /// <summary>Rising clock edges of the whole dump (loads included).</summary>
    public long TotalEdges { get; private set; }

    /// <summary>
    /// Reads <paramref name="path"/>: the nets declared directly in <paramref name="scope"/> (dot-separated,
    /// from the top), with the clock and the result handshake named by their nets in that scope.
    /// </summary>
    public static ActivityVcd Read(string path, string scope, string clock, string resultValid, string resultReady)
    {
        using var reader = new StreamReader(path, System.Text.Encoding.ASCII, false, 1 << 20);
        var result = new ActivityVcd();
        var ids = new Dictionary<string, int>(StringComparer.Ordinal);
        var names = result.names;
        var stack = new List<string>();
        string? line;
        bool inDefinitions = true;
        while (inDefinitions && (line = reader.ReadLine()) is not null)
        {
            var t = line.Trim();
            if (t.StartsWith("$scope", StringComparison.Ordinal))
            {
                var f = Tokens(t, reader);
                stack.Add(f[2]);
            }
            else if (t.StartsWith("$upscope", StringComparison.Ordinal))
            {
                stack.RemoveAt(stack.Count - 1);
            }
            else if (t.StartsWith("$var", StringComparison.Ordinal))
            {
                var f = Tokens(t, reader);
                // $var wire 1 ! name [range] $end
                if (string.Join('.', stack) != scope)
                {
                    continue;
                }
                if (f[2] != "1")
                {
                    throw new UserException($"{Path.GetFileName(path)}: net {f[4]} in {scope} is {f[2]} bits wide; the activity reader takes scalar nets only");
                }
                if (!ids.TryGetValue(f[3], out int index))
                {
                    ids[f[3]] = index = names.Count;
                    names.Add([]);
                }
                names[index].Add(f[4]);
            }
            else if (t.StartsWith("$enddefinitions", StringComparison.Ordinal))
            {
                inDefinitions = false;
            }
        }
        int Find(string net) => ids.FirstOrDefault(kv => names[kv.Value].Contains(net)).Key is { } id ? ids[id]
            : throw new UserException($"{Path.GetFileName(path)}: no net {net} in scope {scope}");
        int clk = Find(clock), rv = Find(resultValid), rr = Find(resultReady);

        int n = names.Count;
        var value = new byte[n];
        Array.Fill(value, (byte)2);
        var toggles = new long[n];
        var high = new long[n];
        var unknown = new long[n];
        var pending = new Dictionary<int, byte>();
        bool counting = false;
        long edges = 0, cycles = 0;

        void Flush()
        {
            if (pending.TryGetValue(clk, out var nc) && nc == 1 && value[clk] == 0)
            {
                edges++;
                bool take = value[rv] == 1 && value[rr] == 1;
                if (counting)
                {
                    cycles++;
                    for (int i = 0; i < n; i++)
                    {
                        if (value[i] == 1)
                        {
                            high[i]++;
                        }
                        else if (value[i] == 2)
                        {
                            unknown[i]++;
                        }
                    }
                }
                if (take)
                {
                    result.snapshots.Add(new Snapshot(cycles, (long[])toggles.Clone(), (long[])high.Clone(), (long[])unknown.Clone()));
                    counting = true;
                }
            }
            foreach (var (i, v) in pending)
            {
                if (counting && v != 2 && value[i] != 2 && v != value[i])
                {
                    toggles[i]++;
                }
                value[i] = v;
            }
            pending.Clear();
        }

        while ((line = reader.ReadLine()) is not null)
        {
            if (line.Length == 0)
            {
                continue;
            }
            char c = line[0];
            if (c == '#')
            {
                Flush();
            }
            else if (c is '0' or '1' or 'x' or 'X' or 'z' or 'Z')
            {
                if (ids.TryGetValue(line[1..], out int i))
                {
                    pending[i] = c == '0' ? (byte)0 : c == '1' ? (byte)1 : (byte)2;
                }
            }
            else if (c is 'b' or 'B')
            {
                int sp = line.IndexOf(' ', StringComparison.Ordinal);
                if (sp > 0 && ids.TryGetValue(line[(sp + 1)..], out int i))
                {
                    var bits = line[1..sp];
                    pending[i] = bits == "0" ? (byte)0 : bits == "1" ? (byte)1 : (byte)2;
                }
            }
        }
        Flush();
        result.TotalEdges = edges;
        return result;
    }

    /// <summary>The tokens of a declaration up to its $end, which may run over several lines.</summary>
    private static string[] Tokens(string first, StreamReader reader)
    {
        var text = first;
        while (!text.Contains("$end", StringComparison.Ordinal))
        {
            text += " " + (reader.ReadLine() ?? throw new UserException("VCD header ends inside a declaration"));
        }
        return text.Split([' ', '\t'], StringSplitOptions.RemoveEmptyEntries);
    }

    internal static string Num(double v) => v.ToString("0.######", CultureInfo.InvariantCulture);
}
