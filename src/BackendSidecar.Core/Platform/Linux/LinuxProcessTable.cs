using BackendSidecar.Core.Ports;
using BackendSidecar.Core.Processes;
using BackendSidecar.Core.State;

namespace BackendSidecar.Core.Platform.Linux;

/// <summary>Process identity from /proc (start time in clock ticks after boot, field 22 of /proc/PID/stat), exits from
/// pidfds, leftovers found by process group and by the launch marker in /proc/PID/environ.</summary>
/// <remarks>Thread-safe and stateless: the state lives in <see cref="ProcessInfo"/> and <see cref="PidfdWatcher"/>.</remarks>
public sealed class LinuxProcessTable : IProcessTable
{
    public static LinuxProcessTable Instance { get; } = new();

    private LinuxProcessTable() { }

    /// <inheritdoc/>
    public ValueTask<ulong> GetCurrentStartTimeAsync(CancellationToken cancellationToken = default) => new(ProcessInfo.CurrentStartTimeTicks);

    /// <inheritdoc/>
    /// <remarks>A zombie counts as gone: it has exited, only its PID is still held. Read from /proc at once.</remarks>
    public ValueTask<ulong?> TryGetStartTimeAsync(int pid, CancellationToken cancellationToken = default) =>
        new(ProcessInfo.TryReadStat(pid) is { IsZombie: false } stat ? stat.StartTimeTicks : null);

    /// <inheritdoc/>
    public ValueTask<string?> TryGetNameAsync(int pid, CancellationToken cancellationToken = default) => new(ProcessInfo.TryGetName(pid));

    /// <inheritdoc/>
    public Task WhenGone(int pid, ulong startTime) => PidfdWatcher.Shared.WhenGone(pid, startTime);

    /// <inheritdoc/>
    /// <remarks>The owner, or the leader of its process group, has the record's PID and start time; or the owner's
    /// environment carries the record's launch marker.</remarks>
    public ValueTask<bool> IsOwnedByAsync(PortOwner owner, BackendStateRecord record, CancellationToken cancellationToken = default) =>
        new(IsOwnedBy(owner, record));

    private static bool IsOwnedBy(PortOwner owner, BackendStateRecord record)
    {
        ArgumentNullException.ThrowIfNull(owner);
        ArgumentNullException.ThrowIfNull(record);
        if (owner.Pid is not { } pid || ProcessInfo.TryReadStat(pid) is not { IsZombie: false } stat) return false;
        if (LeaderMatches(record) && (stat.Pid == record.Pid || stat.ProcessGroupId == record.Pid)) return true;
        return record.InstanceMarker is { } marker && ProcessInfo.HasEnvironmentEntry(pid, PosixProcessLauncher.InstanceMarkerVariable, marker);
    }

    /// <inheritdoc/>
    public async Task<bool?> StopLeftoverAsync(BackendStateRecord record, TimeSpan timeout, TimeProvider time, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(record);
        var killer = KillerFor(record);
        if (killer.Remaining().Count == 0) return null;
        return await killer.StopAsync(Signals.SIGTERM, timeout, time, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The leader still exists (a zombie too: its PID, and so its group id, cannot be reused yet) with the recorded start time.</summary>
    private static bool LeaderMatches(BackendStateRecord record) =>
        ProcessInfo.TryReadStat(record.Pid) is { } leader && leader.StartTimeTicks == record.StartTimeTicks;

    private static ProcessGroupKiller KillerFor(BackendStateRecord record) =>
        new(record.Pid, record.StartTimeTicks, record.InstanceMarker, leaderReaped: null, groupIsProven: LeaderMatches(record));
}
