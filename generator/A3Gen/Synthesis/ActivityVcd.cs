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
/// The activity of every net of one scope of a VCD file over the steady-state window of a back-to-back run:
/// from the rising clock edge that takes the first result to the one that takes the last (so the window is
/// <c>results - 1</c> result intervals, every stage busy with some query). <see cref="Cycles"/> counts the
/// rising edges after the first taken result up to and including the last. Value changes of one time step
/// are collapsed to the step's final value (zero-delay simulation: no glitches).
/// </summary>
public sealed class ActivityVcd
{
    public required IReadOnlyDictionary<string, NetActivity> Nets { get; init; }

    public required long Cycles { get; init; }

    public required int ResultsTaken { get; init; }

    /// <summary>Rising clock edges of the whole dump (loads included).</summary>
    public required long TotalEdges { get; init; }

    /// <summary>
    /// Reads <paramref name="path"/>: the nets declared directly in <paramref name="scope"/> (dot-separated,
    /// from the top), with the clock and the result handshake named by their nets in that scope.
    /// </summary>
    public static ActivityVcd Read(string path, string scope, string clock, string resultValid, string resultReady)
    {
        using var reader = new StreamReader(path, System.Text.Encoding.ASCII, false, 1 << 20);
        var ids = new Dictionary<string, int>(StringComparer.Ordinal);
        var names = new List<List<string>>();
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
        var committedToggles = new long[n];
        var committedHigh = new long[n];
        var committedUnknown = new long[n];
        var pending = new Dictionary<int, byte>();
        bool counting = false;
        long edges = 0, cycles = 0, committedCycles = 0;
        int taken = 0;

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
                    taken++;
                    if (counting)
                    {
                        Array.Copy(toggles, committedToggles, n);
                        Array.Copy(high, committedHigh, n);
                        Array.Copy(unknown, committedUnknown, n);
                        committedCycles = cycles;
                    }
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
        var nets = new Dictionary<string, NetActivity>(StringComparer.Ordinal);
        for (int i = 0; i < n; i++)
        {
            foreach (var name in names[i])
            {
                nets[name] = new NetActivity(name, committedToggles[i], committedHigh[i], committedUnknown[i]);
            }
        }
        return new ActivityVcd { Nets = nets, Cycles = committedCycles, ResultsTaken = taken, TotalEdges = edges };
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
