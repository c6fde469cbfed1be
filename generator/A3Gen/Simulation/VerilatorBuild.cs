using System.Collections.Concurrent;
using System.Diagnostics;
using System.Security.Cryptography;
using System.Text;
using A3Gen.Elaboration;
using A3Gen.Emission;
using A3Gen.Tools;

namespace A3Gen.Simulation;

/// <summary>
/// A built Verilator shared library: its path, whether this call built it or found it in the cache, and whether a
/// build linked the runtime objects an earlier build had kept in the cache.
/// </summary>
public sealed record VerilatorLibrary(string Path, string Hash, bool Trace, bool Built, TimeSpan BuildTime, bool RuntimeReused = false);

/// <summary>
/// Builds the generated RTL and the per-configuration C++ shim into a shared library with
/// <c>verilator --cc --exe</c> and its makefile (as <c>--build</c> would run it), and caches it by a SHA-256 of
/// everything that goes into it; the Verilator runtime's objects, the same for every configuration, are compiled once
/// a cache (<c>runtime-&lt;key&gt;/</c> beside the libraries).
/// <para>
/// Cache: <c>$A3GEN_CACHE</c>, else <c>$XDG_CACHE_HOME/a3gen</c>, else <c>~/.cache/a3gen</c>; each library
/// lives in <c>verilator/&lt;prefix&gt;-&lt;hash&gt;/</c>. A build runs in a private temporary folder inside the
/// cache and is renamed into place when complete, so readers never see a half-built library and
/// processes that race on the same hash both succeed (the loser drops its copy). Within a process a
/// lock per hash makes concurrent callers wait for one build.
/// </para>
/// </summary>
public static class VerilatorBuild
{
    /// <summary>Parallel compile jobs.</summary>
    public const int Jobs = 2;

    /// <summary>
    /// C++ flags for the model, the shim and the Verilator runtime: position-independent code for a
    /// shared library, no STB_GNU_UNIQUE symbols (they would merge two configurations' runtimes into one),
    /// hidden symbols except the shim's entry points. Optimisation comes from <see cref="MakeFlags"/>.
    /// </summary>
    public static IReadOnlyList<string> CompilerFlags { get; } = ["-fPIC", "-fno-gnu-unique", "-fvisibility=hidden"];

    /// <summary>Linker flags: a shared library whose own symbols bind locally.</summary>
    public static IReadOnlyList<string> LinkerFlags { get; } = ["-shared", "-Wl,-Bsymbolic"];

    /// <summary>
    /// Make variables that replace Verilator's default optimisation levels (-Os). Measured on a 2-core
    /// machine, a cold build takes 3-7 s for a3-small and for a3-paper alike, most of it the Verilator
    /// runtime; -O1, -O2 and -Os were within that noise, so -O1 everywhere, the cheapest that still
    /// simulates a3-paper at about 0.5 M cycles/s.
    /// </summary>
    public static IReadOnlyList<string> MakeFlags { get; } = ["OPT_FAST=-O1", "OPT_SLOW=-O1", "OPT_GLOBAL=-O1"];

    private static readonly ConcurrentDictionary<string, SemaphoreSlim> Locks = new(StringComparer.Ordinal);

    private static string? verilatorVersion;

    /// <summary>The cache root (not created here).</summary>
    public static string CacheRoot()
    {
        var env = Environment.GetEnvironmentVariable("A3GEN_CACHE");
        if (!string.IsNullOrEmpty(env))
        {
            return System.IO.Path.GetFullPath(env);
        }
        var xdg = Environment.GetEnvironmentVariable("XDG_CACHE_HOME");
        if (!string.IsNullOrEmpty(xdg))
        {
            return System.IO.Path.Combine(System.IO.Path.GetFullPath(xdg), "a3gen");
        }
        var home = Environment.GetFolderPath(Environment.SpecialFolder.UserProfile);
        if (string.IsNullOrEmpty(home))
        {
            throw new UserException("cannot find a cache folder for Verilator builds: set A3GEN_CACHE");
        }
        return System.IO.Path.Combine(home, ".cache", "a3gen");
    }

