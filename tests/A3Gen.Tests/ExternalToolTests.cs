using A3Gen.Tools;

namespace A3Gen.Tests;

/// <summary>How a failed tool run is reported (Tools/ExternalTool.cs).</summary>
public class ExternalToolTests
{
    [Fact]
    public void AFailureShowsTheLastThreeLinesOnOneLine()
    {
        var (exit, output) = ExternalTool.Run("/bin/sh", ["-c", "printf 'one\\ntwo\\n\\nthree\\nfour\\n'; exit 3"], Path.GetTempPath());
        Assert.Equal(3, exit);
        Assert.Equal("two | three | four", ExternalTool.FailureTail(exit, output));
    }

    [Fact]
    public void AProcessKilledBySigkillIsSaidToBeMostLikelyOutOfMemory()
    {
        var (exit, output) = ExternalTool.Run("/bin/sh", ["-c", "echo mapping; kill -9 $$"], Path.GetTempPath());
        Assert.Equal(ExternalTool.KilledExitCode, exit);
        Assert.Equal("mapping (status 137 is SIGKILL: most likely the kernel's out-of-memory killer; run one large synthesis at a time or free memory)",
            ExternalTool.FailureTail(exit, output));
    }

    [Fact]
    public void YosysReportingItsAbcKilledGetsTheSameNote()
    {
        // Yosys exits 1 when its ABC sub-process dies; the status of ABC is only in its message.
        const string output = "ERROR: ABC: execution of command \"yosys-abc -s -f abc.script\" failed: return code 137.\n";
        Assert.Equal("ERROR: ABC: execution of command \"yosys-abc -s -f abc.script\" failed: return code 137. (status 137 is SIGKILL: most likely the kernel's out-of-memory killer; run one large synthesis at a time or free memory)",
            ExternalTool.FailureTail(1, output));
        Assert.Equal("ERROR: ABC: execution of command \"yosys-abc\" failed: return code 1.",
            ExternalTool.FailureTail(1, "ERROR: ABC: execution of command \"yosys-abc\" failed: return code 1.\n"));
    }
}
