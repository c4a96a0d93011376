using BackendSidecar.Core.Configuration;
using BackendSidecar.Core.Health;
using Polly;
using Polly.Retry;
using Polly.Timeout;

namespace BackendSidecar.Core.Supervision;

/// <summary>
/// How health is checked, written as Polly policies on the injected clock: each check bounded by <c>timeoutMs</c>, and the
/// readiness wait, which retries a failed check on the adaptive schedule of <see cref="HealthPolling.StartupDelay"/>
/// until one passes or the caller's token (the <see cref="StartupDeadline"/>) ends it.
/// </summary>
internal static class HealthCheckPolicies
{
    /// <summary>One check, bounded by <c>timeoutMs</c>: a probe that overruns it counts as a failed check.</summary>
    public static ResiliencePipeline<HealthResult> SingleCheck(HealthOptions health, TimeProvider time) =>
        new ResiliencePipelineBuilder<HealthResult> { TimeProvider = time }
            .AddTimeout(CheckTimeout(health))
            .Build();

    /// <summary>Checks until one passes; <paramref name="onFailedCheck"/> sees every failed one (the last is in a timeout's
    /// message) and <paramref name="onWaiting"/> every wait before the next check.</summary>
    /// <remarks>
    /// Built once per start and run again when a line from the backend cut a wait short (<see cref="OutputNudge"/>): the
    /// schedule counts failed checks across those runs, so a talkative backend does not bring back the fast first delays.
    /// </remarks>
    public static ResiliencePipeline<HealthResult> Readiness(
        HealthOptions health, TimeProvider time, Action<HealthResult> onFailedCheck, Action<TimeSpan> onWaiting)
    {
        var started = time.GetTimestamp();
        var failedChecks = 0;
        return new ResiliencePipelineBuilder<HealthResult> { TimeProvider = time }
            .AddRetry(new RetryStrategyOptions<HealthResult>
            {
                ShouldHandle = static args => ValueTask.FromResult(
                    args.Outcome.Result is { Ok: false } || args.Outcome.Exception is TimeoutRejectedException),
                // Bounded by the startup deadline, which cancels the token the pipeline runs with.
                MaxRetryAttempts = int.MaxValue,
                DelayGenerator = _ => ValueTask.FromResult<TimeSpan?>(
                    HealthPolling.StartupDelay(failedChecks, time.GetElapsedTime(started), health.Interval)),
                OnRetry = args =>
                {
                    failedChecks++;
                    onFailedCheck(args.Outcome.Result ?? TimedOut(health));
                    onWaiting(args.RetryDelay);
                    return default;
                },
            })
            .AddTimeout(CheckTimeout(health))
            .Build();
    }

    /// <summary>Runs one check through <paramref name="pipeline"/>; a check cut off by its timeout is a failed result.</summary>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled.</exception>
    /// <param name="nudge">Told when each check begins (readiness only).</param>
    public static async ValueTask<HealthResult> CheckAsync(this ResiliencePipeline<HealthResult> pipeline, IHealthProbe probe,
        HealthOptions health, CancellationToken cancellationToken, OutputNudge? nudge = null)
    {
        try
        {
            return await pipeline.ExecuteAsync(static (state, ct) =>
            {
                state.nudge?.CheckStarting();
                return state.probe.CheckAsync(ct);
            }, (probe, nudge), cancellationToken).ConfigureAwait(false);
        }
        catch (TimeoutRejectedException)
        {
            return TimedOut(health);
        }
    }

    // A generator rather than Timeout: the options' range starts at 10 ms, and timeoutMs may be shorter.
    private static TimeoutStrategyOptions CheckTimeout(HealthOptions health) =>
        new() { TimeoutGenerator = _ => ValueTask.FromResult(health.Timeout) };

    private static HealthResult TimedOut(HealthOptions health) => new(false, ProbeErrors.TimedOut(health.Timeout), health.Timeout);
}
