using BackendSidecar.Core.Configuration;
using BackendSidecar.Core.Health;
using BackendSidecar.Core.Ports;
using BackendSidecar.Core.State;

namespace BackendSidecar.Core.Supervision;

public sealed partial class BackendSupervisor
{
    /// <summary>
    /// A start whose port is held, claimed (onPortInUse: adopt or reclaim) before anything is launched. The claim is slow (a
    /// probe's timeout; a leftover's stop.timeoutMs and kill), so it runs outside the gate; while it does, the backend is
    /// <c>starting</c> with no process and this is the current one. A stop or a shutdown cancels it.
    /// </summary>
    private sealed class PortClaim(PortOwner owner, BackendStateRecord? leftover)
    {
        public PortOwner Owner { get; } = owner;

        /// <summary>The state file that proves the owner our own leftover (reclaim); null: adopt it if it is a healthy match.</summary>
        public BackendStateRecord? Leftover { get; } = leftover;

        public CancellationTokenSource Cancel { get; } = new();

        /// <summary>Completes once the claim has launched, adopted or failed, or has seen that it was cancelled.</summary>
        public Task Settled { get; set; } = Task.CompletedTask;
    }

    /// <summary>What a claim found: a healthy match to adopt (with its probe and first result), or a port now free.</summary>
    private sealed record ClaimResult(bool PortFree, IHealthProbe? Probe = null, HealthResult? Health = null);

    // Guarded by _gate: the start under way while its port is claimed.
    private PortClaim? _claim;

    /// <summary>Makes the claim onPortInUse allows for a port held by <paramref name="owner"/> the start under way
    /// [ClaimingPort], and begins it without the gate; throws PortInUse when there is none to try.</summary>
    private void BeginClaim_NeedsGate(PortOwner owner, string reason)
    {
        var claim = _claim = ClaimFor_NeedsGate(owner);
        SetState_NeedsGate(BackendTrigger.ClaimingPort, $"{reason}; {Describe(claim)}");
        claim.Settled = Task.Run(() => ClaimStepAsync(claim));
    }

    private PortClaim ClaimFor_NeedsGate(PortOwner owner)
    {
        switch (Options.OnPortInUse)
        {
            case PortInUsePolicy.Adopt when Options.Health is { Kind: HealthKind.Http or HealthKind.Tcp }:
                return new PortClaim(owner, leftover: null);
            // Only what a state file proves we started (PID and start time, or our launch marker) is ever stopped.
            case PortInUsePolicy.Reclaim when _services.StateStore is { } store
                && OrphanReaper.FindProvenRecord(owner, store.LoadAll(), _services.Processes) is { } record:
                return new PortClaim(owner, record);
            default:
                throw PortInUse(owner);
        }
    }

    private static string Describe(PortClaim claim) => claim.Leftover is not null
        ? $"reclaiming port {claim.Owner.Port} from our own leftover pid {claim.Owner.Pid} first"
        : $"port {claim.Owner.Port} is in use by pid {claim.Owner.Pid?.ToString() ?? "unknown"}: adopting it if it is a healthy match";

    /// <summary>The slow part of a claim, outside the gate: the leftover stopped, or the owner probed. Null when it was
    /// cancelled or could not be done (the port is then not taken).</summary>
    private async Task<ClaimResult?> ClaimAsync(PortClaim claim)
    {
        var cancellationToken = claim.Cancel.Token;
        try
        {
            return claim.Leftover is { } record
                ? await ReclaimAsync(claim.Owner, record, cancellationToken).ConfigureAwait(false)
                : await ProbeToAdoptAsync(claim.Owner, cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            return null;
        }
        catch (Exception ex) when (ex is TimeoutException or InvalidOperationException or IOException or UnauthorizedAccessException)
        {
            _log.WriteSidecarLine($"could not claim port {claim.Owner.Port} from pid {claim.Owner.Pid}: {ex.Message}");
            return null;
        }
    }

    private async Task<ClaimResult> ReclaimAsync(PortOwner owner, BackendStateRecord record, CancellationToken cancellationToken)
    {
        await _services.Processes!.StopLeftoverAsync(record, Options.Stop.Timeout, _time, cancellationToken).ConfigureAwait(false);
        _services.StateStore?.Remove(record.Backend);
        return new ClaimResult(PortFree: _services.Ports.FindListener(owner.Port) is null);
    }

    private async Task<ClaimResult> ProbeToAdoptAsync(PortOwner owner, CancellationToken cancellationToken)
    {
        var probe = _services.HealthProbes.Create(Options.Health!, _log.Buffer, _log.Buffer.NextSeq);
        try
        {
            // Bounded by the probe's own timeout; a stranger that answers but does not match expectJson is not adopted.
            var result = await probe.CheckAsync(cancellationToken).ConfigureAwait(false);
            if (result.Ok)
            {
                var adopting = probe;
                probe = null; // handed to the adopted instance
                return new ClaimResult(PortFree: false, adopting, result);
            }
            _log.WriteSidecarLine($"port {owner.Port} is held by pid {owner.Pid} ({owner.ProcessName}) and it is not a healthy match: {result.Detail}");
            return new ClaimResult(PortFree: false);
        }
        finally
        {
            probe?.Dispose();
        }
    }

    /// <summary>What a claim that is still current leads to: adopted, launched, or failed with PortInUse.</summary>
    private void TakePort_NeedsGate(PortClaim claim, ClaimResult? found)
    {
        _claim = null;
        try
        {
            if (found is { Probe: { } probe, Health: { } health })
                Adopt_NeedsGate(claim.Owner, probe, health); // -> 3.
            else if (found is { PortFree: true })
                LaunchStep_NeedsGate(BackendTrigger.PortReclaimed, $"reclaimed port {claim.Owner.Port} from our own leftover pid {claim.Owner.Pid}");
            else
                throw PortInUse(claim.Owner);
        }
        catch (SupervisorException ex)
        {
            CannotStart_NeedsGate(ex);
        }
    }

    /// <summary>Adopts the healthy backend already on the port [Adopted]: monitored, never ours to stop.</summary>
    private void Adopt_NeedsGate(PortOwner owner, IHealthProbe probe, HealthResult result)
    {
        var instance = new Instance(child: null, owner.Pid, external: true, _time.GetUtcNow(), probe, Task.CompletedTask);
        _instance = instance;
        _health = new HealthSnapshot(true, _time.GetUtcNow(), result.Latency, result.Detail, 0);
        RunningStep_NeedsGate(instance, BackendTrigger.Adopted,
            $"adopted the healthy backend already on port {owner.Port} (pid {owner.Pid?.ToString() ?? "unknown"})");
    }

    /// <summary>Ends the claim under way, if any: its wait is cancelled and whatever it finds is dropped.</summary>
    private bool CancelClaim_NeedsGate()
    {
        if (_claim is not { } claim) return false;
        _claim = null;
        claim.Cancel.Cancel();
        return true;
    }

    private SupervisorException PortInUse(PortOwner owner)
    {
        var who = owner.Pid is { } pid ? $"pid {pid} ({owner.ProcessName ?? "unknown"})" : "a process this user cannot see";
        return new SupervisorException(BackendErrorKind.PortInUse, $"port {owner.Port} is in use by {who}", Name) { PortOwner = owner };
    }
}
