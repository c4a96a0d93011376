namespace BackendSidecar.Core.Insights;

/// <summary>
/// Limits progress notifications to one per <see cref="MinInterval"/> per backend, without ever losing the latest:
/// a report that comes too soon is held, replaced by any newer one, and published when the interval is over.
/// </summary>
/// <remarks>
/// A backend can print hundreds of progress lines a second (a tqdm bar); hosts need a few. Trailing publication
/// matters: a start that stalls must show where it stalled, not the last report that happened to pass the limit.
/// </remarks>
public sealed class ProgressThrottle : IDisposable
{
    /// <summary>"At most a few per second" (protocol/README.md): 4.</summary>
    public static readonly TimeSpan DefaultMinInterval = TimeSpan.FromMilliseconds(250);

    private readonly TimeProvider _time;
    private readonly Action<ProgressReport> _publish;
    private readonly Lock _gate = new();
    private ITimer? _timer;
    private ProgressReport? _held;
    private long? _lastPublishedTimestamp;
    private bool _disposed;

    /// <param name="publish">Called with each report to send, from the caller's thread or the timer's, never under a lock.</param>
    public ProgressThrottle(TimeProvider time, Action<ProgressReport> publish, TimeSpan? minInterval = null)
    {
        _time = time;
        _publish = publish;
        MinInterval = minInterval ?? DefaultMinInterval;
    }

    public TimeSpan MinInterval { get; }

    /// <summary>Publishes <paramref name="report"/> now if the interval since the last publication is over, else holds it.</summary>
    public void Offer(ProgressReport report)
    {
        lock (_gate)
        {
            if (_disposed) return;
            var now = _time.GetTimestamp();
            var publishNow = _held is null && (_lastPublishedTimestamp is not { } last || _time.GetElapsedTime(last, now) >= MinInterval);
            if (!publishNow)
            {
                var firstHeld = _held is null;
                _held = report;
                if (firstHeld)
                {
                    var wait = MinInterval - _time.GetElapsedTime(_lastPublishedTimestamp!.Value, now);
                    _timer ??= _time.CreateTimer(_ => PublishHeld(), null, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
                    _timer.Change(wait > TimeSpan.Zero ? wait : TimeSpan.Zero, Timeout.InfiniteTimeSpan);
                }
                return;
            }
            _lastPublishedTimestamp = now;
        }
        // Outside the lock: the callback builds a status under the supervisor's own lock.
        _publish(report);
    }

    /// <summary>Forgets a held report (the start ended: running, failed or stopped) and starts afresh.</summary>
    public void Reset()
    {
        lock (_gate)
        {
            _held = null;
            _lastPublishedTimestamp = null;
            _timer?.Change(Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
        }
    }

    private void PublishHeld()
    {
        ProgressReport report;
        lock (_gate)
        {
            if (_disposed || _held is null) return;
            report = _held;
            _held = null;
            _lastPublishedTimestamp = _time.GetTimestamp();
        }
        _publish(report);
    }

    public void Dispose()
    {
        lock (_gate)
        {
            _disposed = true;
            _held = null;
            _timer?.Dispose();
        }
    }
}
