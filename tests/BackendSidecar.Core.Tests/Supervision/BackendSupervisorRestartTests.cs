using BackendSidecar.Core.Configuration;
using BackendSidecar.Core.Processes;
using BackendSidecar.Core.Supervision;
using BackendSidecar.Testing;

namespace BackendSidecar.Core.Tests.Supervision;

public sealed class BackendSupervisorRestartTests
{
    private static SupervisorHarness Create(Func<RestartOptions, RestartOptions>? restart = null) =>
        new(o => o with { Restart = restart?.Invoke(o.Restart) ?? o.Restart });

    private static async Task<FakeChildProcessAlias> RunningAsync(SupervisorHarness h)
    {
        h.Health.Healthy = true;
        await h.Backend.StartAsync();
        return new(h.Launcher.All.Last());
    }

    [Fact]
    public async Task Crash_WhileRunning_BacksOffThenRestartsWithNewPid()
    {
        await using var h = Create();
        var first = (await RunningAsync(h)).Child;

        first.Exit(1);
        var backoff = await h.WaitForStateAsync(BackendState.Backoff);

        Assert.Equal(h.Time.GetUtcNow() + TimeSpan.FromSeconds(1), backoff.Status.NextRestartAt);
        Assert.Equal(1, backoff.Status.LastExit!.Code);
        Assert.Equal("exited with code 1; restarting in 1000 ms", backoff.Reason);

        h.Time.Advance(TimeSpan.FromMilliseconds(999));
        await Task.Delay(TestTimeouts.Expected);
        Assert.Single(h.Launcher.All);

        h.Time.Advance(TimeSpan.FromMilliseconds(1));
        var running = await h.WaitForStateAsync(BackendState.Running, occurrence: 2);
        Assert.NotEqual(first.Pid, running.Status.Pid);
        Assert.Equal(1, running.Status.RestartCount);
    }

    [Fact]
    public async Task Crash_Repeatedly_BackoffGrowsByFactorUpToMax()
    {
        await using var h = Create(r => r with
        {
            MaxRestarts = null,
            Backoff = new BackoffOptions { Initial = TimeSpan.FromMilliseconds(100), Factor = 3, Max = TimeSpan.FromMilliseconds(1000), Jitter = 0 },
        });
        await RunningAsync(h);

        var delays = new List<TimeSpan>();
        for (var i = 1; i <= 4; i++)
        {
            h.Launcher.All.Last().Exit(1);
            var backoff = await h.WaitForStateAsync(BackendState.Backoff, occurrence: i);
            delays.Add(backoff.Status.NextRestartAt!.Value - h.Time.GetUtcNow());
            // The backoff is announced under the gate before its timer is armed: move time only once it is.
            await h.AdvanceToTimerAtAsync(backoff.Status.NextRestartAt.Value);
            await h.WaitForStateAsync(BackendState.Running, occurrence: i + 1);
        }

        Assert.Equal([100, 300, 900, 1000], delays.Select(d => d.TotalMilliseconds));
    }

    [Fact]
    public async Task Crash_MoreThanMaxRestartsInWindow_GivesUpAsFailed()
    {
        await using var h = Create(r => r with { MaxRestarts = 2, Backoff = new BackoffOptions { Initial = TimeSpan.Zero } });
        await RunningAsync(h);

        for (var i = 1; i <= 2; i++)
        {
            h.Launcher.All.Last().Exit(1);
            await h.WaitForStateAsync(BackendState.Running, occurrence: i + 1);
        }

        h.Launcher.All.Last().Exit(1);
        var failed = await h.WaitForStateAsync(BackendState.Failed);

        Assert.Equal(2, failed.Status.RestartCount);
        Assert.Equal(BackendErrorKind.GaveUp, failed.Status.LastError!.Kind);
        Assert.Contains("maxRestarts 2", failed.Reason);
        Assert.Equal(3, h.Launcher.All.Count);
    }

    [Fact]
    public async Task Crash_AfterStableRunningForResetAfter_StartsANewStreak()
    {
        await using var h = Create(r => r with
        {
            MaxRestarts = 1,
            ResetAfter = TimeSpan.FromSeconds(5),
            Backoff = new BackoffOptions { Initial = TimeSpan.Zero },
        });
        await RunningAsync(h);
        h.Launcher.All.Last().Exit(1);
        var second = await h.WaitForStateAsync(BackendState.Running, occurrence: 2);
        Assert.Equal(1, second.Status.RestartCount);

        await h.AdvanceAsync(TimeSpan.FromSeconds(5));
        Assert.Equal(0, h.Backend.Status.RestartCount);

        h.Launcher.All.Last().Exit(1);
        await h.WaitForStateAsync(BackendState.Running, occurrence: 3);
    }

