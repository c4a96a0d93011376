using BackendSidecar.Core.Configuration;
using BackendSidecar.Core.Platform.Linux;
using BackendSidecar.Core.Ports;
using BackendSidecar.Core.State;
using BackendSidecar.Core.Supervision;
using BackendSidecar.Core.Tests.Processes;
using BackendSidecar.Testing;

namespace BackendSidecar.Core.Tests.Supervision;

/// <summary>
/// onPortInUse: reclaim against a real leftover of ours that ignores SIGTERM, so the reclaim waits stop.timeoutMs of fake
/// time (which only the test moves) and then kills it: a reclaim as slow as the test wants, and none of it under the gate.
/// </summary>
public sealed class BackendSupervisorReclaimTests : IDisposable
{
    private const int Port = 8882;
    private readonly string _stateDirectory = Path.Combine(Path.GetTempPath(), "reclaim-tests-" + Guid.NewGuid().ToString("N"));
    private readonly TestBackendRun _leftover = TestBackendRun.Start("--ignore-sigterm");

    public void Dispose()
    {
        _leftover.Dispose();
        if (Directory.Exists(_stateDirectory)) Directory.Delete(_stateDirectory, recursive: true);
    }

    /// <summary>A supervisor whose state file proves the leftover ours, the leftover holding the port while it lives.</summary>
    private async Task<SupervisorHarness> HarnessAsync()
    {
        await _leftover.Stdout.ReadNumberAsync("pid");
        var store = new StateFileStore(_stateDirectory);
        var child = _leftover.Child;
        store.Save(new BackendStateRecord("api", child.Pid, child.StartTimeTicks, 1, 1, Port, child.StartedAt, child.InstanceMarker));
        var h = new SupervisorHarness(
            o => o with { Port = Port, OnPortInUse = PortInUsePolicy.Reclaim },
            s => s with { StateStore = store, Processes = LinuxProcessTable.Instance });
        h.Ports.HeldWhileAlive(new PortOwner(Port, child.Pid, "test-backend"));
        h.Health.Healthy = true;
        return h;
    }

    /// <summary>The reclaim has sent SIGTERM and now waits stop.timeoutMs (fake) before the kill.</summary>
    private Task ReclaimUnderWayAsync() => _leftover.Stderr.WaitForLineAsync(l => l == "sigterm ignored", TestTimeouts.Unexpected);

