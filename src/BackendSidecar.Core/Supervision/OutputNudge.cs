using BackendSidecar.Core.Logging;

namespace BackendSidecar.Core.Supervision;

/// <summary>
/// Brings the next readiness check forward when the backend writes a line while it starts. Servers say when they begin to
/// listen (uvicorn's "Uvicorn running on http://127.0.0.1:8000", mlx_lm.server's "Starting httpd at ..."), so a check
/// right after such a line finds them ready within a millisecond, instead of at the next poll: 10 ms apart at best, and
/// timers fire late (up to a 4 ms jiffy on Linux, 15.6 ms on Windows).
/// </summary>
/// <remarks>
/// Only a wait between checks is cut short, never a check under way: a line written during a check shortens the wait
/// that follows it. A line can at most halve a wait, so a backend that writes all the time costs at most twice the
/// checks of a quiet one, never a busy loop. The readiness loop arms the wait it is in with <see cref="Waiting"/> and
/// disarms it with <see cref="CheckStarting"/> (and before it disposes the wait's source).
/// </remarks>
internal sealed class OutputNudge : IDisposable
{
    private readonly TimeProvider _time;
    private readonly long _fromSeq;
    private readonly Lock _lock = new();
    private readonly IDisposable _subscription;
    private CancellationTokenSource? _source;
    private bool _waiting;
    private bool _cut;
    private long _waitStartedAt;
    private TimeSpan _waitLength;
    private bool _lineSinceLastWait;

    public OutputNudge(LogRingBuffer logs, long fromSeq, TimeProvider time)
    {
        _time = time;
        _fromSeq = fromSeq;
        _subscription = logs.Subscribe(Observe);
    }

    /// <summary>The token source that ends the loop's current wait; the loop disposes it only after <see cref="CheckStarting"/>.</summary>
    public void Use(CancellationTokenSource source)
    {
        lock (_lock) _source = source;
    }

    /// <summary>The loop now waits <paramref name="length"/> before its next check: a line from the backend cancels the
    /// source early, at the soonest half-way.</summary>
    public void Waiting(TimeSpan length)
    {
        lock (_lock)
        {
            _waiting = true;
            _waitStartedAt = _time.GetTimestamp();
            _waitLength = length;
            if (_lineSinceLastWait) CutShort_NeedsLock();
        }
    }

    /// <summary>A check begins (or the loop ends): the wait is over and may not be cancelled any more.</summary>
    public void CheckStarting()
    {
        lock (_lock)
        {
            // A cut deferred to half-way that did not fire yet must not cancel the check.
            if (_cut) _source?.CancelAfter(Timeout.InfiniteTimeSpan);
            _waiting = false;
            _cut = false;
            _lineSinceLastWait = false;
        }
    }

    private void Observe(LogEntry entry)
    {
        if (entry.Seq < _fromSeq || entry.Stream == LogStream.Sidecar) return;
        lock (_lock)
        {
            if (!_waiting)
                _lineSinceLastWait = true;
            else if (!_cut)
                CutShort_NeedsLock();
        }
    }

    private void CutShort_NeedsLock()
    {
        if (_source is not { } source) return;
        _cut = true;
        var soonest = _waitLength / 2 - _time.GetElapsedTime(_waitStartedAt);
        if (soonest > TimeSpan.Zero)
            source.CancelAfter(soonest);
        else
            // Not Cancel(): that would run the readiness loop on this thread, the one that drains the backend's output.
            _ = source.CancelAsync();
    }

    public void Dispose()
    {
        _subscription.Dispose();
        CheckStarting();
    }
}
