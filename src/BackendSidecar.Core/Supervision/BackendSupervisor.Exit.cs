using BackendSidecar.Core.Processes;
using BackendSidecar.Core.Restart;

namespace BackendSidecar.Core.Supervision;

public sealed partial class BackendSupervisor
{
    private const int LastLinesCount = 20;

    /// <summary>What is known of an exit before the gate is taken.</summary>
    private sealed record ExitFacts(bool CleanedUp, Insights.OomIndication Oom, bool PortHeld);

    /// <summary>
    /// A backend that was running is reported at once and cleaned up after (killing what is left of its group means a scan
    /// of processes on the machine); one that never became healthy is cleaned up first, because its error carries its last
    /// output lines, read to the end. Either way outside the gate: this also reads files (/proc, the cgroup, the kernel log).
    /// </summary>
    private async Task<ExitFacts> GatherExitFactsAsync(Instance instance, IChildProcess child, ProcessExit exit)
    {
        var cleanedUp = !instance.BecameHealthy && IsCurrent(instance);
        if (cleanedUp)
            await Task.WhenAll(KillRemnantsAsync(child), instance.DrainAsync()).ConfigureAwait(false);
        else
            await instance.OutputEndsAsync(OutputGraceBeforeNotifying).ConfigureAwait(false);
        return new ExitFacts(cleanedUp, OomEvidenceOf(instance, exit), cleanedUp && await PortHeldByAnotherAsync(exit).ConfigureAwait(false));
    }

    /// <summary>
    /// Retires the instance and records its exit. Returns the clean-up, known now (a restart waits for it) but not begun: it
    /// starts once the notification is out, as on a busy machine the scan would otherwise take the CPU the notification needs.
    /// </summary>
    /// <param name="attemptError">Why the start attempt failed, when the process never became healthy.</param>
    private Task<Task> RecordExit_NeedsGate(Instance instance, IChildProcess child, ProcessExit exit, ExitFacts evidence,
        out SupervisorException? attemptError)
    {
        instance.Retire();
        _instance = null;
        _lastExit = Diagnosed(instance, exit, evidence.Oom, evidence.PortHeld);
        _resources = null;
        var cleanUp = new Task<Task>(() => CleanUpAfterExitAsync(instance, child, evidence.CleanedUp));
        _cleanUp = cleanUp.Unwrap();

        attemptError = null;
        if (!instance.BecameHealthy)
        {
            attemptError = new SupervisorException(BackendErrorKind.ExitedBeforeHealthy, $"{exit} before it became healthy", Name)
            {
                Exit = exit,
                LastLines = LastOutputLines(),
            };
            _lastError = attemptError.ToError();
        }

        return cleanUp;
    }

    /// <summary>
    /// How long the exit notification waits for the last output lines of a running backend: once the process is gone its
    /// pipes end within microseconds, unless a descendant holds them, and then the clean-up (which must scan every process
    /// on the machine for escaped descendants) ends them after the notification.
    /// </summary>
    private static readonly TimeSpan OutputGraceBeforeNotifying = TimeSpan.FromMilliseconds(20);

    private bool IsCurrent(Instance instance) => Volatile.Read(ref _instance) == instance;

    /// <summary>A grandchild that outlived the leader would hold the port and the pipes: kill the rest of the group. The
    /// pipes are drained meanwhile; their end comes once the last holder is gone.</summary>
    private async Task CleanUpAfterExitAsync(Instance instance, IChildProcess child, bool groupCleanedUp)
    {
        if (!groupCleanedUp)
            await Task.WhenAll(KillRemnantsAsync(child), instance.DrainAsync()).ConfigureAwait(false);
        RemoveState();
        instance.Dispose();
    }

    private async Task KillRemnantsAsync(IChildProcess child)
    {
        try
        {
            await child.KillGroupAsync().ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is TimeoutException or InvalidOperationException)
        {
            _log.WriteSidecarLine($"could not clean up the process group of pid {child.Pid}: {ex.Message}");
        }
    }

