using BackendSidecar.Core.Configuration;
using BackendSidecar.Core.Processes;
using BackendSidecar.Core.Supervision;
using BackendSidecar.Testing;

namespace BackendSidecar.Core.Tests.Supervision;

public sealed class BackendSupervisorStartTests
{
    [Fact]
    public async Task Start_HealthyBackend_IsRunningWithItsPid()
    {
        await using var h = new SupervisorHarness();
        h.Health.Healthy = true;

        var status = await h.Backend.StartAsync();

        Assert.Equal(BackendState.Running, status.State);
        var child = Assert.Single(h.Launcher.All);
        Assert.Equal(child.Pid, status.Pid);
        Assert.Equal([BackendState.Starting, BackendState.Running], h.Changes.Select(c => c.Status.State));
        Assert.Equal("start requested", h.Changes[0].Reason);
        Assert.Contains("health check passed", h.Changes[1].Reason);
    }

    [Fact]
    public async Task Start_NotHealthyYet_PollsFastUntilHealthy()
    {
        await using var h = new SupervisorHarness();
        var start = h.Backend.StartAsync();
        await h.WaitForStateAsync(BackendState.Starting);

        // Four checks within a few fake milliseconds, not one per second: time moves to each next poll once the loop has
        // made its check and armed that poll, so a busy machine cannot skip one.
        var began = h.Time.GetUtcNow();
        for (var check = 1; check < 4; check++)
        {
            await h.Health.ChecksReachedAsync(check);
            await h.AdvanceToNextTimerAsync(TimeSpan.FromMilliseconds(40) - (h.Time.GetUtcNow() - began));
        }
        await h.Health.ChecksReachedAsync(4);
        Assert.InRange(h.Time.GetUtcNow() - began, TimeSpan.Zero, TimeSpan.FromMilliseconds(40));
        Assert.Equal(BackendState.Starting, h.Backend.State);

        h.Health.Healthy = true;
        var status = await h.AdvanceUntilAsync(start, TimeSpan.FromMilliseconds(50));
        Assert.Equal(BackendState.Running, status.State);
    }

    [Fact]
    public async Task Start_OnRunningBackend_ReturnsStatusWithoutLaunchingAgain()
    {
        await using var h = new SupervisorHarness();
        h.Health.Healthy = true;
        await h.Backend.StartAsync();

        var again = await h.Backend.StartAsync();

        Assert.Equal(BackendState.Running, again.State);
        Assert.Single(h.Launcher.All);
    }

    [Fact]
    public async Task Start_NoHealthCheck_IsRunningOnceSpawned()
    {
        await using var h = new SupervisorHarness(o => o with { Health = null });

        var status = await h.Backend.StartAsync();

        Assert.Equal(BackendState.Running, status.State);
        Assert.Null(status.HealthUrl);
    }

    [Fact]
    public async Task Start_ExitsBeforeHealthy_ThrowsWithExitCodeAndLastLines()
    {
        await using var h = new SupervisorHarness(o => o with { Restart = o.Restart with { Policy = RestartPolicyKind.Never } });
        var start = h.Backend.StartAsync();
        var child = await h.Launcher.NextAsync();

        child.WriteLine("loading model");
        child.WriteLine("Traceback: ModuleNotFoundError: No module named 'uvicorn'", stderr: true);
        child.Exit(1);

        var ex = await Assert.ThrowsAsync<SupervisorException>(() => start);
        Assert.Equal(BackendErrorKind.ExitedBeforeHealthy, ex.Kind);
        Assert.Equal(1, ex.Exit!.Code);
        Assert.Null(ex.Exit.Signal);
        // stdout and stderr are separate pipes, so their relative order is not something the supervisor can know.
        Assert.Equal(["Traceback: ModuleNotFoundError: No module named 'uvicorn'", "loading model"], ex.LastLines!.Order());
        var status = h.Backend.Status;
        Assert.Equal(BackendState.Failed, status.State);
        Assert.Equal(BackendErrorKind.ExitedBeforeHealthy, status.LastError!.Kind);
        Assert.Equal(1, status.LastExit!.Code);
    }

    [Fact]
    public async Task Start_KilledBySignalBeforeHealthy_ReportsSignalNotCode()
    {
        await using var h = new SupervisorHarness(o => o with { Restart = o.Restart with { Policy = RestartPolicyKind.Never } });
        var start = h.Backend.StartAsync();
        var child = await h.Launcher.NextAsync();

        child.Exit(code: null, Signals.SIGKILL);

        var ex = await Assert.ThrowsAsync<SupervisorException>(() => start);
        Assert.Null(ex.Exit!.Code);
        Assert.Equal("SIGKILL", ex.Exit.SignalName);
    }

