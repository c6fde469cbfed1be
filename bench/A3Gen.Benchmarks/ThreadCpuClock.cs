using System.Runtime.InteropServices;

namespace A3Gen.Benchmarks;

/// <summary>
/// CPU time of the calling thread (Linux clock_gettime(CLOCK_THREAD_CPUTIME_ID), nanoseconds): time
/// the thread ran, not the time it waited for a core. On a machine shared with other work the
/// wall-clock figures of BenchmarkDotNet grow with the load; this one much less (cache and
/// frequency effects of the neighbours remain).
/// </summary>
internal static partial class ThreadCpuClock
{
    private const int ClockThreadCpuTimeId = 3;

    [StructLayout(LayoutKind.Sequential)]
    private struct TimeSpec
    {
        public long Seconds;
        public long Nanoseconds;
    }

    [LibraryImport("libc", EntryPoint = "clock_gettime")]
    private static partial int ClockGetTime(int clockId, out TimeSpec time);

    public static bool IsAvailable => OperatingSystem.IsLinux();

    public static long Nanoseconds()
    {
        if (ClockGetTime(ClockThreadCpuTimeId, out var time) != 0)
        {
            throw new InvalidOperationException("clock_gettime(CLOCK_THREAD_CPUTIME_ID) failed");
        }
        return (time.Seconds * 1_000_000_000L) + time.Nanoseconds;
    }
}
