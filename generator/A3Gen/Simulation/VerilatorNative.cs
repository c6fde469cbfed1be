using System.Collections.Concurrent;
using System.Runtime.InteropServices;
using System.Text;

namespace A3Gen.Simulation;

/// <summary>
/// The entry points of one loaded shim library (see <c>templates/sim/verilator_shim.cpp.scriban</c>).
/// A library is loaded once per process and never unloaded: the Verilator runtime inside it keeps
/// static state, and unloading it under a live model would crash.
/// </summary>
public sealed unsafe class VerilatorNative
{
    private static readonly ConcurrentDictionary<string, Lazy<VerilatorNative>> Loaded = new(StringComparer.Ordinal);

    private readonly delegate* unmanaged<nint> create;
    private readonly delegate* unmanaged<nint, void> destroy;
    private readonly delegate* unmanaged<nint, void> eval;
    private readonly delegate* unmanaged<nint, int, uint*, int, int> set;
    private readonly delegate* unmanaged<nint, int, uint*, int, int> get;
    private readonly delegate* unmanaged<nint, byte*, int> traceOpen;
    private readonly delegate* unmanaged<nint, ulong, void> traceDump;
    private readonly delegate* unmanaged<nint, void> traceClose;

    public string Path { get; }

    public int PortCount { get; }

    public bool HasTrace { get; }

    private VerilatorNative(string path, string symbolPrefix)
    {
        Path = path;
        nint library;
        try
        {
            library = NativeLibrary.Load(path);
        }
        catch (Exception e) when (e is DllNotFoundException or BadImageFormatException)
        {
            throw new UserException($"cannot load the Verilator library {path}: {e.Message}", e);
        }
        nint Symbol(string name) =>
            NativeLibrary.TryGetExport(library, $"{symbolPrefix}_{name}", out var address)
                ? address
                : throw new UserException($"the Verilator library {path} has no entry point {symbolPrefix}_{name}");

        var abi = ((delegate* unmanaged<int>)Symbol("abi_version"))();
        if (abi != ShimView.Abi)
        {
            throw new UserException($"the Verilator library {path} has shim ABI {abi}, this driver expects {ShimView.Abi}: delete it to rebuild");
        }
        PortCount = ((delegate* unmanaged<int>)Symbol("port_count"))();
        HasTrace = ((delegate* unmanaged<int>)Symbol("has_trace"))() != 0;
        create = (delegate* unmanaged<nint>)Symbol("create");
        destroy = (delegate* unmanaged<nint, void>)Symbol("destroy");
        eval = (delegate* unmanaged<nint, void>)Symbol("eval");
        set = (delegate* unmanaged<nint, int, uint*, int, int>)Symbol("set");
        get = (delegate* unmanaged<nint, int, uint*, int, int>)Symbol("get");
        traceOpen = (delegate* unmanaged<nint, byte*, int>)Symbol("trace_open");
        traceDump = (delegate* unmanaged<nint, ulong, void>)Symbol("trace_dump");
        traceClose = (delegate* unmanaged<nint, void>)Symbol("trace_close");
    }

    /// <summary>Loads the library (once per path and process) and resolves the entry points named after the configuration.</summary>
    public static VerilatorNative Load(string path, string symbolPrefix) =>
        Loaded.GetOrAdd(path, p => new Lazy<VerilatorNative>(() => new VerilatorNative(p, symbolPrefix))).Value;

    internal nint Create() => create();

    internal void Destroy(nint handle) => destroy(handle);

    internal void Eval(nint handle) => eval(handle);

    internal void Set(nint handle, int port, ReadOnlySpan<uint> words)
    {
        fixed (uint* p = words)
        {
            if (set(handle, port, p, words.Length) != 0)
            {
                throw new ArgumentException($"the shim refused to set port {port} from {words.Length} word(s)");
            }
        }
    }

    internal void Get(nint handle, int port, Span<uint> words)
    {
        fixed (uint* p = words)
        {
            if (get(handle, port, p, words.Length) != 0)
            {
                throw new ArgumentException($"the shim refused to read port {port} into {words.Length} word(s)");
            }
        }
    }

    internal void TraceOpen(nint handle, string file)
    {
        var bytes = Encoding.UTF8.GetBytes(file + "\0");
        fixed (byte* p = bytes)
        {
            if (traceOpen(handle, p) != 0)
            {
                throw new InvalidOperationException($"the Verilator library {Path} was built without tracing");
            }
        }
    }

    internal void TraceDump(nint handle, ulong time) => traceDump(handle, time);

    internal void TraceClose(nint handle) => traceClose(handle);
}

/// <summary>One instance of the Verilator model (its own VerilatedContext): ports by index, as 32-bit words.</summary>
public sealed class VerilatedModel : IDisposable
{
    private readonly VerilatorNative native;
    private nint handle;

    public VerilatedModel(VerilatorNative native)
    {
        this.native = native;
        handle = native.Create();
    }

    public bool HasTrace => native.HasTrace;

    public void Eval() => native.Eval(Handle);

    public void Set(int port, ReadOnlySpan<uint> words) => native.Set(Handle, port, words);

    public void Get(int port, Span<uint> words) => native.Get(Handle, port, words);

    public void TraceOpen(string path) => native.TraceOpen(Handle, path);

    public void TraceDump(ulong time) => native.TraceDump(Handle, time);

    public void TraceClose() => native.TraceClose(Handle);

    public void Dispose()
    {
        if (handle != 0)
        {
            native.Destroy(handle);
            handle = 0;
        }
    }

    private nint Handle => handle != 0 ? handle : throw new ObjectDisposedException(nameof(VerilatedModel));
}
