using A3Gen.Configuration;
using A3Gen.Elaboration;
using CsCheck;
using Newtonsoft.Json.Linq;

namespace A3Gen.Tests;

/// <summary>
/// Property-based testing (CsCheck: seeded generators that shrink a failure to a small case). The suite runs a
/// small sample; <c>A3GEN_FUZZ_SCALE=k</c> multiplies every sample (scripts/fuzz.sh runs the large campaign),
/// <c>A3GEN_FUZZ_SEED</c> replays the seed a failure printed, and <c>A3GEN_FUZZ_REPORT=file</c> collects the counts.
/// </summary>
public static class Fuzz
{
    private static readonly Lock ReportLock = new();

    public static int Scale => int.TryParse(Environment.GetEnvironmentVariable("A3GEN_FUZZ_SCALE"), out int k) && k > 0 ? k : 1;

    /// <summary>How many cases a property runs: <c>A3GEN_FUZZ_&lt;NAME&gt;</c> if set, else the default times <see cref="Scale"/>.</summary>
    public static long Iterations(string name, long byDefault) =>
        long.TryParse(Environment.GetEnvironmentVariable("A3GEN_FUZZ_" + name), out long n) && n > 0 ? n : byDefault * Scale;

    /// <summary>
    /// A time limit scaled by how busy the machine is (load average over cores, at least 1): the limits are for
    /// an idle machine, and the suite shares two cores with whatever else runs.
    /// </summary>
    public static double LoadScaled(double seconds)
    {
        double load = double.TryParse(File.Exists("/proc/loadavg") ? File.ReadAllText("/proc/loadavg").Split(' ')[0] : "0",
            System.Globalization.CultureInfo.InvariantCulture, out double l) ? l : 0;
        return seconds * Math.Max(1, load / Environment.ProcessorCount);
    }

    public static string? Seed => Environment.GetEnvironmentVariable("A3GEN_FUZZ_SEED") is { Length: > 0 } s ? s : null;

    /// <summary>Appends "what: count" to the report file, if one is set.</summary>
    public static void Count(string what, long count)
    {
        var path = Environment.GetEnvironmentVariable("A3GEN_FUZZ_REPORT");
        if (string.IsNullOrEmpty(path))
        {
            return;
        }
        lock (ReportLock)
        {
            File.AppendAllText(path, $"{what}: {count}\n");
        }
    }

    /// <summary>The configuration as a user writes it: the canonical JSON without its derived "prefix" and without null fields.</summary>
    public static JObject Json(A3Config config)
    {
        var obj = JObject.Parse(config.ToCanonicalJson());
        obj.Remove("prefix");
        foreach (var p in obj.Properties().Where(p => p.Value.Type == JTokenType.Null).ToArray())
        {
            p.Remove();
        }
        return obj;
    }

    /// <summary>Usually small (three times in four at most <paramref name="small"/>), sometimes anywhere up to <paramref name="max"/>.</summary>
    public static Gen<int> Sized(int min, int small, int max) =>
        from wide in Gen.Int[0, 3]
        from value in wide == 0 ? Gen.Int[min, max] : Gen.Int[min, Math.Max(min, Math.Min(small, max))]
        select value;

    private const string NameChars = "abcdefghijklmnopqrstuvwxyz0123456789-";

    /// <summary>A valid name: a letter, then up to 31 of [a-z0-9-], not ending in '-'.</summary>
    public static Gen<string> Name { get; } =
        from length in Gen.Int[0, 31]
        from seed in Gen.Int[0, int.MaxValue]
        select MakeName(length, seed);

    private static string MakeName(int length, int seed)
    {
        var rng = new Random(seed);
        var chars = new char[length + 1];
        chars[0] = (char)('a' + rng.Next(26));
        for (int k = 1; k <= length; k++)
        {
            chars[k] = NameChars[rng.Next(k == length ? NameChars.Length - 1 : NameChars.Length)];
        }
        return new string(chars);
    }

    /// <summary>
    /// Valid configurations over every field's whole range, each optional field given or left to its default;
    /// the cross-field rules are met by drawing the dependent field inside the range the others allow.
    /// </summary>
    public static Gen<A3Config> ValidConfig(int smallRows = 64, int maxRows = 4096, int smallDimension = 16, int maxDimension = 256) =>
        from name in Name
        from n in Sized(1, smallRows, maxRows)
        from d in Sized(1, smallDimension, maxDimension)
        from i in Gen.Int[0, 12]
        from f in Gen.Int[1, Math.Min(12, 15 - i)]
        from fe in Gen.Int[0, 16]
        from fw in Gen.Int[0, 16]
        from fo in Gen.Int[-1, 28]
        from guard in Gen.Int[0, 8]
        from lo in Gen.Int[-1, 100]
        from adder in Gen.Int[1, 8]
        from divider in Gen.Int[0, 18]
        from syncReset in Gen.Bool
        from queues in Gen.Int[1, 256]
        from iterations in Gen.Int[-1, 2 * 4096 * 256]
        from c in Gen.Int[5, 16]
        from s in Gen.Int[1, 8]
        from clock in Gen.Int[1, 5000]
        select Build(name, n, d, i, f, fe, fw, fo, guard, lo, adder, divider, syncReset, queues, iterations, c, s, clock);

