using System.Diagnostics;

namespace A3Gen.Tests;

/// <summary>
/// The a3gen command line as a .NET tool: scripts/install-tool.sh packs it and installs it into a
/// folder; the installed program finds its own templates (no clone, no A3GEN_TEMPLATES) and writes
/// the same files as the committed rtl-out/. The tool carries no ONNX Runtime and no MiniLM model.
/// </summary>
public class ToolPackageTests
{
    [Fact]
    public void InstalledToolGeneratesTheCommittedRtl()
    {
        var work = TestSupport.TempDir("tool");
        var toolPath = Path.Combine(work, "tools");
        var (code, output) = Run(Path.Combine(TestSupport.RepoRoot, "scripts", "install-tool.sh"), ["--tool-path", toolPath], TestSupport.RepoRoot);
        Assert.True(code == 0, output);

        var installed = Directory.GetFiles(toolPath, "*", SearchOption.AllDirectories);
        Assert.Contains(installed, f => f.EndsWith(Path.Combine("templates", "rtl", "top.v.scriban"), StringComparison.Ordinal));
        Assert.DoesNotContain(installed, f => Path.GetFileName(f).Contains("onnxruntime", StringComparison.OrdinalIgnoreCase));
        Assert.DoesNotContain(installed, f => Path.GetFileName(f).StartsWith("SentenceTransformers", StringComparison.Ordinal));

        // Run from a folder outside the clone, so that only the tool's own templates can be found.
        var outDir = Path.Combine(work, "out");
        (code, output) = Run(Path.Combine(toolPath, "a3gen"),
            ["generate", "--config", Path.Combine(TestSupport.RepoRoot, "configs", "a3-small.json"), "--out", outDir], work);
        Assert.True(code == 0, output);
        var committed = Path.Combine(TestSupport.RepoRoot, "rtl-out", "a3-small");
        var expected = Directory.GetFiles(committed).Select(Path.GetFileName).Order(StringComparer.Ordinal).ToList();
        Assert.Equal(expected, Directory.GetFiles(outDir).Select(Path.GetFileName).Order(StringComparer.Ordinal).ToList());
        foreach (var name in expected)
        {
            Assert.True(File.ReadAllBytes(Path.Combine(committed, name!)).AsSpan().SequenceEqual(File.ReadAllBytes(Path.Combine(outDir, name!))),
                $"{name} written by the installed tool differs from rtl-out/a3-small/{name}");
        }
    }

    private static (int Code, string Output) Run(string file, string[] arguments, string workDir)
    {
        var start = new ProcessStartInfo(file)
        {
            WorkingDirectory = workDir,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }
        start.Environment.Remove("A3GEN_TEMPLATES");
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        Assert.True(process.WaitForExit(TimeSpan.FromMinutes(5)), $"{file} did not finish within 5 minutes");
        return (process.ExitCode, stdout.Result + stderr.Result);
    }
}
