namespace BackendSidecar.Core.Insights;

/// <summary>
/// One backend run's out-of-memory evidence: the cgroup's kill count at spawn, compared with the count at exit; the
/// kernel log when there is no counter. Create it just before the spawn, call <see cref="Conclude"/> after the exit.
/// </summary>
/// <remarks>
/// The count is the cgroup's, not the backend's: another process of the same cgroup killed meanwhile would count too.
/// The rules only consult it for a SIGKILL the sidecar did not send, which makes that mix-up unlikely.
/// </remarks>
public sealed class OomWatch
{
    private readonly CgroupOomCounter? _counter;
    private readonly long? _baseline;
    private readonly Func<int, bool?> _kernelLog;

    private OomWatch(CgroupOomCounter? counter, Func<int, bool?> kernelLog)
    {
        _counter = counter;
        _baseline = counter?.Read();
        _kernelLog = kernelLog;
    }

    /// <param name="counter">The sidecar's cgroup counter (<see cref="CgroupOomCounter.ForCurrentProcess"/>), or null.</param>
    /// <param name="kernelLog">PID -> killed?, null when unreadable; defaults to <see cref="KernelLogOom.TryFindKill"/>.</param>
    public static OomWatch Begin(CgroupOomCounter? counter, Func<int, bool?>? kernelLog = null) =>
        new(counter, kernelLog ?? (pid => KernelLogOom.TryFindKill(pid)));

    /// <summary>What the counters say about the run of <paramref name="pid"/> that just ended.</summary>
    public OomIndication Conclude(int pid)
    {
        if (_baseline is { } before && _counter?.Read() is { } after)
            return after > before ? OomIndication.Seen : OomIndication.NotSeen;
        return _kernelLog(pid) switch
        {
            true => OomIndication.Seen,
            false => OomIndication.NotSeen,
            null => OomIndication.Unknown,
        };
    }
}
