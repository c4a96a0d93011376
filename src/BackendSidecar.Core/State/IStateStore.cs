namespace BackendSidecar.Core.State;

/// <summary>
/// Remembers which processes this sidecar started, on disk, so that leftovers can be proven ours after a crash of the
/// sidecar (orphans) and reclaimed from a port. A record is written when a backend is spawned and removed when its group is gone.
/// </summary>
public interface IStateStore
{
    void Save(BackendStateRecord record);
    void Remove(string backend);
    IReadOnlyList<BackendStateRecord> LoadAll();
}

/// <param name="Backend">The backend's name.</param>
/// <param name="Pid">The leader's PID, also its process group id.</param>
/// <param name="StartTimeTicks">/proc/PID/stat field 22 of the leader: with the PID, proves identity across PID reuse.</param>
/// <param name="SidecarPid">The sidecar that started it.</param>
/// <param name="SidecarStartTimeTicks">That sidecar's own start time, so a reused sidecar PID is not mistaken for it.</param>
/// <param name="Port">The backend's configured port, if any.</param>
/// <param name="StartedAt">When it was spawned.</param>
/// <param name="InstanceMarker">The launch's <see cref="Processes.IChildProcess.InstanceMarker"/>: finds descendants that left
/// the group, after a crash of the sidecar too.</param>
public sealed record BackendStateRecord(
    string Backend, int Pid, ulong StartTimeTicks, int SidecarPid, ulong SidecarStartTimeTicks, int? Port, DateTimeOffset StartedAt,
    string? InstanceMarker = null);
