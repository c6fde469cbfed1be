using System.IO.Compression;
using A3Gen.Traces;
using NumSharp;

namespace A3Gen.Tests;

/// <summary>
/// The trace readers: NumPy files made by NumPy itself (TraceFiles/make_fixtures.py) of each shape,
/// dtype, byte order, memory order and format version; the simulate command's JSON; and each kind of
/// bad file, whose message must name the file, the array and what was expected.
/// </summary>
public class TraceReaderTests
{
    private static string Fixture(string name) => Path.Combine(TestSupport.RepoRoot, "tests", "A3Gen.Tests", "TraceFiles", name);

    /// <summary>The fixtures' values: element [h, r, c] = base + 100 h + 10 r + c / 2 (make_fixtures.py).</summary>
    private static double Expected(double @base, int h, int r, int c) => @base + h * 100.0 + r * 10.0 + c * 0.5;

    private static void AssertFixtureInstance(AttentionInstance instance, int h, int m = 3, int n = 4, int d = 5)
    {
        Assert.Equal(m, instance.QueryCount);
        Assert.Equal(n, instance.Rows);
        Assert.Equal(d, instance.Dimension);
        for (int c = 0; c < d; c++)
        {
            for (int r = 0; r < m; r++)
            {
                Assert.Equal(Expected(1, h, r, c), instance.Queries[r][c]);
            }
            for (int r = 0; r < n; r++)
            {
                Assert.Equal(Expected(2, h, r, c), instance.Keys[r][c]);
                Assert.Equal(Expected(3, h, r, c), instance.Values[r][c]);
            }
        }
    }

    [Fact]
    public void PerHeadFloat32Npz()
    {
        var trace = TraceReader.Load(Fixture("heads-f4.npz"));
        Assert.Equal(2, trace.Instances.Count);
        Assert.Equal(5, trace.Dimension);
        for (int h = 0; h < 2; h++)
        {
            Assert.Equal("", trace.Instances[h].Group);
            Assert.Equal(h, trace.Instances[h].Head);
            Assert.Equal($"head{h}", trace.Instances[h].Name);
            AssertFixtureInstance(trace.Instances[h], h);
        }
    }

    [Fact]
    public void PlainFloat64CompressedNpz()
    {
        var trace = TraceReader.Load(Fixture("plain-f8.npz"));
        var instance = Assert.Single(trace.Instances);
        Assert.Null(instance.Head);
        Assert.Equal("trace", instance.Name);
        AssertFixtureInstance(instance, 0);
    }

    [Fact]
    public void GroupedFloat16Npz()
    {
        var trace = TraceReader.Load(Fixture("groups-f2.npz"));
        Assert.Equal(["layer0/head0", "layer0/head1", "layer1/head0", "layer1/head1"], trace.Instances.Select(i => i.Name));
        foreach (var instance in trace.Instances)
        {
            AssertFixtureInstance(instance, instance.Head!.Value);
        }
    }

    [Fact]
    public void FolderOfNpyBigEndianFortranAndVersion3()
    {
        var trace = TraceReader.Load(Fixture("folder"));
        Assert.Equal(2, trace.Instances.Count);
        AssertFixtureInstance(trace.Instances[0], 0);
        AssertFixtureInstance(trace.Instances[1], 1);
    }

    [Fact]
    public void NpyFormatVersion2()
    {
        var dir = TestSupport.TempDir("trace-v2");
        File.Copy(Fixture("v2.npy"), Path.Combine(dir, "v.npy"));
        File.Copy(Path.Combine(Fixture("folder"), "k.npy"), Path.Combine(dir, "k.npy"));
        File.Copy(Path.Combine(Fixture("folder"), "q.npy"), Path.Combine(dir, "q.npy"));
        var trace = TraceReader.Load(dir);
        AssertFixtureInstance(trace.Instances[1], 1);
    }

    [Fact]
    public void ThreeNpyFilesByPath()
    {
        var folder = Fixture("folder");
        var trace = TraceReader.LoadNpy(Path.Combine(folder, "q.npy"), Path.Combine(folder, "k.npy"), Path.Combine(folder, "v.npy"));
        AssertFixtureInstance(trace.Instances[1], 1);
        var e = Assert.Throws<UserException>(() => TraceReader.LoadNpy(Path.Combine(folder, "q.npy"), Fixture("v2.npy"), Path.Combine(folder, "q.npy")));
        Assert.Equal("q.npy, v2.npy, q.npy: array 'v' has shape [2, 3, 5], expected [h, n, d] with n = 4 matching 'k'", e.Message);
    }

