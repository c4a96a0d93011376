using System.Diagnostics;

namespace BackendSidecar.Bench.Measure;

/// <summary>
/// The one clock of the benchmarks. On Linux <see cref="Stopwatch.GetTimestamp"/> is clock_gettime(CLOCK_MONOTONIC) in
/// nanoseconds, system-wide, so it compares directly with the nanoseconds bench-backend prints from the same clock.
/// </summary>
internal static class Clock
{
    public static long Now() => Stopwatch.GetTimestamp();

    public static double Ms(long from, long to) => (to - from) * 1000.0 / Stopwatch.Frequency;

    /// <summary>Fails early where the assumption above does not hold.</summary>
    public static void CheckMonotonicNanoseconds()
    {
        if (Stopwatch.Frequency != 1_000_000_000)
            throw new PlatformNotSupportedException($"Stopwatch ticks at {Stopwatch.Frequency} Hz, not in nanoseconds: the bench needs Linux.");
    }
}
