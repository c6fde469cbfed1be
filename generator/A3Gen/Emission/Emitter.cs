using System.Reflection;
using System.Security.Cryptography;
using System.Text;
using A3Gen.Elaboration;
using Newtonsoft.Json;
using Newtonsoft.Json.Linq;

namespace A3Gen.Emission;

/// <summary>One generated file: its name in the output folder and its text.</summary>
public sealed record GeneratedFile(string Name, string Text)
{
    public string Sha256 => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(Text)));
}

/// <summary>
/// Turns an elaborated <see cref="Design"/> into Verilog (through the Scriban templates), a file list
/// and a manifest. Output is a pure function of the configuration: byte-identical on every machine.
/// </summary>
public sealed class Emitter(TemplateRenderer renderer)
{
    public static string GeneratorVersion { get; } =
        typeof(Emitter).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion.Split('+')[0] ?? "0.0.0";

    /// <summary>
    /// The Verilog files of a generated file set, in <c>filelist.f</c> order (leaves first, the top last):
    /// what the simulators and synthesis compile, exactly as <c>generate</c> writes it.
    /// </summary>
    public static IReadOnlyList<GeneratedFile> RtlFiles(IReadOnlyList<GeneratedFile> fileSet)
    {
        var byName = fileSet.ToDictionary(f => f.Name, StringComparer.Ordinal);
        var list = byName.TryGetValue(FileListName, out var filelist)
            ? filelist.Text.Split('\n', StringSplitOptions.RemoveEmptyEntries)
            : throw new ArgumentException($"the file set has no {FileListName}");
        return list.Select(name => byName.TryGetValue(name, out var file) ? file
            : throw new ArgumentException($"{FileListName} names {name}, which the file set does not hold")).ToList();
    }

    public const string FileListName = "filelist.f";

    /// <summary>Module files in dependency order (leaves first, the top last): the file list's order.</summary>
    private List<GeneratedFile> RenderModules(Design design)
    {
        var common = CommonView.Of(design, GeneratorVersion);
        GeneratedFile Module(string module, string template, object view) =>
            new($"{design.Prefix}_{module}.v", renderer.Render("rtl/include/header.scriban", common)
                + renderer.Render(template, common, view).TrimEnd('\n') + "\n\n`resetall\n");
        var sorter = design.OnChipSort
            ? new[] { Module("sram_dp", "rtl/sram_dp.v.scriban", PlainModuleView.Instance), Module("sorter", "rtl/sorter.v.scriban", SorterViewBuilder.Sorter(design)) }
            : [];
        // The softmax: the paper's exponent and output stages (with the weight divider), or the one-pass online stage.
        var softmax = design.IsOnePass
            ? new[] { Module("online", "rtl/online.v.scriban", OnlineViewBuilder.Online(design)) }
            : [
                Module("exponent", "rtl/exponent.v.scriban", ModuleViewBuilder.Exponent(design)),
                Module("output", "rtl/output.v.scriban", ModuleViewBuilder.Output(design)),
            ];
        var divider = design.IsOnePass ? [] : new[] { Module("divider", "rtl/divider.v.scriban", ModuleViewBuilder.Divider(design)) };
        // The score and exp buffers' three-bank control (three-pass softmax).
        var ring = design.IsOnePass ? [] : new[] { Module("ring", "rtl/ring.v.scriban", PlainModuleView.Instance) };
        return
        [
            Module("sram", "rtl/sram.v.scriban", PlainModuleView.Instance),
            .. sorter,
            Module("fifo", "rtl/fifo.v.scriban", PlainModuleView.Instance),
            Module("pingpong", "rtl/pingpong.v.scriban", PlainModuleView.Instance),
            .. ring,
            Module("exp_hi_rom", "rtl/exp_rom.v.scriban", ModuleViewBuilder.ExpHiRom(design)),
            Module("exp_lo_rom", "rtl/exp_rom.v.scriban", ModuleViewBuilder.ExpLoRom(design)),
            .. divider,
            Module("column_side", "rtl/column_side.v.scriban", CandidateViewBuilder.ColumnSide(design)),
            Module("merge_node", "rtl/merge_node.v.scriban", CandidateViewBuilder.MergeNode(design)),
            Module("candidate", "rtl/candidate.v.scriban", CandidateViewBuilder.Candidate(design)),
            Module("dot_product", "rtl/dot_product.v.scriban", ModuleViewBuilder.DotProduct(design)),
            .. softmax,
            Module("top", "rtl/top.v.scriban", ModuleViewBuilder.Top(design)),
        ];
    }

    /// <summary>Every file of the output folder: modules, filelist.f, the flow files (FuseSoC core, SDC, Yosys scripts) and manifest.json.</summary>
    public IReadOnlyList<GeneratedFile> Render(Design design)
    {
        var modules = RenderModules(design);
        var filelist = new GeneratedFile(FileListName, string.Concat(modules.Select(m => m.Name + "\n")));
        var files = modules.Append(filelist).ToList();
        files.AddRange(FlowFiles.Render(renderer, design, GeneratorVersion, modules.Select(m => m.Name).ToList()));
        files.Add(new GeneratedFile("manifest.json", Manifest.Build(design, GeneratorVersion, files)));
        return files;
    }

    /// <summary>
    /// Writes the files into <paramref name="outDir"/>: first into a sibling temporary folder, then
    /// swapped in, so an error leaves the previous output as it was and never a half-written one.
    /// Files in <paramref name="outDir"/> that the generator did not write are removed.
    /// </summary>
    public static void Write(IReadOnlyList<GeneratedFile> files, string outDir) =>
        Publish(outDir, staging =>
        {
            foreach (var file in files)
            {
                File.WriteAllBytes(Path.Combine(staging, file.Name), Encoding.UTF8.GetBytes(file.Text));
            }
        });

    /// <summary>
    /// Fills a sibling temporary folder with <paramref name="fill"/> and swaps it in for
    /// <paramref name="outDir"/> only when it returns: an exception leaves the previous output as it was.
    /// </summary>
    public static void Publish(string outDir, Action<string> fill)
    {
        var full = Path.GetFullPath(outDir);
        var parent = Path.GetDirectoryName(full) ?? throw new IOException($"cannot write to '{outDir}'");
        Directory.CreateDirectory(parent);
        var staging = Path.Combine(parent, $".{Path.GetFileName(full)}.tmp-{Environment.ProcessId}");
        if (Directory.Exists(staging))
        {
            Directory.Delete(staging, true);
        }
        Directory.CreateDirectory(staging);
        try
        {
            fill(staging);
            var old = full + $".old-{Environment.ProcessId}";
            if (Directory.Exists(full))
            {
                Directory.Move(full, old);
            }
            Directory.Move(staging, full);
            if (Directory.Exists(old))
            {
                Directory.Delete(old, true);
            }
        }
        finally
        {
            if (Directory.Exists(staging))
            {
                Directory.Delete(staging, true);
            }
        }
    }
}
