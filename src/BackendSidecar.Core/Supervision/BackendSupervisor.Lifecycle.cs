using BackendSidecar.Core.Configuration;
using BackendSidecar.Core.Processes;

namespace BackendSidecar.Core.Supervision;

/// <summary>
/// The life of one backend, top to bottom: start -> readiness -> running -> exit -> restart decision -> backoff -> start.
/// One method per step, each making its transitions (triggers in brackets) and handing over to the next; the details are
/// elsewhere. A stop or a shutdown can end the life at any step: it retires the instance (or cancels the port's claim), whose
/// token ends the step under way, and a step that comes back through the gate finds it no longer current and does nothing.
/// </summary>
public sealed partial class BackendSupervisor
{
    /// <summary>1. Start: with a port, the port is checked first (1a); without, the process is launched (1b). The attempt
    /// completes once running.</summary>
    private Task<BackendStatus> StartStep_NeedsGate(string reason)
    {
        var attempt = CurrentAttempt_NeedsGate();
        _nextRestartAt = null;
        try
        {
            if (Options.Port is { } port)
                BeginPortCheck_NeedsGate(port, reason); // -> 1a., which runs without the gate
            else
                LaunchStep_NeedsGate(BackendTrigger.Launched, reason); // -> 1b.
        }
        catch (SupervisorException ex)
        {
            CannotStart_NeedsGate(ex);
        }

        return attempt.Task;
    }

    /// <summary>1a. Check the port, then claim it if it is held (onPortInUse: adopt or reclaim). Both are slow (a tool run
    /// on macOS; a probe's timeout, a leftover's stop), so outside the gate; back in it after each, unless a stop or a
    /// shutdown cancelled the start meanwhile: launch [Launched] -> 1b., claim [ClaimingPort], then adopt [Adopted] -> 3.,
    /// launch [PortReclaimed] -> 1b., or [CannotStart].</summary>
    private async Task ClaimStepAsync(PortClaim claim)
    {
        try
        {
            var owner = await CheckPortAsync(claim).ConfigureAwait(false);
            using (await EnterAsync().ConfigureAwait(false))
            {
                if (_claim != claim) return; // cancelled, and the canceller said so: nothing is launched
                if (!HeldPort_NeedsGate(claim, owner)) return;
            }

            var found = await ClaimAsync(claim).ConfigureAwait(false);
            using (await EnterAsync().ConfigureAwait(false))
            {
                if (_claim == claim)
                    TakePort_NeedsGate(claim, found);
                else
                    found?.Probe?.Dispose(); // cancelled, and the canceller said so: nothing is launched
            }
        }
        finally
        {
            claim.Cancel.Dispose();
        }
    }

    /// <summary>1b. Launch the process [Launched, PortReclaimed]; then readiness (2.), or running at once without a health check (3.).</summary>
    private void LaunchStep_NeedsGate(BackendTrigger trigger, string reason)
    {
        var instance = Launch_NeedsGate();
        _ = ExitStepAsync(instance, instance.Child!);
        SetState_NeedsGate(trigger, reason);
        if (instance.Probe is null)
            RunningStep_NeedsGate(instance, BackendTrigger.Ready, "process started (no health check)");
        else
            _ = ReadinessStepAsync(instance, Options.Health!);
    }

    /// <summary>2. Readiness: health polled on the adaptive schedule until OK, bounded by the startup deadline.</summary>
    private async Task ReadinessStepAsync(Instance instance, HealthOptions health)
    {
        using var deadline = new StartupDeadline(health.StartupTimeout, _time);
        using var loading = WatchProgress(instance, health, deadline);
        if (await HealthyBeforeAsync(instance, health, deadline).ConfigureAwait(false) is { } result)
            await OnReadyAsync(instance, result).ConfigureAwait(false); // -> 3. running
        else if (deadline.HasPassed && !instance.Token.IsCancellationRequested)
            await OnStartupTimeoutAsync(instance, health, loading).ConfigureAwait(false); // [StartupTimedOut] -> stop -> 5. restart decision
    }

    /// <summary>3. Running [Ready, Adopted]: liveness checked every intervalMs; the restart count resets once it has run resetAfterMs.</summary>
    private void RunningStep_NeedsGate(Instance instance, BackendTrigger trigger, string reason)
    {
        instance.BecameHealthy = true;
        SetState_NeedsGate(trigger, reason);
        _attempt?.TrySetResult(Status);
        _ = ResetRestartsWhenStableAsync(instance);
        if (instance.Probe is not null && Options.Health!.Kind != HealthKind.StdoutPattern)
            _ = LivenessLoopAsync(instance, Options.Health); // [HealthFailed, HealthRecovered, StoppingUnhealthy -> stop -> 5.]
    }

    /// <summary>4. Exit: the process ended on its own. Notified first; its group is cleaned up after, outside the gate.</summary>
    private async Task ExitStepAsync(Instance instance, IChildProcess child)
    {
        var exit = await child.Exited.ConfigureAwait(false);
        var evidence = await GatherExitFactsAsync(instance, child, exit).ConfigureAwait(false);
        using (await EnterAsync().ConfigureAwait(false))
        {
            // A stop or a restart took this instance away already and records the exit itself.
            if (_instance != instance) return;
            var cleanUp = RecordExit_NeedsGate(instance, child, exit, evidence, out var attemptError);
            try
            {
                Decide_NeedsGate(failure: exit.Code != 0, attemptError?.Message ?? exit.ToString(), attemptError); // -> 5.
            }
            finally
            {
                cleanUp.Start(TaskScheduler.Default);
            }
        }
    }

    // 5. Restart decision: Decide_NeedsGate, by the restart policy [RestartScheduled -> 6., StayedDown, GaveUp].

    /// <summary>6. Backoff: wait the delay and for the last process's clean-up, then start again unless cancelled meanwhile.</summary>
    private async Task BackoffStepAsync(TimeSpan delay, CancellationTokenSource backoff)
    {
        try
        {
            if (delay > TimeSpan.Zero)
                await Task.Delay(delay, _time, backoff.Token).ConfigureAwait(false);
            await CleanedUpAsync(backoff.Token).ConfigureAwait(false);
            using (await EnterAsync(backoff.Token).ConfigureAwait(false))
            {
                if (_backoff != backoff || _state != BackendState.Backoff || _shuttingDown) return;
                _backoff = null;
                _restarts.Record(_time.GetUtcNow());
                _ = StartStep_NeedsGate($"restart {_restarts.Count} after backoff"); // -> 1.
            }
        }
        catch (OperationCanceledException)
        {
            // A start, a stop or a shutdown cancelled the restart.
        }
        finally
        {
            backoff.Dispose();
        }
    }
}
