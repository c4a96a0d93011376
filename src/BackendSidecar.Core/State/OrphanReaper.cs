using BackendSidecar.Core.Ports;
using BackendSidecar.Core.Processes;

namespace BackendSidecar.Core.State;

/// <summary>
/// Finds and stops what a dead sidecar left running, using only proof: a leader whose PID and start time both match
/// its record, and processes whose environment carries the record's launch marker. A reused PID (other start time)
/// or a stranger is never touched.
/// </summary>
/// <remarks>
/// The parent-death signal kills only a backend's leader when the sidecar is SIGKILLed; what the leader had started
/// (a server under npm or uv run, an escapee) is found here at the next start, by group and by marker.
/// </remarks>
public static class OrphanReaper
{
    /// <summary>How long a leftover gets between SIGTERM and SIGKILL.</summary>
    public static readonly TimeSpan DefaultStopTimeout = TimeSpan.FromSeconds(2);

    /// <summary>
    /// For each record whose sidecar (PID and start time) is gone: stops the leftovers it proves ours, then removes the
    /// record. Records of a sidecar that is still running (this one or another) are left as they are.
    /// </summary>
    public static async Task<OrphanReapResult> ReapAsync(
        IStateStore store, TimeSpan? stopTimeout = null, TimeProvider? time = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(store);
        List<StoppedLeftover> stopped = [];
        List<string> stale = [], kept = [];
        foreach (var record in store.LoadAll())
        {
            if (ProcessInfo.IsSameProcess(record.SidecarPid, record.SidecarStartTimeTicks))
            {
                kept.Add(record.Backend);
                continue;
            }
            var killer = KillerFor(record);
            if (killer.Remaining().Count > 0)
            {
                var graceful = await killer.StopAsync(Signals.SIGTERM, stopTimeout ?? DefaultStopTimeout, time ?? TimeProvider.System,
                    cancellationToken).ConfigureAwait(false);
                stopped.Add(new StoppedLeftover(record.Backend, record.Pid, graceful));
            }
            else
            {
                stale.Add(record.Backend);
            }
            store.Remove(record.Backend);
        }
        return new OrphanReapResult(stopped, stale, kept);
    }

    /// <summary>
    /// Stops what <paramref name="record"/> proves ours (for <c>onPortInUse: reclaim</c>): SIGTERM, then SIGKILL after
    /// <paramref name="timeout"/>. Returns true when SIGTERM was enough or nothing was left.
    /// </summary>
    public static Task<bool> StopLeftoverAsync(
        BackendStateRecord record, TimeSpan timeout, TimeProvider? time = null, CancellationToken cancellationToken = default) =>
        KillerFor(record).StopAsync(Signals.SIGTERM, timeout, time ?? TimeProvider.System, cancellationToken);

    /// <summary>True when the process holding a port is provably one this sidecar started (see <see cref="FindProvenRecord"/>).</summary>
    public static bool IsProvablyOurs(PortOwner owner, IEnumerable<BackendStateRecord> records) =>
        FindProvenRecord(owner, records) is not null;

    /// <summary>
    /// The record that proves <paramref name="owner"/> ours: the owner, or the leader of its process group, has the
    /// record's PID and start time; or the owner's environment carries the record's launch marker. Null otherwise.
    /// </summary>
    public static BackendStateRecord? FindProvenRecord(PortOwner owner, IEnumerable<BackendStateRecord> records)
    {
        ArgumentNullException.ThrowIfNull(owner);
        ArgumentNullException.ThrowIfNull(records);
        if (owner.Pid is not { } pid || ProcessInfo.TryReadStat(pid) is not { IsZombie: false } stat) return null;
        foreach (var record in records)
        {
            if (LeaderMatches(record) && (stat.Pid == record.Pid || stat.ProcessGroupId == record.Pid)) return record;
            if (record.InstanceMarker is { } marker && ProcessInfo.HasEnvironmentEntry(pid, PosixProcessLauncher.InstanceMarkerVariable, marker))
                return record;
        }
        return null;
    }

    /// <summary>The leader still exists (a zombie too: its PID, and so its group id, cannot be reused yet) with the recorded start time.</summary>
    private static bool LeaderMatches(BackendStateRecord record) =>
        ProcessInfo.TryReadStat(record.Pid) is { } leader && leader.StartTimeTicks == record.StartTimeTicks;

    private static ProcessGroupKiller KillerFor(BackendStateRecord record) =>
        new(record.Pid, record.StartTimeTicks, record.InstanceMarker, leaderReaped: null, groupIsProven: LeaderMatches(record));
}
