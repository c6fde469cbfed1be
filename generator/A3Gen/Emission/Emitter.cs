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

    /// <summary>Module files in dependency order (leaves first, the top last): the file list's order.</summary>
    public IReadOnlyList<GeneratedFile> RenderModules(Design design)
    {
        var vm = new ViewModel(design, GeneratorVersion);
        var p = design.Prefix;
        var exp = design.Exp;
        var files = new List<GeneratedFile>
        {
            Module(design, "sram", renderer.Render("rtl/sram.v.scriban", vm)),
            Module(design, "fifo", renderer.Render("rtl/fifo.v.scriban", vm)),
            Module(design, "pingpong", renderer.Render("rtl/pingpong.v.scriban", vm)),
            Module(design, "exp_hi_rom", renderer.Render("rtl/exp_rom.v.scriban", new RomView(p, "exp_hi_rom",
                $"exp(-hi * 2^-{exp.InputFractionBits - exp.LoBits}) for the {exp.HiBits} high bits of the clamped difference, {exp.TableFractionBits} fraction bits.",
                exp.HiBits - 1, exp.TableEntryWidth - 1, vm.HiRom))),
            Module(design, "exp_lo_rom", renderer.Render("rtl/exp_rom.v.scriban", new RomView(p, "exp_lo_rom",
                $"exp(-lo * 2^-{exp.InputFractionBits}) for the {exp.LoBits} low bits of the clamped difference, {exp.TableFractionBits} fraction bits.",
                exp.LoBits - 1, exp.TableEntryWidth - 1, vm.LoRom))),
            Module(design, "divider", renderer.Render("rtl/divider.v.scriban", vm)),
            Module(design, "column_side", renderer.Render("rtl/column_side.v.scriban", vm)),
            Module(design, "candidate", renderer.Render("rtl/candidate.v.scriban", vm)),
            Module(design, "dot_product", renderer.Render("rtl/dot_product.v.scriban", vm)),
            Module(design, "exponent", renderer.Render("rtl/exponent.v.scriban", vm)),
            Module(design, "output", renderer.Render("rtl/output.v.scriban", vm)),
            Module(design, "top", renderer.Render("rtl/top.v.scriban", vm)),
        };
        return files;
    }

    /// <summary>Every file of the output folder: modules, filelist.f, the flow files (FuseSoC core, SDC, Yosys scripts) and manifest.json.</summary>
    public IReadOnlyList<GeneratedFile> Render(Design design)
    {
        var modules = RenderModules(design);
        var filelist = new GeneratedFile("filelist.f", string.Concat(modules.Select(m => m.Name + "\n")));
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

    private static GeneratedFile Module(Design design, string module, string body)
    {
        var name = $"{design.Prefix}_{module}";
        var header = new StringBuilder()
            .Append("// SPDX-License-Identifier: Apache-2.0\n")
            .Append($"// generated by A3Gen from {design.Config.Name} - do not edit\n")
            .Append("`resetall\n")
            .Append("`timescale 1ns / 1ps\n")
            .Append("`default_nettype none\n")
            .Append('\n')
            .Append(body.TrimEnd('\n'))
            .Append("\n\n`resetall\n");
        return new GeneratedFile(name + ".v", header.ToString());
    }
}
