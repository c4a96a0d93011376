using BackendSidecar.Core.Configuration;
using BackendSidecar.Core.Ports;
using BackendSidecar.Core.State;

namespace BackendSidecar.Core.Supervision;

public sealed partial class BackendSupervisor
{
    /// <summary>
    /// Applies <c>onPortInUse</c> before a launch. Returns true when the attempt is already settled (a healthy backend on the
    /// port was adopted); false when the launch should go ahead; throws PortInUse when the port is held by a stranger.
    /// </summary>
    private async Task<bool> TryTakePortAsync_NeedsGate(int port, string reason)
    {
        if (_services.Ports.FindListener(port) is not { } owner)
            return false;

        switch (Options.OnPortInUse)
        {
            case PortInUsePolicy.Adopt when Options.Health is { Kind: HealthKind.Http or HealthKind.Tcp } health:
                if (await TryAdoptAsync_NeedsGate(owner, health, reason).ConfigureAwait(false))
                    return true;
                break;
            case PortInUsePolicy.Reclaim when await TryReclaimAsync(owner).ConfigureAwait(false):
                _log.WriteSidecarLine($"reclaimed port {port} from our own leftover pid {owner.Pid}");
                return false;
        }

        throw PortInUse(owner);
    }

    private async Task<bool> TryAdoptAsync_NeedsGate(PortOwner owner, HealthOptions health, string reason)
    {
        var probe = _services.HealthProbes.Create(health, _log.Buffer, _log.Buffer.NextSeq);
        // Bounded by the probe's own timeout; a stranger that answers but does not match expectJson is not adopted.
        var result = await probe.CheckAsync(CancellationToken.None).ConfigureAwait(false);
        if (!result.Ok)
        {
            probe.Dispose();
            _log.WriteSidecarLine($"port {owner.Port} is held by pid {owner.Pid} ({owner.ProcessName}) and it is not a healthy match: {result.Detail}");
            return false;
        }

        var instance = new Instance(child: null, owner.Pid, external: true, _time.GetUtcNow(), probe, Task.CompletedTask);
        _instance = instance;
        _health = new HealthSnapshot(true, _time.GetUtcNow(), result.Latency, result.Detail, 0);
        SetState_NeedsGate(BackendTrigger.Adopted, reason);
        RunningStep_NeedsGate(instance, $"adopted the healthy backend already on port {owner.Port} (pid {owner.Pid?.ToString() ?? "unknown"})");
        return true;
    }

    private async Task<bool> TryReclaimAsync(PortOwner owner)
    {
        if (_services.StateStore is not { } store)
            return false;
        // Only what a state file proves we started (PID and start time, or our launch marker) is ever stopped.
        if (OrphanReaper.FindProvenRecord(owner, store.LoadAll(), _services.Processes) is not { } record)
            return false;

        await _services.Processes!.StopLeftoverAsync(record, Options.Stop.Timeout, _time).ConfigureAwait(false);
        store.Remove(record.Backend);
        return _services.Ports.FindListener(owner.Port) is null;
    }

    private SupervisorException PortInUse(PortOwner owner)
    {
        var who = owner.Pid is { } pid ? $"pid {pid} ({owner.ProcessName ?? "unknown"})" : "a process this user cannot see";
        return new SupervisorException(BackendErrorKind.PortInUse, $"port {owner.Port} is in use by {who}", Name) { PortOwner = owner };
    }
}
