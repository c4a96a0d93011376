using BackendSidecar.Core.Configuration;
using BackendSidecar.Core.Health;
using BackendSidecar.Core.Insights;

namespace BackendSidecar.Core.Supervision;

public sealed partial class BackendSupervisor
{
    /// <summary>Progress reports while loading, when the backend has a progress pattern.</summary>
    private LoadingProgress? WatchProgress(Instance instance, HealthOptions health, StartupDeadline deadline) =>
        health.Progress is { } pattern
            ? new LoadingProgress(health, pattern, _log.Buffer, instance.FromSeq, instance.StartedAt, deadline, _time,
                report => _ = PublishProgressAsync(instance, report))
            : null;

    /// <summary>Polls the probe fast (the <see cref="HealthCheckPolicies.Readiness"/> policy) until it answers healthy, and
    /// at once after a line of output (<see cref="OutputNudge"/>); null when the deadline passed or the instance was
    /// replaced first.</summary>
    private async Task<HealthResult?> HealthyBeforeAsync(Instance instance, HealthOptions health, StartupDeadline deadline)
    {
        using var ended = CancellationTokenSource.CreateLinkedTokenSource(instance.Token, deadline.Token);
        using var nudge = new OutputNudge(_log.Buffer, instance.FromSeq, _time);
        var readiness = HealthCheckPolicies.Readiness(health, _time, failed => instance.LastProbe = failed, nudge.Waiting);
        // Each pass ends with a check that passed, the deadline or the instance's end, or a line that cut a wait short.
        while (true)
        {
            // On the injected clock: a cut deferred to half a wait is a timer of that clock.
            using var pass = new CancellationTokenSource(Timeout.InfiniteTimeSpan, _time);
            using var link = ended.Token.UnsafeRegister(static source => ((CancellationTokenSource)source!).Cancel(), pass);
            nudge.Use(pass);
            try
            {
                return await readiness.CheckAsync(instance.Probe!, health, pass.Token, nudge).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (pass.IsCancellationRequested && !ended.IsCancellationRequested)
            {
                // A line cut the wait short: check now.
            }
            catch (OperationCanceledException)
            {
                return null;
            }
            finally
            {
                nudge.CheckStarting();
            }
        }
    }

    private async Task OnReadyAsync(Instance instance, HealthResult result)
    {
        using (await EnterAsync().ConfigureAwait(false))
        {
            if (_instance != instance || _state != BackendState.Starting) return;
            _health = new HealthSnapshot(true, _time.GetUtcNow(), result.Latency, result.Detail, 0);
            RunningStep_NeedsGate(instance, BackendTrigger.Ready, $"health check passed ({result.Detail})");
        }
    }

    private async Task OnStartupTimeoutAsync(Instance instance, HealthOptions health, LoadingProgress? loading)
    {
        using (await EnterAsync().ConfigureAwait(false))
        {
            if (_instance != instance || _state != BackendState.Starting) return;
            var (message, progress, stalled) = loading?.Timeout()
                ?? ($"not healthy within {(long)health.StartupTimeout.TotalMilliseconds} ms", null, false);
            var last = instance.LastProbe is { } p ? $"; last check: {p.Detail}" : "";
            var reason = message + last;
            var error = new SupervisorException(BackendErrorKind.StartupTimeout, reason, Name) { Progress = progress };
            instance.StoppedBy = stalled ? SidecarStopReason.StartStalled : SidecarStopReason.StartupTimeout;
            _lastError = error.ToError();
            // A waiting start learns the outcome once the instance is gone and the restart policy has decided.
            BeginStop_NeedsGate(instance, BackendTrigger.StartupTimedOut, reason, Options.Stop.Timeout, AfterStop.RestartDecision, error);
        }
    }

    /// <summary>Checks every intervalMs while running; failureThreshold failures in a row make the backend unhealthy.</summary>
    private async Task LivenessLoopAsync(Instance instance, HealthOptions health)
    {
        var check = HealthCheckPolicies.SingleCheck(health, _time);
        try
        {
            // Ends when the instance is retired.
            while (true)
            {
                await Task.Delay(HealthPolling.UntilNextTick(_time.GetTimestamp(), _time.TimestampFrequency, health.Interval), _time, instance.Token)
                    .ConfigureAwait(false);
                var result = await check.CheckAsync(instance.Probe!, health, instance.Token).ConfigureAwait(false);
                await OnLivenessResultAsync(instance, health, result).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException)
        {
        }
    }

    private async Task OnLivenessResultAsync(Instance instance, HealthOptions health, HealthResult result)
    {
        using (await EnterAsync().ConfigureAwait(false))
        {
            if (_instance != instance) return;
            instance.ConsecutiveFailures = result.Ok ? 0 : instance.ConsecutiveFailures + 1;
            _health = new HealthSnapshot(result.Ok, _time.GetUtcNow(), result.Latency, result.Detail, instance.ConsecutiveFailures);

            if (result.Ok && _state == BackendState.Unhealthy)
            {
                SetState_NeedsGate(BackendTrigger.HealthRecovered, result.Detail);
                return;
            }

            if (result.Ok || instance.ConsecutiveFailures < health.FailureThreshold || _state != BackendState.Running)
            {
                Publish_NeedsGate();
                return;
            }

            var failures = $"{instance.ConsecutiveFailures} times: {result.Detail}";
            SetState_NeedsGate(BackendTrigger.HealthFailed, failures);
            // An adopted backend is not ours to restart; under policy never we only report.
            if (!instance.External && Options.Restart.Policy != RestartPolicyKind.Never)
                BeginStop_NeedsGate(instance, BackendTrigger.StoppingUnhealthy, "health check failed " + failures, Options.Stop.Timeout, AfterStop.RestartDecision);
        }
    }

    /// <summary>A (rate-limited) progress report: into the status, and a statusChanged that keeps the state.</summary>
    private async Task PublishProgressAsync(Instance instance, ProgressReport report)
    {
        using (await EnterAsync().ConfigureAwait(false))
        {
            if (_instance != instance || _state != BackendState.Starting) return;
            // Two reports that raced for the gate: the older one is not news.
            if (instance.Progress is { } shown && shown.At > report.At) return;
            instance.Progress = report;
            Announce_NeedsGate("loading progress");
        }
    }
}