    [Fact]
    public void RankTwoKeysAreSharedByEveryHead()
    {
        var path = WriteNpz(("q", Values(1, 2, 3, 5)), ("k", Values(2, 4, 5)), ("v", Values(3, 4, 5)));
        var trace = TraceReader.Load(path);
        Assert.Equal(2, trace.Instances.Count);
        Assert.Equal(trace.Instances[0].Keys, trace.Instances[1].Keys);
        Assert.Equal(1 + (15 + 2 * 5 + 4) * 0.25, trace.Instances[1].Queries[2][4]);
    }

    [Fact]
    public void JsonDataFileIsOneInstance()
    {
        var trace = TraceReader.Load(Path.Combine(TestSupport.RepoRoot, "testbenches", "data", "a3-small-example.json"));
        var instance = Assert.Single(trace.Instances);
        Assert.Equal(4, instance.Dimension);
        Assert.True(instance.Rows >= 1);
        Assert.Equal(instance.Rows, instance.Values.Length);
    }

    [Fact]
    public void JsonDataFileWithQueryObjectsReadsTheirQ()
    {
        // The same parser as simulate: a query may be an object with its own settings; the trace keeps q.
        var json = """{"keys": [[1, 2], [3, 4]], "values": [[5, 6], [7, 8]], "queries": [[0.5, 1], {"q": [2, 3], "mode": "approx", "iterations": 2}]}""";
        var instance = Assert.Single(TraceReader.ReadJson(json, "d.json").Instances);
        Assert.Equal([[0.5, 1], [2, 3]], instance.Queries);
        Assert.Equal([[1, 2], [3, 4]], instance.Keys);
        var e = Assert.Throws<UserException>(() => TraceReader.ReadJson("""{"keys": [[1, 2]], "values": [[1, 2]], "queries": [[0, 1],]}""", "d.json"));
        Assert.Equal("d.json: line 1, column 59: trailing comma (not allowed in JSON)", e.Message);
    }

    [Fact]
    public void WriterRoundTripsThroughTheReaderAndIsDeterministic()
    {
        var trace = SyntheticTraces.Gaussian(seed: 7, instances: 3, queries: 2, rows: 5, dimension: 4);
        var dir = TestSupport.TempDir("trace-writer");
        var a = Path.Combine(dir, "a.npz");
        var b = Path.Combine(dir, "b.npz");
        TraceWriter.WriteNpz(trace, a, TracePrecision.Float64);
        TraceWriter.WriteNpz(trace, b, TracePrecision.Float64);
        Assert.Equal(File.ReadAllBytes(a), File.ReadAllBytes(b));
        var back = TraceReader.Load(a);
        Assert.Equal(trace.Instances.Select(i => i.Name), back.Instances.Select(i => i.Name));
        for (int i = 0; i < trace.Instances.Count; i++)
        {
            Assert.Equal(trace.Instances[i].Queries, back.Instances[i].Queries);
            Assert.Equal(trace.Instances[i].Keys, back.Instances[i].Keys);
            Assert.Equal(trace.Instances[i].Values, back.Instances[i].Values);
        }
        var f32 = Path.Combine(dir, "f32.npz");
        TraceWriter.WriteNpz(trace, f32);
        var single = TraceReader.Load(f32);
        Assert.Equal((double)(float)trace.Instances[2].Keys[4][3], single.Instances[2].Keys[4][3]);
        using var zip = ZipFile.OpenRead(f32);
        Assert.Equal(["gaussian/q.npy", "gaussian/k.npy", "gaussian/v.npy"], zip.Entries.Select(e => e.FullName));
    }

    // ---- bad files: every message names the file, the array and what was expected ----

    [Fact]
    public void WrongRank()
    {
        var path = WriteNpz(("q", Values(1, 2, 2, 3, 5)), ("k", Values(2, 4, 5)), ("v", Values(3, 4, 5)));
        AssertError(path, "bad.npz: array 'q' has shape [2, 2, 3, 5], expected [m, d] or [h, m, d]");
        path = WriteNpz(("q", Values(1, 3, 5)), ("k", np.arange(5).astype(np.float32)), ("v", Values(3, 4, 5)));
        AssertError(path, "bad.npz: array 'k' has shape [5], expected [n, d] or [h, n, d]");
    }

