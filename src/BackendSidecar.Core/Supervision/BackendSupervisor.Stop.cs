using BackendSidecar.Core.Insights;
using BackendSidecar.Core.Processes;

namespace BackendSidecar.Core.Supervision;

public sealed partial class BackendSupervisor
{
    private enum AfterStop
    {
        /// <summary>A stop was asked for: end in stopped.</summary>
        Stopped,
        /// <summary>The instance failed (startup timeout, unhealthy): let the restart policy decide.</summary>
        RestartDecision,
    }

    /// <summary>
    /// Stops the backend in any state: the stop signal to its process group, SIGKILL after the timeout, done when the group is
    /// gone. An adopted (external) backend is never killed: it is only no longer monitored.
    /// </summary>
    /// <param name="timeout">Overrides stop.timeoutMs for this stop.</param>
    /// <param name="wait">False: return as soon as the stop signal is sent (state stopping).</param>
    public async Task<BackendStatus> StopAsync(TimeSpan? timeout = null, bool wait = true, CancellationToken cancellationToken = default)
    {
        Task stopping;
        using (await EnterAsync(cancellationToken).ConfigureAwait(false))
        {
            switch (_state)
            {
                case BackendState.Stopped or BackendState.Failed:
                    // A start still checking its port (which leaves the state as it was) ends here, nothing launched.
                    if (_claim is not null) CancelStartWait_NeedsGate();
                    CancelClaim_NeedsGate();
                    break;
                case BackendState.Backoff:
                    CancelStartWait_NeedsGate();
                    CancelBackoff_NeedsGate();
                    CancelClaim_NeedsGate(); // the restart's port check, if under way
                    SetState_NeedsGate(BackendTrigger.StopWithoutProcess, "stop requested");
                    break;
                case BackendState.Stopping:
                    break;
                case BackendState.Starting when _claim is not null:
                    CancelStartWait_NeedsGate();
                    CancelClaim_NeedsGate();
                    SetState_NeedsGate(BackendTrigger.StartCancelled, "stop requested");
                    break;
                default:
                    if (_instance is { } instance)
                    {
                        CancelStartWait_NeedsGate();
                        BeginStop_NeedsGate(instance, BackendTrigger.StopRequested, "stop requested", timeout ?? Options.Stop.Timeout, AfterStop.Stopped);
                    }
                    break;
            }

            // A process that ended on its own may still be being cleaned up: a stop is done when nothing of it is left.
            stopping = Task.WhenAll(_stopping, _cleanUp);
        }

        if (wait)
            await stopping.WaitAsync(cancellationToken).ConfigureAwait(false);
        return Status;
    }

    /// <summary>A start still waiting for this backend to run ends as cancelled: the stop wins.</summary>
    private void CancelStartWait_NeedsGate() =>
        _attempt?.TrySetException(new OperationCanceledException("stop requested before the backend became running"));

    /// <summary>Marks the instance as leaving and sends the stop signal; the rest happens in <see cref="FinishStopAsync"/>.</summary>
    /// <param name="cause">Why the instance failed, kept as <c>lastError</c> if the policy then gives up.</param>
    /// <param name="trigger">Why: a stop request, a startup timeout, an unhealthy backend to restart.</param>
    private void BeginStop_NeedsGate(Instance instance, BackendTrigger trigger, string reason, TimeSpan timeout, AfterStop after, SupervisorException? cause = null)
    {
        instance.Retire();
        _instance = null;
        if (instance.External)
        {
            instance.Dispose();
            SetState_NeedsGate(BackendTrigger.StopWithoutProcess, reason);
            return;
        }

        _leaving = instance;
        // A startup timeout said already whether it was a stall.
        instance.StoppedBy ??= trigger switch
        {
            BackendTrigger.StoppingUnhealthy => SidecarStopReason.HealthCheckFailed,
            BackendTrigger.StartupTimedOut => SidecarStopReason.StartupTimeout,
            _ when _shuttingDown => SidecarStopReason.Shutdown,
            _ => SidecarStopReason.Requested,
        };
        SetState_NeedsGate(trigger, reason);
        // StopGroupAsync sends the signal before it first yields, so a stop without wait answers after the signal is out.
        _stopping = FinishStopAsync(instance, timeout, after, reason, cause);
    }

    private async Task FinishStopAsync(Instance instance, TimeSpan timeout, AfterStop after, string reason, SupervisorException? cause)
    {
        var child = instance.Child!;
        Signals.TryParse(Options.Stop.Signal, out var signal);
        string how;
        try
        {
            var graceful = await child.StopGroupAsync(signal, timeout, _time).ConfigureAwait(false);
            how = graceful
                ? $"after {child.GracefulStepName(signal)}"
                : $"killed with {child.HardKillName} after {(long)timeout.TotalMilliseconds} ms";
        }
        catch (Exception ex) when (ex is TimeoutException or InvalidOperationException)
        {
            how = "but the process group could not be confirmed gone: " + ex.Message;
        }

        await instance.DrainAsync().ConfigureAwait(false);
        using (await EnterAsync().ConfigureAwait(false))
        {
            if (child.Exited.IsCompletedSuccessfully)
                _lastExit = Diagnosed(instance, child.Exited.Result, OomIndication.Unknown, portHeldByOther: false);
            _resources = null;
            RemoveState();
            if (_leaving == instance)
                _leaving = null;
            instance.Dispose();
            var exit = child.Exited.IsCompletedSuccessfully ? child.Exited.Result : null;
            var outcome = exit is null ? $"stopped {how}"
                : exit.SignalName == Options.Stop.Signal ? $"stopped by {exit.SignalName}"
                : $"{exit} {how}";
            if (after == AfterStop.Stopped)
                SetState_NeedsGate(BackendTrigger.StopCompleted, outcome);
            else
                Decide_NeedsGate(failure: true, reason, attemptError: cause);
        }
    }
}

public sealed partial class BackendSupervisor
{
    /// <summary>From now on starts are refused with ShuttingDown, and no restart is scheduled; a pending one is cancelled,
    /// and so is a start still claiming its port.</summary>
    internal async Task BeginShutdownAsync()
    {
        using (await EnterAsync().ConfigureAwait(false))
        {
            _shuttingDown = true;
            if (_state == BackendState.Backoff)
            {
                CancelBackoff_NeedsGate();
                CancelClaim_NeedsGate(); // the restart's port check, if under way
                _attempt?.TrySetException(new SupervisorException(BackendErrorKind.ShuttingDown, "the sidecar is shutting down", Name));
                SetState_NeedsGate(BackendTrigger.ShutdownDuringBackoff, "");
            }
            else if (CancelClaim_NeedsGate())
            {
                _attempt?.TrySetException(new SupervisorException(BackendErrorKind.ShuttingDown, "the sidecar is shutting down", Name));
                // A port still being checked has left the state as it was (stopped, failed); a claim made it starting.
                if (_state == BackendState.Starting)
                    SetState_NeedsGate(BackendTrigger.StartCancelled, "the sidecar is shutting down");
            }
        }
    }
}
