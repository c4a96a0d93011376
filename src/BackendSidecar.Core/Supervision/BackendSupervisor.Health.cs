using BackendSidecar.Core.Configuration;
using BackendSidecar.Core.Health;

namespace BackendSidecar.Core.Supervision;

public sealed partial class BackendSupervisor
{
    /// <summary>Polls the probe fast while the backend starts, until it answers healthy or startupTimeoutMs passes.</summary>
    private async Task ReadinessLoopAsync(Instance instance, HealthOptions health)
    {
        using var deadline = new CancellationTokenSource(health.StartupTimeout, _time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(instance.Token, deadline.Token);
        var started = _time.GetTimestamp();
        try
        {
            // Bounded by the deadline.
            for (var attempt = 0; ; attempt++)
            {
                var result = await instance.Probe!.CheckAsync(linked.Token).ConfigureAwait(false);
                if (result.Ok)
                {
                    await OnReadyAsync(instance, result).ConfigureAwait(false);
                    return;
                }

                instance.LastProbe = result;
                linked.Token.ThrowIfCancellationRequested();
                var delay = HealthPolling.StartupDelay(attempt, _time.GetElapsedTime(started), health.Interval);
                await Task.Delay(delay, _time, linked.Token).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (deadline.IsCancellationRequested && !instance.Token.IsCancellationRequested)
        {
            await OnStartupTimeoutAsync(instance, health).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            // The instance was replaced (stopped, exited): nothing left to do.
        }
    }

    private async Task OnReadyAsync(Instance instance, HealthResult result)
    {
        using (await EnterAsync().ConfigureAwait(false))
        {
            if (_instance != instance || _state != BackendState.Starting) return;
            _health = new HealthSnapshot(true, _time.GetUtcNow(), result.Latency, result.Detail, 0);
            BecomeRunning_NeedsGate(instance, $"health check passed ({result.Detail})");
        }
    }

    private async Task OnStartupTimeoutAsync(Instance instance, HealthOptions health)
    {
        using (await EnterAsync().ConfigureAwait(false))
        {
            if (_instance != instance || _state != BackendState.Starting) return;
            var ms = (long)health.StartupTimeout.TotalMilliseconds;
            var last = instance.LastProbe is { } p ? $"; last check: {p.Detail}" : "";
            var reason = $"not healthy within {ms} ms{last}";
            var error = new SupervisorException(BackendErrorKind.StartupTimeout, reason, Name);
            _lastError = error.ToError();
            // A waiting start learns the outcome once the instance is gone and the restart policy has decided.
            BeginStop_NeedsGate(instance, reason, Options.Stop.Timeout, AfterStop.RestartDecision, error);
        }
    }

    /// <summary>Checks every intervalMs while running; failureThreshold failures in a row make the backend unhealthy.</summary>
    private async Task LivenessLoopAsync(Instance instance, HealthOptions health)
    {
        try
        {
            // Ends when the instance is retired.
            while (true)
            {
                await Task.Delay(HealthPolling.UntilNextTick(_time.GetTimestamp(), _time.TimestampFrequency, health.Interval), _time, instance.Token)
                    .ConfigureAwait(false);
                var result = await instance.Probe!.CheckAsync(instance.Token).ConfigureAwait(false);
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
                SetState_NeedsGate(BackendState.Running, $"health check passed again ({result.Detail})");
                return;
            }

            if (result.Ok || instance.ConsecutiveFailures < health.FailureThreshold || _state != BackendState.Running)
            {
                Publish_NeedsGate();
                return;
            }

            var reason = $"health check failed {instance.ConsecutiveFailures} times: {result.Detail}";
            SetState_NeedsGate(BackendState.Unhealthy, reason);
            // An adopted backend is not ours to restart; under policy never we only report.
            if (!instance.External && Options.Restart.Policy != RestartPolicyKind.Never)
                BeginStop_NeedsGate(instance, "restarting: " + reason, Options.Stop.Timeout, AfterStop.RestartDecision);
        }
    }
}