    [Fact]
    public void MismatchedDimension()
    {
        var path = WriteNpz(("q", Values(1, 4, 3, 32)), ("k", Values(2, 4, 7, 16)), ("v", Values(3, 4, 7, 32)));
        AssertError(path, "bad.npz: array 'k' has shape [4, 7, 16], expected [h, n, d] with d = 32 matching 'q'");
    }

    [Fact]
    public void MismatchedRowsBetweenKeysAndValues()
    {
        var path = WriteNpz(("q", Values(1, 3, 5)), ("k", Values(2, 4, 5)), ("v", Values(3, 6, 5)));
        AssertError(path, "bad.npz: array 'v' has shape [6, 5], expected [n, d] with n = 4 matching 'k'");
    }

    [Fact]
    public void MismatchedHeads()
    {
        var path = WriteNpz(("q", Values(1, 2, 3, 5)), ("k", Values(2, 3, 4, 5)), ("v", Values(3, 3, 4, 5)));
        AssertError(path, "bad.npz: array 'k' has shape [3, 4, 5], expected [h, n, d] with h = 2 matching 'q'");
    }

    [Fact]
    public void EmptyArray()
    {
        var empty = np.zeros(new Shape(0, 5), NPTypeCode.Single);
        var path = WriteNpz(("q", Values(1, 3, 5)), ("k", empty), ("v", empty));
        AssertError(path, "bad.npz: array 'k' has shape [0, 5], expected [n, d] with every size at least 1");
    }

    [Fact]
    public void WrongDtype()
    {
        AssertError(Fixture("int-k.npz"), "int-k.npz: array 'k' has dtype int32, expected float16, float32 or float64");
        AssertErrorStartsWith(Fixture("object-v.npz"), "object-v.npz: array 'v' is not a readable .npy array: ");
    }

    [Fact]
    public void TruncatedNpyInFolder()
    {
        var dir = TestSupport.TempDir("trace-truncated");
        foreach (var f in new[] { "q", "k", "v" })
        {
            File.Copy(Path.Combine(Fixture("folder"), f + ".npy"), Path.Combine(dir, f + ".npy"));
        }
        var v = File.ReadAllBytes(Path.Combine(dir, "v.npy"));
        File.WriteAllBytes(Path.Combine(dir, "v.npy"), v[..(v.Length - 9)]);
        var e = Assert.Throws<UserException>(() => TraceReader.Load(dir));
        Assert.StartsWith($"{Path.GetFileName(dir)}/: array 'v' is not a readable .npy array: ", e.Message);
        Assert.Contains("expected 320 bytes", e.Message);
    }

    [Fact]
    public void TruncatedNpz()
    {
        var bytes = File.ReadAllBytes(Fixture("heads-f4.npz"));
        var path = Path.Combine(TestSupport.TempDir("trace-truncated-npz"), "cut.npz");
        File.WriteAllBytes(path, bytes[..(bytes.Length / 2)]);
        AssertErrorStartsWith(path, "cut.npz is not a readable .npz (zip) file: ");
    }

    [Fact]
    public void TruncatedArrayInsideAnNpz()
    {
        var k = np.save(Values(2, 4, 5));
        var path = Path.Combine(TestSupport.TempDir("trace-truncated-entry"), "cut.npz");
        using (var zip = ZipFile.Open(path, ZipArchiveMode.Create))
        {
            foreach (var (name, bytes) in new[] { ("q", np.save(Values(1, 3, 5))), ("k", k[..(k.Length - 12)]), ("v", np.save(Values(3, 4, 5))) })
            {
                using var s = zip.CreateEntry(name + ".npy").Open();
                s.Write(bytes);
            }
        }
        var e = Assert.Throws<UserException>(() => TraceReader.Load(path));
        Assert.StartsWith("cut.npz: array 'k' is not a readable .npy array: ", e.Message);
        Assert.Contains("expected 80 bytes got 68", e.Message);
    }

    [Fact]
    public void MissingArray()
    {
        var path = WriteNpz(("q", Values(1, 3, 5)), ("k", Values(2, 4, 5)));
        AssertError(path, "bad.npz: array 'v' is missing (found 'q', 'k'); a trace holds arrays q, k and v");
        path = WriteNpz(("layer0/q", Values(1, 3, 5)), ("layer0/k", Values(2, 4, 5)), ("layer0/v", Values(3, 4, 5)), ("layer1/q", Values(1, 3, 5)), ("layer1/v", Values(3, 4, 5)));
        AssertError(path, "bad.npz: array 'layer1/k' is missing (found 'layer1/q', 'layer1/v'); a trace holds arrays q, k and v in every group");
    }

