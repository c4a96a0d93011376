using BackendSidecar.Core.Configuration;
using BackendSidecar.Core.Supervision;
using BackendSidecar.Testing;

namespace BackendSidecar.Core.Tests.Supervision;

/// <summary>Defects of issue 13 found under attack, each pinned by the test that showed it.</summary>
public sealed class BackendSupervisorLifecycleDefectTests
{
    [Fact]
    public async Task Shutdown_DuringBackoff_CancelsThePendingRestart()
    {
        await using var h = new SupervisorHarness();
        h.Health.Healthy = true;
        await h.Backend.StartAsync();
        h.Launcher.All.Single().Exit(1);
        await h.WaitForStateAsync(BackendState.Backoff);

        await h.Backend.BeginShutdownAsync();
        await h.AdvanceAsync(TimeSpan.FromSeconds(5));

        Assert.Single(h.Launcher.All);
        var stopped = await h.WaitForStateAsync(BackendState.Stopped);
        Assert.Contains("shutting down", stopped.Reason);
        Assert.Null(h.Backend.Status.NextRestartAt);
    }

    [Fact]
    public async Task Restart_CancelledWhileStoppingTheOldProcess_EndsTheWaitButGoesOnToRunning()
    {
        await using var h = new SupervisorHarness(o => o with { Stop = o.Stop with { Timeout = TimeSpan.FromSeconds(10) } });
        h.Health.Healthy = true;
        h.Launcher.Configure = c => c.ExitsOnStopSignal = false;
        await h.Backend.StartAsync();
        var first = h.Launcher.All.Single();
        using var cancel = new CancellationTokenSource();

        var restart = h.Backend.RestartAsync(cancellationToken: cancel.Token);
        await h.WaitForStateAsync(BackendState.Stopping);
        await cancel.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => restart.WaitAsync(TestTimeouts.Unexpected));
        // To the stop timeout, once it is armed: the stopping notification goes out just before the stop begins.
        await h.AdvanceToNextTimerAsync(TimeSpan.FromSeconds(10));
        var running = await h.WaitForStateAsync(BackendState.Running, occurrence: 2);
        Assert.NotEqual(first.Pid, running.Status.Pid);
    }

    [Fact]
    public async Task Crash_IsNotifiedBeforeTheGroupIsCleanedUp_AndTheRestartWaitsForTheCleanUp()
    {
        await using var h = new SupervisorHarness(o => o with { Restart = o.Restart with { Backoff = new BackoffOptions { Initial = TimeSpan.Zero } } });
        h.Health.Healthy = true;
        var cleanUp = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        h.Launcher.Configure = c => c.RemnantsGone = cleanUp.Task;
        await h.Backend.StartAsync();

        h.Launcher.All.Single().Exit(1);

        // The notification does not wait for the clean-up (a scan of every process on the machine)...
        await h.WaitForStateAsync(BackendState.Backoff);
        // ...but the new process does: a remnant could still hold the port.
        await Task.Delay(TestTimeouts.Expected);
        Assert.Single(h.Launcher.All);

        cleanUp.SetResult();
        await h.WaitForStateAsync(BackendState.Running, occurrence: 2);
        Assert.Equal(2, h.Launcher.All.Count);
    }
}