    [Fact]
    public async Task Crash_ZeroBackoff_GoesThroughBackoffAndRestartsAtOnce()
    {
        await using var h = Create(r => r with { Backoff = new BackoffOptions { Initial = TimeSpan.Zero } });
        await RunningAsync(h);

        h.Launcher.All.Last().Exit(code: null, Signals.SIGKILL);

        var backoff = await h.WaitForStateAsync(BackendState.Backoff);
        Assert.Equal("SIGKILL", backoff.Status.LastExit!.SignalName);
        Assert.Null(backoff.Status.LastExit.Code);
        await h.WaitForStateAsync(BackendState.Running, occurrence: 2);
    }

    [Fact]
    public async Task CleanExit_UnderOnFailure_EndsStopped()
    {
        await using var h = Create();
        await RunningAsync(h);

        h.Launcher.All.Last().Exit(0);

        var stopped = await h.WaitForStateAsync(BackendState.Stopped);
        Assert.Contains("exited with code 0", stopped.Reason);
        Assert.Null(stopped.Status.LastError);
        Assert.Single(h.Launcher.All);
    }

    [Fact]
    public async Task CleanExit_UnderAlways_Restarts()
    {
        await using var h = Create(r => r with { Policy = RestartPolicyKind.Always });
        await RunningAsync(h);

        h.Launcher.All.Last().Exit(0);

        await h.WaitForStateAsync(BackendState.Backoff);
    }

    [Fact]
    public async Task Crash_UnderNever_EndsFailed()
    {
        await using var h = Create(r => r with { Policy = RestartPolicyKind.Never });
        await RunningAsync(h);

        h.Launcher.All.Last().Exit(2);

        var failed = await h.WaitForStateAsync(BackendState.Failed);
        Assert.Equal(BackendErrorKind.GaveUp, failed.Status.LastError!.Kind);
        Assert.Contains("restart policy is never", failed.Reason);
    }

    [Fact]
    public async Task ManualStart_AfterGivingUp_TriesAgain()
    {
        await using var h = Create(r => r with { MaxRestarts = 0 });
        await RunningAsync(h);
        h.Launcher.All.Last().Exit(1);
        await h.WaitForStateAsync(BackendState.Failed);

        var status = await h.Backend.StartAsync();

        Assert.Equal(BackendState.Running, status.State);
        Assert.Equal(0, status.RestartCount);
    }

    [Fact]
    public async Task Unhealthy_AfterFailureThreshold_RestartsUnderPolicy()
    {
        await using var h = new SupervisorHarness(o => o with { Health = o.Health! with { Interval = TimeSpan.FromSeconds(1), FailureThreshold = 3 } });
        var first = (await RunningAsync(h)).Child;

        h.Health.Healthy = false;
        await h.AdvanceAsync(TimeSpan.FromSeconds(2));
        Assert.Equal(BackendState.Running, h.Backend.State);
        Assert.Equal(2, h.Backend.Status.Health!.ConsecutiveFailures);

        await h.AdvanceAsync(TimeSpan.FromSeconds(1));
        var unhealthy = await h.WaitForStateAsync(BackendState.Unhealthy);
        Assert.Equal("health check failed 3 times: connection refused", unhealthy.Reason);
        await h.WaitForStateAsync(BackendState.Backoff);
        Assert.Equal([Signals.SIGTERM], first.SignalsReceived);
    }

    [Fact]
    public async Task Unhealthy_UnderNever_StaysAndRecovers()
    {
        await using var h = new SupervisorHarness(o => o with
        {
            Health = o.Health! with { Interval = TimeSpan.FromSeconds(1), FailureThreshold = 1 },
            Restart = o.Restart with { Policy = RestartPolicyKind.Never },
        });
        await RunningAsync(h);

        h.Health.Healthy = false;
        await h.AdvanceAsync(TimeSpan.FromSeconds(1));
        await h.WaitForStateAsync(BackendState.Unhealthy);
        h.Health.Healthy = true;
        await h.AdvanceAsync(TimeSpan.FromSeconds(1));

        var recovered = await h.WaitForStateAsync(BackendState.Running, occurrence: 2);
        Assert.Contains("passed again", recovered.Reason);
        Assert.Single(h.Launcher.All);
    }

    /// <summary>Keeps test bodies short: the launched fake.</summary>
    private sealed record FakeChildProcessAlias(Fakes.FakeChildProcess Child);
}