    [Fact]
    public void UnknownArrayAndMixedDimensions()
    {
        var path = WriteNpz(("Q", Values(1, 3, 5)), ("k", Values(2, 4, 5)), ("v", Values(3, 4, 5)));
        AssertError(path, "bad.npz: array 'Q' is not part of a trace (expected arrays named q, k, v, or <group>/q, <group>/k, <group>/v)");
        path = WriteNpz(("a/q", Values(1, 3, 5)), ("a/k", Values(2, 4, 5)), ("a/v", Values(3, 4, 5)), ("b/q", Values(1, 3, 6)), ("b/k", Values(2, 4, 6)), ("b/v", Values(3, 4, 6)));
        AssertError(path, "bad.npz: array 'b/q' has d = 6 but 'a/q' has d = 5; every instance of a trace has the same d");
    }

    [Fact]
    public void NonFiniteValue()
    {
        var k = Values(2, 4, 5);
        k[2, 3] = float.NaN;
        var path = WriteNpz(("q", Values(1, 3, 5)), ("k", k), ("v", Values(3, 4, 5)));
        AssertError(path, "bad.npz: array 'k' holds NaN at [2, 3]; every value must be finite");
    }

    [Fact]
    public void NotATraceFile()
    {
        var dir = TestSupport.TempDir("trace-kinds");
        var npy = Path.Combine(dir, "q.npy");
        File.Copy(Path.Combine(Fixture("folder"), "q.npy"), npy);
        AssertError(npy, "q.npy: a trace needs three arrays (q, k, v): give an .npz file or a folder holding q.npy, k.npy and v.npy");
        AssertError(Path.Combine(dir, "none.npz"), $"trace '{Path.Combine(dir, "none.npz")}' does not exist (expected an .npz file, a folder of .npy files or a .json data file)");
        var json = Path.Combine(dir, "d.json");
        File.WriteAllText(json, """{"keys": [[1, 2]], "values": [[1, 2, 3]], "queries": [[0, 1]]}""");
        AssertError(json, "d.json: values[0] has 3 elements, expected d = 2 (the length of keys[0])");
        File.WriteAllText(json, """{"keys": [[1, 2]], "values": [[1, 2]]}""");
        AssertError(json, "d.json: field 'queries' is missing");
    }

    [Fact]
    public void TraceFitsAConfiguration()
    {
        var trace = SyntheticTraces.Gaussian(1, 2, 1, 20, 4);
        trace.CheckFits(4, 20);
        var e = Assert.Throws<UserException>(() => trace.CheckFits(4, 16));
        Assert.Equal($"{trace.Source}: gaussian/head0 has n = 20 key rows; the configuration allows at most maxRows = 16", e.Message);
        e = Assert.Throws<UserException>(() => trace.CheckFits(8, 32));
        Assert.Equal($"{trace.Source}: the trace has d = 4; the configuration's dimension d is 8", e.Message);
    }

    private static NDArray Values(double @base, params int[] shape)
    {
        var a = np.zeros(new Shape(shape), NPTypeCode.Single);
        var flat = new float[a.size];
        for (int i = 0; i < flat.Length; i++)
        {
            flat[i] = (float)(@base + i * 0.25);
        }
        return np.array(flat).reshape(shape);
    }

    private static string WriteNpz(params (string Name, NDArray Array)[] arrays)
    {
        var path = Path.Combine(TestSupport.TempDir("trace-bad"), "bad.npz");
        using var zip = ZipFile.Open(path, ZipArchiveMode.Create);
        foreach (var (name, array) in arrays)
        {
            using var s = zip.CreateEntry(name + ".npy").Open();
            s.Write(np.save(array));
        }
        return path;
    }

    private static void AssertError(string path, params string[] anyOf)
    {
        var e = Assert.Throws<UserException>(() => TraceReader.Load(path));
        Assert.Contains(e.Message, anyOf);
    }

    private static void AssertErrorStartsWith(string path, string prefix)
    {
        var e = Assert.Throws<UserException>(() => TraceReader.Load(path));
        Assert.StartsWith(prefix, e.Message);
    }
}