    private IReadOnlyList<string> LastOutputLines(int count = LastLinesCount, long fromSeq = 0)
    {
        var snapshot = _log.Buffer.Read(count * 4);
        return snapshot.Entries
            .Where(e => e.Stream != Logging.LogStream.Sidecar && e.Seq >= fromSeq)
            .TakeLast(count)
            .Select(e => e.Text)
            .ToArray();
    }

    /// <summary>
    /// After an instance ended on its own (exit, startup timeout, unhealthy): restart after a backoff, stay down, or give up.
    /// </summary>
    /// <remarks>
    /// An attempt that a start request is waiting on and that fails before it is healthy is not retried: the backend ends
    /// failed with that error, and the start is answered with it at once (with the exit and the last lines), because the
    /// one who asked can act on it and a retry loop would only hide it. Attempts nobody waits on (autoStart, a start
    /// without wait, automatic restarts) go by the restart policy; a start that waits on one of those gets its outcome:
    /// running, or GaveUp when the restarts run out.
    /// </remarks>
    /// <param name="attemptError">Why the current start attempt failed, if it had not become healthy; given to a waiting start.</param>
    private void Decide_NeedsGate(bool failure, string reason, SupervisorException? attemptError)
    {
        if (attemptError is not null && _attemptAwaited)
        {
            GiveUp_NeedsGate($"{reason}; not restarted, the waiting start is answered with the error", attemptError);
            return;
        }

        var now = _time.GetUtcNow();
        var decision = _restarts.Decide(failure, now, _services.Random());
        switch (decision)
        {
            case RestartDecision.Restart when _shuttingDown:
                SetState_NeedsGate(BackendTrigger.StayedDown, $"{reason}; not restarted: the sidecar is shutting down");
                _attempt?.TrySetException(new SupervisorException(BackendErrorKind.ShuttingDown, "the sidecar is shutting down", Name));
                break;

            case RestartDecision.Restart(var delay):
                _nextRestartAt = now + delay;
                SetState_NeedsGate(BackendTrigger.RestartScheduled, $"{reason}; restarting in {(long)delay.TotalMilliseconds} ms");
                ScheduleRestart_NeedsGate(delay);
                break;

            case RestartDecision.Stay(var why) when !failure:
                SetState_NeedsGate(BackendTrigger.StayedDown, $"{reason}; {why}");
                if (attemptError is not null) _attempt?.TrySetException(WithStatus_NeedsGate(attemptError));
                break;

            case RestartDecision.Stay(var why):
                GiveUp_NeedsGate($"{reason}; {why}", attemptError);
                break;

            case RestartDecision.GiveUp(var why):
                GiveUp_NeedsGate($"gave up after {reason}: {why}", _restarts.Count > 0 ? null : attemptError);
                break;
        }
    }

    private void GiveUp_NeedsGate(string message, SupervisorException? attemptError)
    {
        _lastError = attemptError?.ToError() ?? new BackendError(BackendErrorKind.GaveUp, message);
        SetState_NeedsGate(BackendTrigger.GaveUp, message);
        _attempt?.TrySetException(attemptError is not null
            ? WithStatus_NeedsGate(attemptError)
            : new SupervisorException(BackendErrorKind.GaveUp, message, Name) { Status = Status });
    }

    /// <summary>A startup timeout reports the status the backend ended in, which is only known now.</summary>
    private SupervisorException WithStatus_NeedsGate(SupervisorException error) =>
        error.Kind == BackendErrorKind.StartupTimeout
            ? new SupervisorException(error.Kind, error.Message, error.Backend) { Status = Status, Progress = error.Progress }
            : error;

    private void ScheduleRestart_NeedsGate(TimeSpan delay)
    {
        var backoff = new CancellationTokenSource();
        _backoff = backoff;
        _ = BackoffStepAsync(delay, backoff);
    }

    /// <summary>Until the last process's group is gone and its output read: a new one must not meet its remnants.</summary>
    private Task CleanedUpAsync(CancellationToken cancellationToken) => Volatile.Read(ref _cleanUp).WaitAsync(cancellationToken);

    private void CancelBackoff_NeedsGate()
    {
        _backoff?.Cancel();
        _backoff = null;
        _nextRestartAt = null;
    }
}
