using BackendSidecar.Core.Logging;

namespace BackendSidecar.Core.Insights;

/// <summary>
/// Reads loading progress from one start attempt's output: every stdout and stderr line from <c>fromSeq</c> on goes
/// through <c>health.progress</c>, and each reading that differs from the last is reported. Dispose it when the start
/// ends (running, failed, stopped) so a running backend's output is no longer matched.
/// </summary>
/// <remarks>
/// Lines already in the buffer are scanned too, as <see cref="Health.StdoutPatternProbe"/> does, so a line written before
/// the watcher existed still counts. <c>onProgress</c> runs on the log writer's thread: it must be quick and must not
/// throw (hand the report to a <see cref="ProgressThrottle"/> and a <see cref="StartDeadline"/>).
/// </remarks>
public sealed class ProgressWatcher : IDisposable
{
    private readonly ProgressPattern _pattern;
    private readonly long _fromSeq;
    private readonly Action<ProgressReport> _onProgress;
    private readonly Lock _gate = new();
    private IDisposable? _subscription;
    private ProgressReport? _latest;

    public ProgressWatcher(ProgressPattern pattern, LogRingBuffer logs, long fromSeq, Action<ProgressReport> onProgress)
    {
        _pattern = pattern;
        _fromSeq = fromSeq;
        _onProgress = onProgress;
        // Subscribe before scanning so no line falls between the two; a line seen twice repeats the reading and is dropped.
        var subscription = logs.Subscribe(Observe);
        foreach (var entry in logs.Read(logs.Capacity, afterSeq: Math.Max(0, fromSeq - 1)).Entries) Observe(entry);
        lock (_gate) _subscription = subscription;
    }

    /// <summary>The latest reading; null before the first matching line.</summary>
    public ProgressReport? Latest
    {
        get { lock (_gate) return _latest; }
    }

    private void Observe(LogEntry entry)
    {
        if (entry.Seq < _fromSeq || entry.Stream == LogStream.Sidecar) return;
        if (_pattern.Match(entry.Text) is not { } reading) return;
        var report = ProgressReport.From(reading, entry.Time);
        lock (_gate)
        {
            if (_latest is { } last && (last.Reading == reading || entry.Time < last.At)) return;
            _latest = report;
        }
        _onProgress(report);
    }

    public void Dispose()
    {
        IDisposable? subscription;
        lock (_gate)
        {
            subscription = _subscription;
            _subscription = null;
        }
        subscription?.Dispose();
    }
}
