using BackendSidecar.Core.Configuration;
using BackendSidecar.Core.Insights;
using BackendSidecar.Core.Logging;

namespace BackendSidecar.Core.Supervision;

/// <summary>
/// One start attempt's loading progress (<c>health.progress</c>): reads it from the output, moves the readiness deadline
/// (<c>stallTimeoutMs</c> after the latest new progress) and hands each report, rate-limited, to the supervisor.
/// </summary>
/// <remarks>Disposed when the start ends (running, timed out, stopped, exited), so a running backend's output is not matched.</remarks>
internal sealed class LoadingProgress : IDisposable
{
    private readonly StartDeadline _deadline;
    private readonly StartupDeadline _timer;
    private readonly ProgressThrottle _throttle;
    private readonly ProgressWatcher _watcher;
    // The watcher reports on the log writer's thread; the timeout reads on the readiness loop's.
    private readonly Lock _lock = new();

    /// <param name="publish">Gets each report to send (at most <see cref="ProgressThrottle.DefaultMinInterval"/> apart).</param>
    public LoadingProgress(HealthOptions health, ProgressPattern pattern, LogRingBuffer logs, long fromSeq, DateTimeOffset spawnedAt,
        StartupDeadline timer, TimeProvider time, Action<ProgressReport> publish)
    {
        _deadline = new StartDeadline(spawnedAt, health.StartupTimeout, health.EffectiveStallTimeout);
        _timer = timer;
        _throttle = new ProgressThrottle(time, publish);
        // Last: it reports lines already in the buffer at once.
        _watcher = new ProgressWatcher(pattern, logs, fromSeq, Observe);
    }

    private void Observe(ProgressReport report)
    {
        lock (_lock)
        {
            if (_deadline.Observe(report)) _timer.MoveTo(_deadline.At);
        }
        _throttle.Offer(report);
    }

    /// <summary>What a timeout says: its message, the last progress seen, and whether it was a stall.</summary>
    public (string Message, ProgressReport? LastProgress, bool Stalled) Timeout()
    {
        lock (_lock) return (_deadline.TimeoutMessage(), _deadline.LastProgress, _deadline.IsStallDeadline);
    }

    public void Dispose()
    {
        _watcher.Dispose();
        _throttle.Dispose();
    }
}
