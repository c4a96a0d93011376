using BackendSidecar.Core.Processes;
using BackendSidecar.Core.Supervision;
using BackendSidecar.Testing;

namespace BackendSidecar.Core.Tests.Supervision;

public sealed class BackendSupervisorStopTests
{
    [Fact]
    public async Task Stop_Running_SignalsGroupAndEndsStopped()
    {
        await using var h = new SupervisorHarness();
        h.Health.Healthy = true;
        await h.Backend.StartAsync();
        var child = h.Launcher.All.Single();

        var status = await h.Backend.StopAsync();

        Assert.Equal(BackendState.Stopped, status.State);
        Assert.Null(status.Pid);
        Assert.Equal([Signals.SIGTERM], child.SignalsReceived);
        Assert.Equal("SIGTERM", status.LastExit!.SignalName);
        Assert.Equal([BackendState.Starting, BackendState.Running, BackendState.Stopping, BackendState.Stopped], h.Changes.Select(c => c.Status.State));
        Assert.Equal("stop requested", h.Changes[2].Reason);
        Assert.Equal(child.Pid, h.Changes[2].Status.Pid);
    }

    [Fact]
    public async Task Stop_ChildIgnoresSignal_EscalatesToSigkillAfterTimeout()
    {
        await using var h = new SupervisorHarness();
        h.Health.Healthy = true;
        h.Launcher.Configure = c => c.ExitsOnStopSignal = false;
        await h.Backend.StartAsync();
        var child = h.Launcher.All.Single();

        var stop = h.Backend.StopAsync(timeout: TimeSpan.FromSeconds(10));
        await h.WaitForStateAsync(BackendState.Stopping);
        h.Time.Advance(TimeSpan.FromMilliseconds(9_999));
        await Task.Delay(TestTimeouts.Expected);
        Assert.False(stop.IsCompleted);

        var status = await h.AdvanceUntilAsync(stop, TimeSpan.FromSeconds(1));

        Assert.Equal([Signals.SIGTERM, Signals.SIGKILL], child.SignalsReceived);
        Assert.Equal(BackendState.Stopped, status.State);
        Assert.Contains("killed with SIGKILL after 10000 ms", h.Changes.Last().Reason);
    }

    [Fact]
    public async Task Stop_WithoutWait_AnswersStopping()
    {
        await using var h = new SupervisorHarness();
        h.Health.Healthy = true;
        h.Launcher.Configure = c => c.ExitsOnStopSignal = false;
        await h.Backend.StartAsync();

        var status = await h.Backend.StopAsync(wait: false);

        Assert.Equal(BackendState.Stopping, status.State);
        Assert.Equal(h.Launcher.All.Single().Pid, status.Pid); // still alive, so still shown
        Assert.Equal([Signals.SIGTERM], h.Launcher.All.Single().SignalsReceived);
    }

    [Fact]
    public async Task Stop_WhileStarting_CancelsTheStartWait()
    {
        await using var h = new SupervisorHarness();
        var start = h.Backend.StartAsync();
        await h.WaitForStateAsync(BackendState.Starting);

        var status = await h.Backend.StopAsync();

        Assert.Equal(BackendState.Stopped, status.State);
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => start);
    }

    [Fact]
    public async Task Stop_DuringBackoff_CancelsTheRestart()
    {
        await using var h = new SupervisorHarness();
        h.Health.Healthy = true;
        await h.Backend.StartAsync();
        h.Launcher.All.Single().Exit(1);
        await h.WaitForStateAsync(BackendState.Backoff);

        var status = await h.Backend.StopAsync();
        h.Time.Advance(TimeSpan.FromMinutes(1));
        await Task.Delay(TestTimeouts.Expected);

        Assert.Equal(BackendState.Stopped, status.State);
        Assert.Single(h.Launcher.All);
        Assert.Null(status.NextRestartAt);
    }

    [Fact]
    public async Task Stop_WhenStopped_IsANoOp()
    {
        await using var h = new SupervisorHarness();

        var status = await h.Backend.StopAsync();

        Assert.Equal(BackendState.Stopped, status.State);
        Assert.Empty(h.Changes);
    }

    [Fact]
    public async Task Start_WhileStopping_StartsAfterTheStopCompletes()
    {
        await using var h = new SupervisorHarness();
        h.Health.Healthy = true;
        h.Launcher.Configure = c => c.ExitsOnStopSignal = false;
        await h.Backend.StartAsync();
        await h.Backend.StopAsync(timeout: TimeSpan.FromSeconds(1), wait: false);

        var start = h.Backend.StartAsync();
        var status = await h.AdvanceUntilAsync(start, TimeSpan.FromSeconds(2));

        Assert.Equal(BackendState.Running, status.State);
        Assert.Equal(2, h.Launcher.All.Count);
    }

    [Fact]
    public async Task Restart_WithNewArgs_UsesThemAndKeepsThemAcrossCrashes()
    {
        await using var h = new SupervisorHarness(o => o with { Restart = o.Restart with { Backoff = new() { Initial = TimeSpan.Zero } } });
        h.Health.Healthy = true;
        await h.Backend.StartAsync();

        await h.Backend.RestartAsync(new StartOverrides(Args: ["--model", "large"]));
        Assert.Equal(["--model", "large"], h.Launcher.All.Last().Request.Args);

        h.Launcher.All.Last().Exit(1);
        await h.WaitForStateAsync(BackendState.Running, occurrence: 3);
        Assert.Equal(["--model", "large"], h.Launcher.All.Last().Request.Args);

        await h.Backend.RestartAsync(new StartOverrides(Reset: true));
        Assert.Equal(["-c", "serve"], h.Launcher.All.Last().Request.Args);
    }

    [Fact]
    public async Task Start_EnvOverride_MergesOverConfiguredAndNullRemoves()
    {
        await using var h = new SupervisorHarness(o => o with
        {
            Health = null,
            Env = new Dictionary<string, string> { ["MODEL"] = "base", ["HOST"] = "127.0.0.1" },
        });

        await h.Backend.StartAsync(new StartOverrides(Env: new Dictionary<string, string?> { ["MODEL"] = "large", ["HOST"] = null }));

        var env = h.Launcher.All.Single().Request.Environment;
        Assert.Equal("large", env["MODEL"]);
        Assert.False(env.ContainsKey("HOST"));
        Assert.Equal("/root", env["HOME"]);
    }

    [Fact]
    public async Task SecretEnv_ReachesTheChildOnlyAndIsMaskedInLogs()
    {
        const string secret = "sk-live-5ecret-value";
        await using var h = new SupervisorHarness(o => o with { Health = null });
        await h.Backend.StartAsync(new StartOverrides(SecretEnv: new Dictionary<string, string> { ["API_KEY"] = secret }));
        var child = h.Launcher.All.Single();
        Assert.Equal(secret, child.Request.Environment["API_KEY"]);

        child.WriteLine($"using key {secret} for requests");
        child.Exit(0);
        await h.WaitForStateAsync(BackendState.Stopped);

        var lines = h.Backend.Logs.Read(100).Entries.Select(e => e.Text).ToArray();
        Assert.Contains("using key *** for requests", lines);
        Assert.DoesNotContain(lines, l => l.Contains(secret));
        Assert.DoesNotContain(secret, File.ReadAllText(h.Backend.LogFile));
        Assert.DoesNotContain(secret, h.Backend.Status.ToString());
        Assert.DoesNotContain(h.Changes, c => c.ToString().Contains(secret) || c.Reason.Contains(secret));
    }
}
