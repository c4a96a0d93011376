using BackendSidecar.Core.Platform;
using BackendSidecar.Core.Ports;

namespace BackendSidecar.Core.State;

/// <summary>
/// Finds and stops what a dead sidecar left running, using only proof: a leader whose PID and start time both match
/// its record, and processes that carry the record's launch marker. A reused PID (other start time) or a stranger is
/// never touched. What counts as proof on each OS is the <see cref="IProcessTable"/>'s business.
/// </summary>
/// <remarks>
/// The parent-death signal or the guard may miss a backend when the sidecar is SIGKILLed; what is left (a server under
/// npm or uv run, an escapee) is found here at the next start.
/// </remarks>
public static class OrphanReaper
{
    /// <summary>How long a leftover gets between the graceful signal and the hard kill.</summary>
    public static readonly TimeSpan DefaultStopTimeout = TimeSpan.FromSeconds(2);

    /// <summary>
    /// For each record whose sidecar (PID and start time) is gone: stops the leftovers it proves ours, then removes the
    /// record. Records of a sidecar that is still running (this one or another) are left as they are.
    /// </summary>
    public static async Task<OrphanReapResult> ReapAsync(
        IStateStore store, IProcessTable processes, TimeSpan? stopTimeout = null, TimeProvider? time = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(processes);
        List<StoppedLeftover> stopped = [];
        List<string> stale = [], kept = [];
        foreach (var record in store.LoadAll())
        {
            if (await processes.TryGetStartTimeAsync(record.SidecarPid, cancellationToken).ConfigureAwait(false) == record.SidecarStartTimeTicks)
            {
                kept.Add(record.Backend);
                continue;
            }
            var graceful = await processes.StopLeftoverAsync(record, stopTimeout ?? DefaultStopTimeout, time ?? TimeProvider.System,
                cancellationToken).ConfigureAwait(false);
            if (graceful is { } wasGraceful) stopped.Add(new StoppedLeftover(record.Backend, record.Pid, wasGraceful));
            else stale.Add(record.Backend);
            store.Remove(record.Backend);
        }
        return new OrphanReapResult(stopped, stale, kept);
    }

    /// <summary>True when the process holding a port is provably one this sidecar started (see <see cref="FindProvenRecordAsync"/>).</summary>
    public static async Task<bool> IsProvablyOursAsync(PortOwner owner, IEnumerable<BackendStateRecord> records, IProcessTable processes,
        CancellationToken cancellationToken = default) =>
        await FindProvenRecordAsync(owner, records, processes, cancellationToken).ConfigureAwait(false) is not null;

    /// <summary>The record that proves <paramref name="owner"/> ours (<see cref="IProcessTable.IsOwnedByAsync"/>), or null;
    /// always null without a process table.</summary>
    public static async Task<BackendStateRecord?> FindProvenRecordAsync(PortOwner owner, IEnumerable<BackendStateRecord> records,
        IProcessTable? processes, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(owner);
        ArgumentNullException.ThrowIfNull(records);
        if (processes is null || owner.Pid is null) return null;
        foreach (var record in records)
        {
            if (await processes.IsOwnedByAsync(owner, record, cancellationToken).ConfigureAwait(false)) return record;
        }
        return null;
    }
}
