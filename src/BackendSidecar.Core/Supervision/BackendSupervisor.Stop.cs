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
                    return Status;
                case BackendState.Backoff:
                    CancelStartWait_NeedsGate();
                    CancelBackoff_NeedsGate();
                    SetState_NeedsGate(BackendState.Stopped, "stop requested during backoff");
                    return Status;
                case BackendState.Stopping:
                    break;
                default:
                    if (_instance is { } instance)
                    {
                        CancelStartWait_NeedsGate();
                        BeginStop_NeedsGate(instance, "stop requested", timeout ?? Options.Stop.Timeout, AfterStop.Stopped);
                    }
                    break;
            }

            stopping = _stopping;
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
    private void BeginStop_NeedsGate(Instance instance, string reason, TimeSpan timeout, AfterStop after, SupervisorException? cause = null)
    {
        instance.Retire();
        _instance = null;
        if (instance.External)
        {
            instance.Dispose();
            SetState_NeedsGate(BackendState.Stopped, reason + "; an adopted backend is not ours to stop, so it is left running");
            return;
        }

        _leaving = instance;
        SetState_NeedsGate(BackendState.Stopping, reason);
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
            how = graceful ? $"after {Options.Stop.Signal}" : $"killed with SIGKILL after {(long)timeout.TotalMilliseconds} ms";
        }
        catch (Exception ex) when (ex is TimeoutException or InvalidOperationException)
        {
            how = "but the process group could not be confirmed gone: " + ex.Message;
        }

        await instance.DrainAsync().ConfigureAwait(false);
        using (await EnterAsync().ConfigureAwait(false))
        {
            if (child.Exited.IsCompletedSuccessfully)
                _lastExit = child.Exited.Result;
            RemoveState();
            if (_leaving == instance)
                _leaving = null;
            instance.Dispose();
            var exit = child.Exited.IsCompletedSuccessfully ? child.Exited.Result : null;
            var outcome = exit is null ? $"stopped {how}"
                : exit.SignalName == Options.Stop.Signal ? $"stopped by {exit.SignalName}"
                : $"{exit} {how}";
            if (after == AfterStop.Stopped)
                SetState_NeedsGate(BackendState.Stopped, outcome);
            else
                Decide_NeedsGate(failure: true, reason, attemptError: cause);
        }
    }
}

public sealed partial class BackendSupervisor
{
    /// <summary>From now on starts are refused with ShuttingDown; a pending backoff is cancelled.</summary>
    internal async Task BeginShutdownAsync()
    {
        using (await EnterAsync().ConfigureAwait(false))
        {
            _shuttingDown = true;
        }
    }
}
