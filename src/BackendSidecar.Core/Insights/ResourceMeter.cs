namespace BackendSidecar.Core.Insights;

/// <summary>
/// One backend's resource sampling: on demand only, and at most once per interval (the health interval), so a host
/// that polls status in a tight loop costs one /proc walk per interval. Thread-safe.
/// </summary>
public sealed class ResourceMeter
{
    private readonly TimeProvider _time;
    private readonly TimeSpan _minInterval;
    private readonly Func<int, GroupSample?> _sample;
    private readonly Lock _gate = new();
    private int? _group;
    private GroupSample? _previous;
    private GroupSample? _latest;
    private ResourceUsage? _usage;

    /// <param name="sample">Process group id -> sample; defaults to <see cref="ProcessGroupSampler.Sample"/>.</param>
    public ResourceMeter(TimeProvider time, TimeSpan minInterval, Func<int, GroupSample?>? sample = null)
    {
        _time = time;
        _minInterval = minInterval;
        _sample = sample ?? (group => ProcessGroupSampler.Sample(group, time));
    }

    /// <summary>
    /// The usage of <paramref name="processGroupId"/>: a fresh sample when the last one is at least the interval old,
    /// else the last one. Null when the group has no live member (or sampling is not possible here).
    /// A different group (a restart) starts afresh, so CPU time never spans two processes.
    /// </summary>
    public ResourceUsage? Read(int processGroupId)
    {
        lock (_gate)
        {
            if (_group != processGroupId) Forget();
            _group = processGroupId;
            if (_latest is { } latest && _time.GetElapsedTime(latest.TakenAt) < _minInterval) return _usage;

            var current = _sample(processGroupId);
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
    }

    /// <summary>Drops the samples (the backend exited): the next read is a first sample again.</summary>
    public void Reset()
    {
        lock (_gate) Forget();
    }

    private void Forget()
    {
        _group = null;
        _previous = null;
        _latest = null;
        _usage = null;
    }
}
