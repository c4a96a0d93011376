using BackendSidecar.Core.Configuration;
using BackendSidecar.Core.Supervision;
using BackendSidecar.Testing;

namespace BackendSidecar.Core.Tests.Supervision;

/// <summary>
/// A start that waits is answered with its own attempt's outcome: a failure before healthy is reported at once and the
/// backend ends failed with it (no retry loop hides it). Attempts nobody waits on go by the restart policy.
/// </summary>
public sealed class BackendSupervisorStartWaitTests
{
    private static SupervisorHarness Create(int? maxRestarts = 3) => new(o => o with
    {
        Restart = o.Restart with { MaxRestarts = maxRestarts, Backoff = new BackoffOptions { Initial = TimeSpan.Zero } },
    });

    [Fact]
    public async Task StartWait_ExitsBeforeHealthy_FailsAtOnceWithTheExitAndIsNotRestarted()
    {
        await using var h = Create();
        var start = h.Backend.StartAsync();

        (await h.Launcher.NextAsync()).Exit(1);

        var ex = await Assert.ThrowsAsync<SupervisorException>(() => start.WaitAsync(TestTimeouts.Unexpected));
        Assert.Equal(BackendErrorKind.ExitedBeforeHealthy, ex.Kind);
        Assert.Equal(1, ex.Exit!.Code);
        var status = h.Backend.Status;
        Assert.Equal((BackendState.Failed, 0), (status.State, status.RestartCount));
        Assert.Equal(BackendErrorKind.ExitedBeforeHealthy, status.LastError!.Kind);
        Assert.Single(h.Launcher.All);
    }

    [Fact]
    public async Task StartWithoutWait_ExitsBeforeHealthyEveryTime_RestartsUnderThePolicyThenGivesUp()
    {
        await using var h = Create(maxRestarts: 2);
        h.Launcher.Configure = child => child.Exit(1);

        await h.Backend.StartAsync(wait: false);
        await h.WaitForStateAsync(BackendState.Failed);

        var status = h.Backend.Status;
        Assert.Equal(2, status.RestartCount);
        Assert.Equal(BackendErrorKind.GaveUp, status.LastError!.Kind);
        Assert.Equal(3, h.Launcher.All.Count);
    }

    [Fact]
    public async Task StartWait_JoiningAnAutomaticRestart_AnswersRunningWhenItGetsHealthy()
    {
        await using var h = Create();
        await h.Backend.StartAsync(wait: false);
        (await h.Launcher.NextAsync()).Exit(1);
        var second = await h.Launcher.NextAsync();
        await h.WaitForStateAsync(BackendState.Starting, occurrence: 2);

        var start = h.Backend.StartAsync();
        h.Health.Healthy = true;

        var status = await h.AdvanceUntilAsync(start, TimeSpan.FromSeconds(1));
        Assert.Equal((BackendState.Running, second.Pid, 1), (status.State, status.Pid, status.RestartCount));
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

    [Theory]
    [InlineData(RestartPolicyKind.Never)]
    [InlineData(RestartPolicyKind.OnFailure)]
    public async Task StartWait_StartupTimeout_ReportsTheFailedStatus(RestartPolicyKind policy)
    {
        await using var h = new SupervisorHarness(o => o with
        {
            Health = o.Health! with { StartupTimeout = TimeSpan.FromSeconds(1) },
            Restart = o.Restart with { Policy = policy },
        });
        var start = h.Backend.StartAsync();

        var ex = await Assert.ThrowsAsync<SupervisorException>(() =>
            h.AdvanceUntilAsync(start, TimeSpan.FromSeconds(2)));

        Assert.Equal(BackendErrorKind.StartupTimeout, ex.Kind);
        Assert.Equal(BackendState.Failed, ex.Status!.State);
        Assert.Equal(BackendErrorKind.StartupTimeout, h.Backend.Status.LastError!.Kind);
        Assert.Single(h.Launcher.All);
    }
}