    /// <summary>Returns the library for the design, building it if the cache (default: <see cref="CacheRoot"/>) does not hold it.</summary>
    public static VerilatorLibrary Build(Design design, bool trace = false, TemplateRenderer? renderer = null, string? cacheRoot = null)
    {
        renderer ??= TemplateRenderer.Default();
        var verilator = FindVerilator();
        var version = VerilatorVersion(verilator);
        var modules = Emitter.RtlFiles(new Emitter(renderer).Render(design));
        var shim = VerilatorShim.Render(renderer, design, trace);
        var arguments = Arguments(design, trace, modules);
        var hash = Hash(version, arguments, modules, shim);
        var finalDir = System.IO.Path.Combine(cacheRoot ?? CacheRoot(), "verilator", $"{design.Prefix}-{hash[..16]}");
        var libraryName = LibraryName(design, trace);
        var libraryPath = System.IO.Path.Combine(finalDir, libraryName);

        var gate = Locks.GetOrAdd(hash, _ => new SemaphoreSlim(1, 1));
        gate.Wait();
        try
        {
            if (File.Exists(libraryPath))
            {
                return new VerilatorLibrary(libraryPath, hash, trace, false, TimeSpan.Zero);
            }
            var watch = Stopwatch.StartNew();
            var parent = System.IO.Path.GetDirectoryName(finalDir)!;
            Directory.CreateDirectory(parent);
            var work = System.IO.Path.Combine(parent, $".tmp-{design.Prefix}-{hash[..16]}-{Environment.ProcessId}-{Guid.NewGuid():N}");
            Directory.CreateDirectory(work);
            bool reused;
            try
            {
                foreach (var module in modules)
                {
                    File.WriteAllBytes(System.IO.Path.Combine(work, module.Name), Encoding.UTF8.GetBytes(module.Text));
                }
                File.WriteAllBytes(System.IO.Path.Combine(work, VerilatorShim.FileName), Encoding.UTF8.GetBytes(shim));
                var objDir = System.IO.Path.Combine(work, "obj");
                Run(verilator, [.. arguments.Where(a => a != "--build")], work, design);
                var runtimeDir = System.IO.Path.Combine(parent, $"runtime-{RuntimeKey(version, trace)[..16]}");
                reused = CopyRuntime(runtimeDir, objDir);
                Run(ExternalTool.Require("make", "install make (apt-get install -y make), which Verilator's build needs"),
                    ["-C", "obj", "-f", $"{VerilatorShim.ModelClass(design)}.mk", "-j", Jobs.ToString(System.Globalization.CultureInfo.InvariantCulture), .. MakeFlags],
                    work, design);
                if (!reused)
                {
                    SaveRuntime(objDir, runtimeDir);
                }
                var built = System.IO.Path.Combine(work, "obj", libraryName);
                if (!File.Exists(built))
                {
                    throw new UserException($"verilator build of {design.Config.Name} produced no {libraryName} in {work}");
                }
                // Keep the sources and the library; drop the object folder (hundreds of MB for large designs).
                File.Move(built, System.IO.Path.Combine(work, libraryName));
                Directory.Delete(System.IO.Path.Combine(work, "obj"), true);
                File.WriteAllText(System.IO.Path.Combine(work, "inputs.sha256"), hash + "\n");
                try
                {
                    Directory.Move(work, finalDir);
                }
                catch (IOException) when (File.Exists(libraryPath))
                {
                    // Another process finished the same build first: use its copy.
                }
            }
            finally
            {
                if (Directory.Exists(work))
                {
                    Directory.Delete(work, true);
                }
            }
            return new VerilatorLibrary(libraryPath, hash, trace, true, watch.Elapsed, reused);
        }
        finally
        {
            gate.Release();
        }
    }

