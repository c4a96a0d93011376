using BackendSidecar.Core.Configuration;
using BackendSidecar.Core.Supervision;
using BackendSidecar.Testing;

namespace BackendSidecar.Core.Tests.Supervision;

/// <summary>
/// A start with wait answers with the outcome: running, or the error the backend ends failed with. Automatic restarts in
/// between do not end the wait (found by the end-to-end tests: the start used to answer -32014 while the backend restarted).
/// </summary>
public sealed class BackendSupervisorStartWaitTests
{
    private static SupervisorHarness Create(int? maxRestarts = 3) => new(o => o with
    {
        Restart = o.Restart with { MaxRestarts = maxRestarts, Backoff = new BackoffOptions { Initial = TimeSpan.Zero } },
    });

    [Fact]
    public async Task StartWait_ExitsBeforeHealthyThenARestartGetsHealthy_AnswersRunning()
    {
        await using var h = Create();
        var start = h.Backend.StartAsync();

        (await h.Launcher.NextAsync()).Exit(1);
        await h.WaitForStateAsync(BackendState.Backoff);
        var second = await h.Launcher.NextAsync();
        h.Health.Healthy = true;

        var status = await h.AdvanceUntilAsync(start, TimeSpan.FromMilliseconds(1), TimeSpan.FromSeconds(1));
        Assert.Equal((BackendState.Running, second.Pid, 1), (status.State, status.Pid, status.RestartCount));
    }

    [Fact]
    public async Task StartWait_ExitsBeforeHealthyEveryTime_GivesUpWithTheFailedStatus()
    {
        await using var h = Create(maxRestarts: 2);
        h.Launcher.Configure = child => child.Exit(1);

        var ex = await Assert.ThrowsAsync<SupervisorException>(() => h.Backend.StartAsync().WaitAsync(TestTimeouts.Unexpected));

        Assert.Equal(BackendErrorKind.GaveUp, ex.Kind);
        Assert.Equal((BackendState.Failed, 2), (ex.Status!.State, ex.Status.RestartCount));
        Assert.Equal(BackendErrorKind.GaveUp, h.Backend.Status.LastError!.Kind);
        Assert.Equal(3, h.Launcher.All.Count);
    }

    [Fact]
    public async Task StartWait_ExitsBeforeHealthyWithMaxRestartsZero_ReportsTheExitItself()
    {
        await using var h = Create(maxRestarts: 0);
        h.Launcher.Configure = child => child.Exit(4);

        var ex = await Assert.ThrowsAsync<SupervisorException>(() => h.Backend.StartAsync().WaitAsync(TestTimeouts.Unexpected));

        Assert.Equal(BackendErrorKind.ExitedBeforeHealthy, ex.Kind);
        Assert.Equal(4, ex.Exit!.Code);
        Assert.Equal(BackendErrorKind.ExitedBeforeHealthy, h.Backend.Status.LastError!.Kind);
    }

    [Fact]
    public async Task StartWait_StopDuringBackoff_EndsTheWaitAsCancelled()
    {
        await using var h = new SupervisorHarness(); // backoff 1000 ms on fake time: the restart waits
        var start = h.Backend.StartAsync();
        (await h.Launcher.NextAsync()).Exit(1);
        await h.WaitForStateAsync(BackendState.Backoff);

        var stopped = await h.Backend.StopAsync();

        Assert.Equal(BackendState.Stopped, stopped.State);
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => start.WaitAsync(TestTimeouts.Unexpected));
    }

    [Fact]
    public async Task StartWait_StartupTimeoutUnderPolicyNever_ReportsTheFailedStatus()
    {
        await using var h = new SupervisorHarness(o => o with
        {
            Health = o.Health! with { StartupTimeout = TimeSpan.FromSeconds(1) },
            Restart = o.Restart with { Policy = RestartPolicyKind.Never },
        });
        var start = h.Backend.StartAsync();

        var ex = await Assert.ThrowsAsync<SupervisorException>(() =>
            h.AdvanceUntilAsync(start, TimeSpan.FromMilliseconds(50), TimeSpan.FromSeconds(2)));

        Assert.Equal(BackendErrorKind.StartupTimeout, ex.Kind);
        Assert.Equal(BackendState.Failed, ex.Status!.State);
    }
}
