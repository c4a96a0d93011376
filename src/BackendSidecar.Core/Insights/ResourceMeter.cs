namespace BackendSidecar.Core.Insights;

/// <summary>
/// One backend's resource sampling: on demand only, and at most once per interval (the health interval), so a host
/// that polls status in a tight loop costs one /proc walk per interval. Thread-safe.
/// </summary>
public sealed class ResourceMeter
{
    private readonly TimeProvider _time;
    private readonly TimeSpan _minInterval;
    private readonly Func<int, CancellationToken, ValueTask<GroupSample?>> _sample;
    // A semaphore, not a lock: a sample may be awaited (ps on macOS).
    private readonly SemaphoreSlim _gate = new(1, 1);
    private int? _group;
    private GroupSample? _previous;
    private GroupSample? _latest;
    private ResourceUsage? _usage;

    /// <param name="sample">Process group id -> sample; defaults to <see cref="ProcessGroupSampler.Sample"/>.</param>
    public ResourceMeter(TimeProvider time, TimeSpan minInterval, Func<int, GroupSample?>? sample = null)
        : this(time, minInterval, sample is null
            ? (group, _) => new(ProcessGroupSampler.Sample(group, time))
            : (group, _) => new(sample(group)))
    {
    }

    /// <param name="sample">Process group id -> sample, perhaps asynchronous (a tool run).</param>
    public ResourceMeter(TimeProvider time, TimeSpan minInterval, Func<int, CancellationToken, ValueTask<GroupSample?>> sample)
    {
        _time = time;
        _minInterval = minInterval;
        _sample = sample;
    }

    /// <summary>
    /// The usage of <paramref name="processGroupId"/>: a fresh sample when the last one is at least the interval old,
    /// else the last one. Null when the group has no live member (or sampling is not possible here).
    /// A different group (a restart) starts afresh, so CPU time never spans two processes.
    /// </summary>
    public async ValueTask<ResourceUsage?> ReadAsync(int processGroupId, CancellationToken cancellationToken = default)
    {
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (_group != processGroupId) Forget();
            _group = processGroupId;
            if (_latest is { } latest && _time.GetElapsedTime(latest.TakenAt) < _minInterval) return _usage;

            var current = await _sample(processGroupId, cancellationToken).ConfigureAwait(false);
            if (current is null)
            {
                Forget();
                return null;
            }
            _previous = _latest;
            _latest = current;
            var cpu = _previous is { } previous ? ProcessGroupSampler.CpuPercent(previous, current, _time) : (double?)null;
            _usage = new ResourceUsage(cpu, current.RssBytes, current.Processes);
            return _usage;
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>Drops the samples (the backend exited): the next read is a first sample again.</summary>
    /// <remarks>Waits for a read under way (a short tool run at most).</remarks>
    public async ValueTask ResetAsync()
    {
        await _gate.WaitAsync().ConfigureAwait(false);
        try
        {
            Forget();
        }
        finally
        {
            _gate.Release();
        }
    }

    private void Forget()
    {
        _group = null;
        _previous = null;
        _latest = null;
        _usage = null;
    }
}
