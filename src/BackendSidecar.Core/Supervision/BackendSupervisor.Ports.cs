using BackendSidecar.Core.Configuration;
using BackendSidecar.Core.Health;
using BackendSidecar.Core.Ports;
using BackendSidecar.Core.State;

namespace BackendSidecar.Core.Supervision;

public sealed partial class BackendSupervisor
{
    /// <summary>
    /// A start with a port: the port checked, then, if it is held, claimed (onPortInUse: adopt or reclaim) before anything is
    /// launched. Both are slow (lsof on macOS; a probe's timeout, a leftover's stop.timeoutMs and kill), so they run outside
    /// the gate, and this is the start under way. While the port is checked the state is left as it was (stopped, failed,
    /// backoff), so that a start still reads stopped -> starting with its pid, as the contract has it; while it is claimed
    /// the backend is <c>starting</c> with no process. A stop or a shutdown cancels either.
    /// </summary>
    private sealed class PortClaim(int port, string reason)
    {
        public int Port { get; } = port;

        /// <summary>Why the start happens ("start requested", "restart 1 after backoff"), for the transitions after the check.</summary>
        public string Reason { get; } = reason;

        /// <summary>Who holds the port, once the check found it held.</summary>
        public PortOwner? Owner { get; set; }

        /// <summary>The state file that proves the owner our own leftover (reclaim); null: adopt it if it is a healthy match.</summary>
        public BackendStateRecord? Leftover { get; set; }

        public CancellationTokenSource Cancel { get; } = new();

        /// <summary>Completes once the start has launched, adopted or failed, or has seen that it was cancelled.</summary>
        public Task Settled { get; set; } = Task.CompletedTask;
    }

    /// <summary>What a claim found: a healthy match to adopt (with its probe and first result), or a port now free.</summary>
    private sealed record ClaimResult(bool PortFree, IHealthProbe? Probe = null, HealthResult? Health = null);

    // Guarded by _gate: the start under way while its port is checked or claimed.
    private PortClaim? _claim;

    /// <summary>Makes the check of <paramref name="port"/> the start under way (no change of state yet), and begins it
    /// without the gate.</summary>
    private void BeginPortCheck_NeedsGate(int port, string reason)
    {
        var claim = _claim = new PortClaim(port, reason);
        claim.Settled = Task.Run(() => ClaimStepAsync(claim));
    }

    /// <summary>The slow part of the check, outside the gate: who holds the port, and, when onPortInUse is reclaim, the
    /// state file that proves the holder ours (kept in <see cref="PortClaim.Leftover"/>). Null: the port is free, or the
    /// check was cancelled or could not be made (then the launch finds out).</summary>
    private async Task<PortOwner?> CheckPortAsync(PortClaim claim)
    {
        var cancellationToken = claim.Cancel.Token;
        try
        {
            if (await _services.Ports.FindListenerAsync(claim.Port, cancellationToken).ConfigureAwait(false) is not { } owner) return null;
            // Only what a state file proves we started (PID and start time, or our launch marker) is ever stopped.
            if (Options.OnPortInUse == PortInUsePolicy.Reclaim && LoadRecords() is { Count: > 0 } records)
                claim.Leftover = await OrphanReaper.FindProvenRecordAsync(owner, records, _services.Processes, cancellationToken)
                    .ConfigureAwait(false);
            return owner;
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            return null;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or InvalidOperationException)
        {
            _log.WriteSidecarLine($"could not check port {claim.Port}: {ex.Message}");
            return null;
        }
    }

    /// <summary>The state records, none when there is no store or it cannot be read (then nothing is proven ours).</summary>
    private IReadOnlyList<BackendStateRecord> LoadRecords()
    {
        try
        {
            return _services.StateStore?.LoadAll() ?? [];
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            _log.WriteSidecarLine($"could not read the state files: {ex.Message}");
            return [];
        }
    }

    /// <summary>What a current check leads to: the launch [Launched] and false when the port is free; else the claim
    /// onPortInUse allows [ClaimingPort] and true (its slow part is next), or PortInUse [CannotStart] and false.</summary>
    private bool HeldPort_NeedsGate(PortClaim claim, PortOwner? owner)
    {
        try
        {
            if (owner is null)
            {
                _claim = null;
                LaunchStep_NeedsGate(BackendTrigger.Launched, claim.Reason); // -> 1b.
                return false;
            }
            claim.Owner = owner;
            if (!MayClaim(claim)) throw PortInUse(owner);
            SetState_NeedsGate(BackendTrigger.ClaimingPort, Describe(claim));
            return true;
        }
        catch (SupervisorException ex)
        {
            _claim = null;
            CannotStart_NeedsGate(ex);
            return false;
        }
    }

    private bool MayClaim(PortClaim claim) => Options.OnPortInUse switch
    {
        PortInUsePolicy.Adopt => Options.Health is { Kind: HealthKind.Http or HealthKind.Tcp },
        PortInUsePolicy.Reclaim => claim.Leftover is not null,
        _ => false,
    };

    private static string Describe(PortClaim claim) => claim.Leftover is not null
        ? $"{claim.Reason}; reclaiming port {claim.Port} from our own leftover pid {claim.Owner?.Pid} first"
        : $"{claim.Reason}; port {claim.Port} is in use by pid {claim.Owner?.Pid?.ToString() ?? "unknown"}: adopting it if it is a healthy match";

    /// <summary>The slow part of a claim, outside the gate: the leftover stopped, or the owner probed. Null when it was
    /// cancelled or could not be done (the port is then not taken).</summary>
    private async Task<ClaimResult?> ClaimAsync(PortClaim claim)
    {
        var cancellationToken = claim.Cancel.Token;
        var owner = claim.Owner!;
        try
        {
            return claim.Leftover is { } record
                ? await ReclaimAsync(owner, record, cancellationToken).ConfigureAwait(false)
                : await ProbeToAdoptAsync(owner, cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            return null;
        }
        catch (Exception ex) when (ex is TimeoutException or InvalidOperationException or IOException or UnauthorizedAccessException)
        {
            _log.WriteSidecarLine($"could not claim port {owner.Port} from pid {owner.Pid}: {ex.Message}");
            return null;
        }
    }

    private async Task<ClaimResult> ReclaimAsync(PortOwner owner, BackendStateRecord record, CancellationToken cancellationToken)
    {
        await _services.Processes!.StopLeftoverAsync(record, Options.Stop.Timeout, _time, cancellationToken).ConfigureAwait(false);
        _services.StateStore?.Remove(record.Backend);
        return new ClaimResult(PortFree: await _services.Ports.FindListenerAsync(owner.Port, cancellationToken).ConfigureAwait(false) is null);
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
        var owner = claim.Owner!;
        try
        {
            if (found is { Probe: { } probe, Health: { } health })
                Adopt_NeedsGate(owner, probe, health); // -> 3.
            else if (found is { PortFree: true })
                LaunchStep_NeedsGate(BackendTrigger.PortReclaimed, $"reclaimed port {owner.Port} from our own leftover pid {owner.Pid}");
            else
                throw PortInUse(owner);
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
