namespace BackendSidecar.Core.Supervision;

/// <summary>
/// How fast readiness is polled while a backend starts. Fast at first, so readiness is noticed within milliseconds of the
/// backend answering (hand-written managers poll every 1 to 10 s), slower for backends that take long to load.
/// </summary>
public static class HealthPolling
{
    private static readonly TimeSpan First = TimeSpan.FromMilliseconds(2);
    private static readonly TimeSpan FastCap = TimeSpan.FromMilliseconds(10);
    private static readonly TimeSpan SlowCap = TimeSpan.FromMilliseconds(100);

    /// <summary>After 10 s of starting (a model loading), a check every 100 ms is plenty.</summary>
    private static readonly TimeSpan FastPhase = TimeSpan.FromSeconds(10);

    /// <param name="attempt">0 after the first failed check.</param>
    /// <param name="elapsed">Time since the backend was spawned.</param>
    /// <param name="interval">The configured liveness interval: polling is never slower than it.</param>
    public static TimeSpan StartupDelay(int attempt, TimeSpan elapsed, TimeSpan interval)
    {
        var cap = elapsed < FastPhase ? FastCap : SlowCap;
        var grown = First.TotalMilliseconds * Math.Pow(1.5, Math.Min(attempt, 20));
        var ms = Math.Min(grown, cap.TotalMilliseconds);
        return TimeSpan.FromMilliseconds(Math.Min(ms, interval.TotalMilliseconds));
    }
}
