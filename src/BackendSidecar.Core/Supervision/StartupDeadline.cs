namespace BackendSidecar.Core.Supervision;

/// <summary>
/// When a start stops waiting for the backend to become healthy: <c>startupTimeoutMs</c> after the spawn, on the injected
/// clock. Its token ends the readiness policy.
/// </summary>
/// <remarks>
/// A plain timer rather than Polly's timeout strategy, which fixes its timeout when the call begins: a deadline that loading
/// progress can push out (issue 12's <c>health.stallTimeoutMs</c>) is moved here, through <see cref="ExtendTo"/>.
/// </remarks>
internal sealed class StartupDeadline : IDisposable
{
    private readonly CancellationTokenSource _cts;
    private readonly TimeProvider _time;
    private readonly object _lock = new();

    public StartupDeadline(TimeSpan timeout, TimeProvider time)
    {
        _time = time;
        Timeout = timeout;
        DueAt = time.GetUtcNow() + timeout;
        _cts = new CancellationTokenSource(timeout, time);
    }

    /// <summary>The configured startupTimeoutMs, for messages.</summary>
    public TimeSpan Timeout { get; }

    public DateTimeOffset DueAt { get; private set; }

    public CancellationToken Token => _cts.Token;

    public bool HasPassed => _cts.IsCancellationRequested;

    /// <summary>Moves the deadline later, unless it has passed already (a start that timed out stays timed out).</summary>
    /// <returns>True when the deadline now is <paramref name="dueAt"/>.</returns>
    public bool ExtendTo(DateTimeOffset dueAt)
    {
        lock (_lock)
        {
            if (_cts.IsCancellationRequested || dueAt <= DueAt) return false;
            DueAt = dueAt;
            _cts.CancelAfter(dueAt - _time.GetUtcNow());
            return true;
        }
    }

    /// <summary>
    /// Moves the deadline to <paramref name="dueAt"/>, earlier or later, unless it has passed already. Loading progress
    /// needs both: the first progress replaces startupTimeoutMs with stallTimeoutMs, which may be shorter.
    /// </summary>
    public bool MoveTo(DateTimeOffset dueAt)
    {
        lock (_lock)
        {
            if (_cts.IsCancellationRequested) return false;
            DueAt = dueAt;
            // Not Cancel() here: that would run the readiness loop's cancellation on the caller's thread, under this lock.
            var wait = dueAt - _time.GetUtcNow();
            _cts.CancelAfter(wait > TimeSpan.FromMilliseconds(1) ? wait : TimeSpan.FromMilliseconds(1));
            return true;
        }
    }

    public void Dispose() => _cts.Dispose();
}