    /// <summary>0 or -1 picks mean "leave to the default" where the default is allowed.</summary>
    private static A3Config Build(string name, int n, int d, int i, int f, int fe, int fw, int fo, int guard, int lo, int adder, int divider,
        bool syncReset, int queues, int iterations, int c, int s, int clock)
    {
        int? expBits = fe == 0 && 2 * f <= 16 ? null : Math.Max(1, fe);
        int? weightBits = fw == 0 && 2 * f <= 16 ? null : Math.Max(1, fw);
        int fwResolved = weightBits ?? 2 * f;
        int maxOut = fwResolved + f;
        int? outBits = fo < 0 && 3 * f <= maxOut ? null : Math.Max(0, fo) % (maxOut + 1);
        var allowed = ExpTableSplit.AllowedLoBits(2 * f, expBits ?? 2 * f, guard);
        int? loBits = lo < 0 || allowed.Count == 0 ? null : allowed[lo % allowed.Count];
        return new A3Config
        {
            Name = name,
            MaxRows = n,
            Dimension = d,
            IntegerBits = i,
            FractionBits = f,
            ExpFractionBits = expBits,
            WeightFractionBits = weightBits,
            OutputFractionBits = outBits,
            ExpTableGuardBits = guard,
            ExpTableLoBits = loBits,
            AdderLevelsPerStage = adder,
            DividerLatency = divider == 0 ? null : 1 + ((divider - 1) % (fwResolved + 2)),
            Reset = syncReset ? ResetStyle.SyncHigh : ResetStyle.AsyncLow,
            QueryQueueDepth = 1 + ((queues - 1) % 16),
            ResultQueueDepth = 1 + ((queues - 1) / 16),
            MaxIterations = iterations < 0 ? null : 1 + (iterations % (2 * n * d)),
            ProductQueueDepth = c,
            ScanWidth = 1 << s,
            TargetClockMhz = clock,
        };
    }

    /// <summary>
    /// Checks a manifest's formats against the design and against their derivations, recomputed here: each format
    /// holds the extreme values its derivation says it must (so no width can overflow), with the fraction bits it
    /// must have. A format this check does not know fails it, so a new format gets a check.
    /// </summary>
    public static void CheckFormats(Design design, JObject manifest)
    {
        var config = design.Config;
        int w = 1 + config.IntegerBits + config.FractionBits, f = config.FractionBits;
        int d = config.Dimension, n = config.MaxRows;
        int fe = config.ResolvedExpFractionBits, fw = config.ResolvedWeightFractionBits, fo = config.ResolvedOutputFractionBits;
        long inMin = -(1L << (w - 1)), inMax = (1L << (w - 1)) - 1;
        long pMax = inMin * inMin, pMin = inMin * inMax;
        long sMax = d * pMax, sMin = d * pMin;
        long weighted = (1L << fw) * inMin;
        var expected = new Dictionary<string, (int Fraction, long[] Holds)>
        {
            ["input"] = (f, [inMin, inMax]),
            ["product"] = (2 * f, [pMin, pMax]),
            ["score"] = (2 * f, [sMin, sMax]),
            ["difference"] = (2 * f, [0, sMax - sMin]),
            ["exp input"] = (2 * f, [0, design.Exp.ClampRaw]),
            ["exp"] = (fe, [0, 1L << fe]),
            ["expsum"] = (fe, [0, (long)n << fe]),
            ["weight"] = (fw, [0, 1L << fw]),
            ["weighted value"] = (fw + f, [weighted, (1L << fw) * inMax]),
            ["accumulator"] = (fw + f, [n * weighted, n * (1L << fw) * inMax]),
            ["output"] = (fo, [RoundShift(n * weighted, fw + f - fo), RoundShift(n * (1L << fw) * inMax, fw + f - fo)]),
            ["iteration count"] = (0, [0, design.MaxIterations]),
            ["threshold"] = (2 * f, [0, sMax - sMin]),
            ["greedy score"] = (2 * f, [sMin, sMax]),
            ["running sum"] = (2 * f, [2 * n * sMin, 2 * n * sMax]),
        };
        var formats = (JArray)manifest["formats"]!;
        Assert.Equal(expected.Keys.Order(), formats.Select(x => (string)x["name"]!).Order());
        foreach (var format in formats)
        {
            var name = (string)format["name"]!;
            var (fraction, holds) = expected[name];
            var fixedFormat = new FixedFormat(name, (bool)format["signed"]!, (int)format["width"]!, (int)format["fractionBits"]!, "");
            Assert.True(fraction == fixedFormat.FractionBits, $"{name}: {fixedFormat.FractionBits} fraction bits, expected {fraction}");
            Assert.Equal(fixedFormat.IntegerBits, (int)format["integerBits"]!);
            Assert.False(string.IsNullOrWhiteSpace((string?)format["derivation"]), $"{name} has no derivation");
            foreach (var value in holds)
            {
                Assert.True(fixedFormat.Holds(value), $"{name} {fixedFormat.Describe()} cannot hold {value}, which its derivation allows");
            }
        }
        // The exp unit: e(0) = 1.0 exactly, e = 0 at the clamp, tables within the bound, the error bound on every u (or a sample).
        var exp = design.Exp;
        Assert.Equal(1L << fe, exp.Exp(0));
        Assert.Equal(0, exp.Exp(exp.ClampRaw));
        Assert.True(exp.LoBits <= ExpTableSplit.MaxIndexBits && exp.HiBits <= ExpTableSplit.MaxIndexBits, $"exp tables {exp.LoBits} + {exp.HiBits} bits");
        long step = Math.Max(1, exp.ClampRaw / 4096);
        for (long u = 0; u <= exp.ClampRaw; u += step)
        {
            double error = Math.Abs((exp.Exp(u) / Math.Pow(2, fe)) - Math.Exp(-u / Math.Pow(2, 2 * f)));
            Assert.True(error <= exp.MaxError + 1e-12, $"exp error {error} at u = {u} exceeds {exp.MaxError}");
        }
    }

    private static long RoundShift(long value, int shift) => shift == 0 ? value : (value + (1L << (shift - 1))) >> shift;
}