    [Fact]
    public async Task Stop_DuringASlowReclaim_ReturnsAtOnceAndNothingIsSpawnedAfter()
    {
        await using var h = await HarnessAsync();
        var start = h.Backend.StartAsync();
        await ReclaimUnderWayAsync();

        // Fake time stands still: a stop that waited for the reclaim's kill (stop.timeoutMs away) would never return.
        var stopped = await h.Backend.StopAsync().WaitAsync(TestTimeouts.Unexpected);

        Assert.Equal(BackendState.Stopped, stopped.State);
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => start.WaitAsync(TestTimeouts.Unexpected));
        // Past the reclaim's kill, had it gone on: still nothing launched.
        h.Time.Advance(h.Options.Stop.Timeout + TimeSpan.FromSeconds(1));
        Assert.Equal(BackendState.Stopped, (await h.Backend.StopAsync()).State);
        Assert.Empty(h.Launcher.All);
        Assert.Equal([BackendState.Starting, BackendState.Stopped], h.Changes.Select(c => c.Status.State));
    }

    [Fact]
    public async Task StatusAndOtherBackends_DuringASlowReclaim_AreAnswered_AndShutdownCancelsIt()
    {
        await using var h = await HarnessAsync();
        var logs = Path.Combine(Path.GetTempPath(), "bs-tests-" + Guid.NewGuid().ToString("N"));
        var web = new BackendOptions { Name = "web", Command = "/bin/sh", Args = ["web"], Cwd = Path.GetTempPath(), Log = new LogOptions { File = Path.Combine(logs, "web.log") } };
        var api = h.Options with { Log = new LogOptions { File = Path.Combine(logs, "api.log") } };
        var supervisor = new Supervisor(new SidecarConfig { Backends = [api, web] }, h.Services);
        try
        {
            var start = supervisor.StartAsync("api");
            await ReclaimUnderWayAsync();

            // What is under way is in the status; another backend starts meanwhile.
            var status = (await supervisor.StatusWithResourcesAsync())[0];
            Assert.Equal(BackendState.Starting, status.State);
            Assert.Null(status.Pid);
            Assert.Equal(BackendState.Running, (await supervisor.StartAsync("web").WaitAsync(TestTimeouts.Unexpected)).State);
            Assert.False(start.IsCompleted);

            // A shutdown does not wait for the reclaim's kill either, and nothing is launched for api after it.
            await supervisor.ShutdownAsync().WaitAsync(TestTimeouts.Unexpected);
            var cancelled = await Assert.ThrowsAsync<SupervisorException>(() => start.WaitAsync(TestTimeouts.Unexpected));
            Assert.Equal(BackendErrorKind.ShuttingDown, cancelled.Kind);
            Assert.Equal(BackendState.Stopped, supervisor.Backends[0].State);
            Assert.Equal(["web"], h.Launcher.All.Select(c => c.Request.Args[0]));
        }
        finally
        {
            await supervisor.DisposeAsync().AsTask().WaitAsync(TestTimeouts.Unexpected);
            try { Directory.Delete(logs, recursive: true); } catch (IOException) { }
        }
    }

    [Fact]
    public async Task SecondStart_DuringTheReclaim_JoinsItAndOneProcessIsSpawned()
    {
        await using var h = await HarnessAsync();
        var first = h.Backend.StartAsync();
        await ReclaimUnderWayAsync();
        var claiming = await h.WaitForStateAsync(BackendState.Starting);
        Assert.Contains($"reclaiming port {Port} from our own leftover pid {_leftover.Child.Pid}", claiming.Reason);

        var second = h.Backend.StartAsync();
        var withoutWait = h.Backend.StartAsync(wait: false);
        // The reclaim's wait ends (stop.timeoutMs), the leftover is killed, the port is free: one launch, which all three see.
        await h.AdvanceToNextTimerAsync(h.Options.Stop.Timeout);
        await h.WaitForAsync(c => c.Reason.StartsWith("reclaimed port", StringComparison.Ordinal));
        var running = await first.WaitAsync(TestTimeouts.Unexpected);

        Assert.Equal(BackendState.Running, running.State);
        Assert.Equal(running.Pid, (await second.WaitAsync(TestTimeouts.Unexpected)).Pid);
        Assert.Equal(running.Pid, (await withoutWait.WaitAsync(TestTimeouts.Unexpected)).Pid);
        Assert.Equal(running.Pid, Assert.Single(h.Launcher.All).Pid);
        Assert.False(ProcessProbe.IsAlive(_leftover.Child.Pid));
        Assert.Contains($"reclaimed port {Port} from our own leftover pid {_leftover.Child.Pid}", h.Changes[1].Reason);
    }

    [Fact]
    public async Task Restart_DuringASlowReclaim_CancelsItAndStartsAgainWithAClaimOfItsOwn()
    {
        await using var h = await HarnessAsync();
        var first = h.Backend.StartAsync();
        await ReclaimUnderWayAsync();

        var restart = h.Backend.RestartAsync();
        // The restart's own reclaim signals the leftover again, and waits stop.timeoutMs like the first.
        await ReclaimUnderWayAsync();
        await h.AdvanceToNextTimerAsync(h.Options.Stop.Timeout);
        var running = await restart.WaitAsync(TestTimeouts.Unexpected);

        Assert.Equal(BackendState.Running, running.State);
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => first.WaitAsync(TestTimeouts.Unexpected));
        Assert.Equal(running.Pid, Assert.Single(h.Launcher.All).Pid);
        Assert.Equal(
            [BackendState.Starting, BackendState.Stopped, BackendState.Starting, BackendState.Starting, BackendState.Running],
            h.Changes.Select(c => c.Status.State));
    }
}
