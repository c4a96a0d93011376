namespace BackendSidecar.Core.Insights;

/// <summary>
/// When a start gives up. Without progress it is <c>startupTimeoutMs</c> after the spawn, as in 1.0; from the first
/// progress reading on, it is <c>stallTimeoutMs</c> after the latest reading that said something new, so a load that
/// keeps advancing may take as long as it needs and a hung one is caught sooner than a generous startup timeout would.
/// </summary>
/// <remarks>Not thread-safe: the supervisor's start loop owns it.</remarks>
public sealed class StartDeadline
{
    private readonly DateTimeOffset _spawnedAt;
    private readonly TimeSpan _startupTimeout;
    private readonly TimeSpan _stallTimeout;

    public StartDeadline(DateTimeOffset spawnedAt, TimeSpan startupTimeout, TimeSpan stallTimeout)
    {
        _spawnedAt = spawnedAt;
        _startupTimeout = startupTimeout;
        _stallTimeout = stallTimeout;
    }

    /// <summary>The latest progress that said something new; null before the first.</summary>
    public ProgressReport? LastProgress { get; private set; }

    /// <summary>When the start fails if nothing new comes.</summary>
    public DateTimeOffset At => LastProgress is { } p ? p.At + _stallTimeout : _spawnedAt + _startupTimeout;

    /// <summary>True once progress has been seen: a timeout is then a stall.</summary>
    public bool IsStallDeadline => LastProgress is not null;

    /// <summary>
    /// Records a reading; returns true when it is new progress (its percent or message differs from the last), which
    /// moves the deadline. A line that repeats the last reading (a heartbeat at 40%) does not.
    /// </summary>
    public bool Observe(ProgressReport report)
    {
        if (LastProgress is { } last && last.Reading == report.Reading) return false;
        LastProgress = report;
        return true;
    }

    public bool HasPassed(DateTimeOffset now) => now >= At;

    /// <summary>The -32013 message: "no progress for 20000 ms after 40% (Loading 40%)" or "not healthy within 30000 ms".</summary>
    public string TimeoutMessage() => LastProgress is { } p
        ? $"no progress for {(long)_stallTimeout.TotalMilliseconds} ms after {p.Reading}"
        : $"not healthy within {(long)_startupTimeout.TotalMilliseconds} ms";
}
