using System.Diagnostics;
using System.Text;

namespace A3Gen.Tools;

/// <summary>Finds and runs the external HDL tools (Verilator, Icarus, Yosys): one place for process handling.</summary>
public static class ExternalTool
{
    /// <summary>The executable <paramref name="tool"/> on <paramref name="searchPath"/> (default: PATH), or null.</summary>
    public static string? Find(string tool, string? searchPath = null)
    {
        foreach (var dir in (searchPath ?? Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries))
        {
            var candidate = Path.Combine(dir, tool);
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }
        return null;
    }

    /// <summary>Like <see cref="Find"/>, but a missing tool is a <see cref="UserException"/> that says how to install it.</summary>
    public static string Require(string tool, string installHint, string? searchPath = null) =>
        Find(tool, searchPath) ?? throw new UserException($"{tool} is not on PATH: {installHint}");

    /// <summary>
    /// The last three lines of a failed tool's output, one line. A process killed by SIGKILL (exit status 137, or a
    /// sub-process such as Yosys's ABC reporting "return code 137") gets a note that the kernel most likely killed it
    /// because memory ran out: the tools' own message names only the status.
    /// </summary>
    public static string FailureTail(int exitCode, string output)
    {
        var lines = output.Split('\n', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
        string tail = lines.Length == 0 ? "(no output)" : string.Join(" | ", lines.TakeLast(3));
        bool killed = exitCode == KilledExitCode || output.Contains($"return code {KilledExitCode}", StringComparison.Ordinal);
        return killed
            ? $"{tail} (status {KilledExitCode} is SIGKILL: most likely the kernel's out-of-memory killer; run one large synthesis at a time or free memory)"
            : tail;
    }

    /// <summary>Exit status of a process killed by SIGKILL (128 + 9).</summary>
    public const int KilledExitCode = 137;

    /// <summary>Runs a program to completion and returns its exit code and its interleaved standard output and error.</summary>
    public static (int ExitCode, string Output) Run(string file, IEnumerable<string> arguments, string workDir, TimeSpan? timeout = null)
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
        using var process = Process.Start(start) ?? throw new UserException($"cannot start {file}");
        var output = new StringBuilder();
        var gate = new object();
        process.OutputDataReceived += (_, e) => Append(e.Data);
        process.ErrorDataReceived += (_, e) => Append(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        if (!process.WaitForExit(timeout ?? Timeout.InfiniteTimeSpan))
        {
            process.Kill(entireProcessTree: true);
            throw new UserException($"{Path.GetFileName(file)} did not finish within {timeout!.Value.TotalSeconds:0} s");
        }
        process.WaitForExit();
        lock (gate)
        {
            return (process.ExitCode, output.ToString());
        }

        void Append(string? line)
        {
            if (line is not null)
            {
                lock (gate)
                {
                    output.Append(line).Append('\n');
                }
            }
        }
    }
}