    [Fact]
    public async Task Start_NotHealthyWithinStartupTimeout_ThrowsAndStopsTheProcess()
    {
        await using var h = new SupervisorHarness(o => o with
        {
            Health = o.Health! with { StartupTimeout = TimeSpan.FromSeconds(3) },
            Restart = o.Restart with { Policy = RestartPolicyKind.Never },
        });
        var start = h.Backend.StartAsync();
        var child = await h.Launcher.NextAsync();

        var ex = await Assert.ThrowsAsync<SupervisorException>(() =>
            h.AdvanceUntilAsync(start, TimeSpan.FromSeconds(4)));

        Assert.Equal(BackendErrorKind.StartupTimeout, ex.Kind);
        Assert.Contains("not healthy within 3000 ms", ex.Message);
        Assert.Contains("connection refused", ex.Message);
        await h.WaitForStateAsync(BackendState.Failed);
        Assert.Equal([Signals.SIGTERM], child.SignalsReceived);
        Assert.Equal(BackendErrorKind.StartupTimeout, h.Backend.Status.LastError!.Kind);
    }

    [Fact]
    public async Task Start_CommandNotFound_FailsWithWhatWasSearched()
    {
        await using var h = new SupervisorHarness(o => o with { Command = "no-such-command-bs" });

        var ex = await Assert.ThrowsAsync<SupervisorException>(() => h.Backend.StartAsync());

        Assert.Equal(BackendErrorKind.CannotStart, ex.Kind);
        Assert.Contains("/usr/bin/no-such-command-bs", ex.Searched!);
        Assert.Equal(BackendState.Failed, h.Backend.State);
        Assert.Equal(BackendErrorKind.CannotStart, h.Backend.Status.LastError!.Kind);
        Assert.Empty(h.Launcher.All);
    }

    [Fact]
    public async Task Start_LaunchRefused_FailsAsCannotStart()
    {
        await using var h = new SupervisorHarness();
        h.Launcher.Failure = new LaunchException("permission denied: /bin/sh", 13);

        var ex = await Assert.ThrowsAsync<SupervisorException>(() => h.Backend.StartAsync(wait: false));

        Assert.Equal(BackendErrorKind.CannotStart, ex.Kind);
        Assert.Contains("permission denied", ex.Message);
    }

    [Fact]
    public async Task Start_MissingWorkingDirectory_FailsAsCannotStart()
    {
        await using var h = new SupervisorHarness(o => o with { Cwd = "/no/such/dir/bs" });

        var ex = await Assert.ThrowsAsync<SupervisorException>(() => h.Backend.StartAsync());

        Assert.Equal(BackendErrorKind.CannotStart, ex.Kind);
        Assert.Contains("/no/such/dir/bs", ex.Message);
    }

    [Fact]
    public async Task Start_WithoutWait_AnswersWhileStarting()
    {
        await using var h = new SupervisorHarness();

        var status = await h.Backend.StartAsync(wait: false);

        Assert.Equal(BackendState.Starting, status.State);
        Assert.NotNull(status.Pid);
    }

    [Fact]
    public async Task Start_Cancelled_StopsWaitingButKeepsStarting()
    {
        await using var h = new SupervisorHarness();
        using var cts = new CancellationTokenSource();
        var start = h.Backend.StartAsync(cancellationToken: cts.Token);
        await h.WaitForStateAsync(BackendState.Starting);

        await cts.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => start);
        Assert.Equal(BackendState.Starting, h.Backend.State);
    }

    [Fact]
    public async Task Start_SetsPythonUnbufferedUnlessConfigured()
    {
        await using var h = new SupervisorHarness(o => o with { Health = null });
        await h.Backend.StartAsync();
        Assert.Equal("1", h.Launcher.All.Single().Request.Environment["PYTHONUNBUFFERED"]);

        await using var configured = new SupervisorHarness(o => o with { Health = null, Env = new Dictionary<string, string> { ["PYTHONUNBUFFERED"] = "0" } });
        await configured.Backend.StartAsync();
        Assert.Equal("0", configured.Launcher.All.Single().Request.Environment["PYTHONUNBUFFERED"]);
    }
}