    /// <summary>
    /// Key of the Verilator runtime objects (verilated.o, verilated_threads.o and, with a trace, verilated_fst_c.o): the
    /// same for every configuration, since they are compiled from Verilator's own sources with the options alone (the
    /// version, the trace flag, <see cref="CompilerFlags"/> and <see cref="MakeFlags"/>) and the compiler. They are
    /// about half of a cold build's compile time (a3-small: 4.8 of 8.8 CPU seconds), so the first build keeps them in
    /// the cache and later builds link the same objects.
    /// </summary>
    private static string RuntimeKey(string version, bool trace)
    {
        var cxx = Environment.GetEnvironmentVariable("CXX") ?? "g++";
        var text = string.Join('\0', [version, trace ? "trace-fst" : "no-trace", cxx, CompilerVersion(cxx), .. CompilerFlags, .. LinkerFlags, .. MakeFlags]);
        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text)));
    }

    private static readonly ConcurrentDictionary<string, string> CompilerVersions = new(StringComparer.Ordinal);

    /// <summary>The compiler's <c>--version</c> output, so that a compiler upgrade compiles the runtime afresh.</summary>
    private static string CompilerVersion(string cxx) => CompilerVersions.GetOrAdd(cxx, c =>
    {
        try
        {
            var (code, output) = ExternalTool.Run(c, ["--version"], Directory.GetCurrentDirectory());
            return code == 0 ? output.Trim() : $"exit {code}";
        }
        catch (Exception e) when (e is UserException or System.ComponentModel.Win32Exception or InvalidOperationException)
        {
            // make reports the missing compiler with its own message.
            return "unknown";
        }
    });

    /// <summary>
    /// Copies the cached runtime objects into the build's object folder after Verilator wrote its makefiles, with a
    /// fresh modification time, so that make takes them as built. False when the cache holds none yet.
    /// </summary>
    public static bool CopyRuntime(string runtimeDir, string objDir)
    {
        if (!File.Exists(System.IO.Path.Combine(runtimeDir, "complete")))
        {
            return false;
        }
        var now = DateTime.UtcNow;
        foreach (var o in Directory.GetFiles(runtimeDir, "verilated*.o"))
        {
            var target = System.IO.Path.Combine(objDir, System.IO.Path.GetFileName(o));
            File.Copy(o, target, true);
            File.SetLastWriteTimeUtc(target, now);
        }
        return true;
    }

    /// <summary>Keeps a build's runtime objects in the cache (written aside, then renamed into place; a race keeps the first).</summary>
    public static void SaveRuntime(string objDir, string runtimeDir)
    {
        var objects = Directory.GetFiles(objDir, "verilated*.o");
        if (objects.Length == 0 || Directory.Exists(runtimeDir))
        {
            return;
        }
        var temp = $"{runtimeDir}.tmp-{Environment.ProcessId}-{Guid.NewGuid():N}";
        Directory.CreateDirectory(temp);
        try
        {
            foreach (var o in objects)
            {
                File.Copy(o, System.IO.Path.Combine(temp, System.IO.Path.GetFileName(o)));
            }
            File.WriteAllText(System.IO.Path.Combine(temp, "complete"), string.Join('\n', objects.Select(System.IO.Path.GetFileName)) + "\n");
            Directory.Move(temp, runtimeDir);
        }
        catch (IOException) when (Directory.Exists(runtimeDir))
        {
            // Another build kept its copy first.
        }
        finally
        {
            if (Directory.Exists(temp))
            {
                Directory.Delete(temp, true);
            }
        }
    }

    /// <summary>File name of the library: one per configuration and trace variant.</summary>
    public static string LibraryName(Design design, bool trace) => $"lib{VerilatorShim.SymbolPrefix(design)}{(trace ? "_trace" : "")}.so";

    private static List<string> Arguments(Design design, bool trace, IReadOnlyList<GeneratedFile> modules)
    {
        var args = new List<string>
        {
            "--cc", "--exe", "--build", "-j", Jobs.ToString(System.Globalization.CultureInfo.InvariantCulture),
            "--prefix", VerilatorShim.ModelClass(design),
            "--top-module", VerilatorShim.TopModule(design),
            "-Mdir", "obj",
            "-o", LibraryName(design, trace),
            "-CFLAGS", string.Join(' ', CompilerFlags),
            "-LDFLAGS", string.Join(' ', LinkerFlags),
            "-MAKEFLAGS", string.Join(' ', MakeFlags),
        };
        if (trace)
        {
            args.Add("--trace-fst");
        }
        args.Add(VerilatorShim.FileName);
        args.AddRange(modules.Select(m => m.Name));
        return args;
    }

    private static string Hash(string version, IReadOnlyList<string> arguments, IReadOnlyList<GeneratedFile> modules, string shim)
    {
        using var sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        void Add(string label, string text)
        {
            var bytes = Encoding.UTF8.GetBytes(text);
            sha.AppendData(Encoding.UTF8.GetBytes($"{label}\0{bytes.Length}\0"));
            sha.AppendData(bytes);
        }
        Add("verilator", version);
        Add("arguments", string.Join('\0', arguments));
        Add("shim", shim);
        foreach (var module in modules)
        {
            Add(module.Name, module.Text);
        }
        return Convert.ToHexStringLower(sha.GetHashAndReset());
    }

    /// <summary>The verilator executable on <paramref name="searchPath"/> (default: PATH), or a <see cref="UserException"/> saying it is missing.</summary>
    public static string FindVerilator(string? searchPath = null) =>
        ExternalTool.Require("verilator", "install it (apt-get install -y verilator, version 5) to run the Verilator co-simulation", searchPath);

    private static string VerilatorVersion(string verilator)
    {
        if (verilatorVersion is not null)
        {
            return verilatorVersion;
        }
        var (code, output) = ExternalTool.Run(verilator, ["--version"], Directory.GetCurrentDirectory());
        if (code != 0)
        {
            throw new UserException($"'{verilator} --version' failed with exit code {code}: {output.Trim()}");
        }
        return verilatorVersion = output.Trim();
    }

    private static void Run(string verilator, IReadOnlyList<string> arguments, string workDir, Design design)
    {
        var (code, output) = ExternalTool.Run(verilator, arguments, workDir);
        if (code != 0)
        {
            var lines = output.Split('\n', StringSplitOptions.RemoveEmptyEntries);
            var tail = string.Join("\n", lines.TakeLast(30));
            throw new UserException($"verilator build of {design.Config.Name} failed (exit code {code}):\n{tail}");
        }
    }
}
