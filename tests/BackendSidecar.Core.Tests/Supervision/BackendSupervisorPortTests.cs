using BackendSidecar.Core.Configuration;
using BackendSidecar.Core.Ports;
using BackendSidecar.Core.Supervision;
using BackendSidecar.Testing;

namespace BackendSidecar.Core.Tests.Supervision;

public sealed class BackendSupervisorPortTests
{
    private static SupervisorHarness Create(PortInUsePolicy policy) => new(o => o with { Port = 8882, OnPortInUse = policy });

    /// <summary>Starts a healthy backend and waits until its port look-up is under way, held there until the test sets
    /// the gate it returns.</summary>
    private static async Task<(Task<BackendStatus> Start, TaskCompletionSource Gate)> StartHeldInPortLookUpAsync(SupervisorHarness h)
    {
        h.Health.Healthy = true;
        var gate = h.Ports.Gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        // Without wait, a start answers once its port check (and all that follows it) is over.
        var start = h.Backend.StartAsync(wait: false);
        await h.Ports.LookUps.Reader.ReadAsync().AsTask().WaitAsync(TestTimeouts.Unexpected);
        return (start, gate);
    }

    [Fact]
    public async Task Start_PortHeldByStranger_FailsNamingTheOwner()
    {
        await using var h = Create(PortInUsePolicy.Fail);
        h.Ports.Listeners[8882] = new PortOwner(8882, 4242, "python3");

        var ex = await Assert.ThrowsAsync<SupervisorException>(() => h.Backend.StartAsync());

        Assert.Equal(BackendErrorKind.PortInUse, ex.Kind);
        Assert.Equal("port 8882 is in use by pid 4242 (python3)", ex.Message);
        Assert.Equal(4242, ex.PortOwner!.Pid);
        Assert.Empty(h.Launcher.All);
        Assert.Equal(BackendState.Failed, h.Backend.State);
        Assert.Equal(BackendErrorKind.PortInUse, h.Backend.Status.LastError!.Kind);
    }

    [Fact]
    public async Task Start_PortHeldByHealthyMatch_AdoptsItAsExternal()
    {
        await using var h = Create(PortInUsePolicy.Adopt);
        h.Ports.Listeners[8882] = new PortOwner(8882, 4242, "python3");
        h.Health.Healthy = true;

        var status = await h.Backend.StartAsync();

        Assert.Equal(BackendState.Running, status.State);
        Assert.True(status.External);
        Assert.Equal(4242, status.Pid);
        Assert.Empty(h.Launcher.All);
    }

    [Fact]
    public async Task Stop_AdoptedBackend_OnlyStopsMonitoring()
    {
        await using var h = Create(PortInUsePolicy.Adopt);
        h.Ports.Listeners[8882] = new PortOwner(8882, 4242, "python3");
        h.Health.Healthy = true;
        await h.Backend.StartAsync();

        var status = await h.Backend.StopAsync();

        Assert.Equal(BackendState.Stopped, status.State);
        Assert.Contains("not ours to stop", h.Changes.Last().Reason);
    }

    [Fact]
    public async Task Start_PortHeldByUnhealthyStranger_IsNotAdopted()
    {
        await using var h = Create(PortInUsePolicy.Adopt);
        h.Ports.Listeners[8882] = new PortOwner(8882, 4242, "nginx");
        h.Health.Healthy = false;

        var ex = await Assert.ThrowsAsync<SupervisorException>(() => h.Backend.StartAsync());

        Assert.Equal(BackendErrorKind.PortInUse, ex.Kind);
    }

    [Fact]
    public async Task Start_PortHeldByStrangerWithReclaim_RefusesWithoutProof()
    {
        await using var h = Create(PortInUsePolicy.Reclaim);
        h.Ports.Listeners[8882] = new PortOwner(8882, 4242, "python3");

        var ex = await Assert.ThrowsAsync<SupervisorException>(() => h.Backend.StartAsync());

        Assert.Equal(BackendErrorKind.PortInUse, ex.Kind);
    }

    [Fact]
    public async Task Stop_WhileProbingTheBackendToAdopt_ReturnsAtOnceAndNothingIsAdoptedAfter()
    {
        await using var h = Create(PortInUsePolicy.Adopt);
        h.Ports.Listeners[8882] = new PortOwner(8882, 4242, "python3");
        h.Health.Healthy = true;
        h.Health.Hold = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var start = h.Backend.StartAsync();
        await h.Health.ChecksReachedAsync(1);
        Assert.Equal(BackendState.Starting, h.Backend.State);

        var stopped = await h.Backend.StopAsync().WaitAsync(TestTimeouts.Unexpected);
        Assert.Equal(BackendState.Stopped, stopped.State);
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => start.WaitAsync(TestTimeouts.Unexpected));

        // The stop cancelled the check and the claim let go of its probe; a healthy answer now reaches nobody.
        await h.Health.FirstDisposed.Task.WaitAsync(TestTimeouts.Unexpected);
        h.Health.Hold.SetResult();
        Assert.Equal(BackendState.Stopped, h.Backend.State);
        Assert.Equal([BackendState.Starting, BackendState.Stopped], h.Changes.Select(c => c.Status.State));
        Assert.Empty(h.Launcher.All);
    }

    [Fact]
    public async Task Start_FreePort_IsCheckedThenLaunched_StartingCarriesThePid()
    {
        await using var h = Create(PortInUsePolicy.Fail);
        h.Health.Healthy = true;

        var status = await h.Backend.StartAsync();

        Assert.Equal(BackendState.Running, status.State);
        Assert.Equal(8882, await h.Ports.LookUps.Reader.ReadAsync());
        // The check changes no state: the first change is still stopped -> starting, with the launched pid.
        var starting = h.Changes[0];
        Assert.Equal((BackendState.Stopped, BackendState.Starting, "start requested"), (starting.Previous, starting.Status.State, starting.Reason));
        Assert.Equal(Assert.Single(h.Launcher.All).Pid, starting.Status.Pid);
    }

    [Fact]
    public async Task Stop_WhileThePortIsLookedUp_ReturnsAtOnceAndNothingIsLaunchedAfter()
    {
        await using var h = Create(PortInUsePolicy.Fail);
        var (start, gate) = await StartHeldInPortLookUpAsync(h);
        // A second start joins the one under way.
        var joined = h.Backend.StartAsync();

        // The look-up holds no gate: the stop goes through while it is under way.
        var stopped = await h.Backend.StopAsync().WaitAsync(TestTimeouts.Unexpected);
        Assert.Equal(BackendState.Stopped, stopped.State);

        // The look-up ends after the stop and finds the port free: the cancelled start launches nothing.
        gate.SetResult();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => start.WaitAsync(TestTimeouts.Unexpected));
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => joined.WaitAsync(TestTimeouts.Unexpected));
        Assert.Empty(h.Launcher.All);
        Assert.Equal(BackendState.Stopped, h.Backend.State);
        Assert.Empty(h.Changes); // the check changed no state, and neither did the stop of a backend that was stopped
        Assert.Equal(0, h.Ports.LookUps.Reader.Count); // one look-up: the second start did not begin another
    }

    [Fact]
    public async Task Shutdown_WhileThePortIsLookedUp_CancelsTheStartAndNothingIsLaunchedAfter()
    {
        await using var h = Create(PortInUsePolicy.Fail);
        var (start, gate) = await StartHeldInPortLookUpAsync(h);

        await h.Backend.BeginShutdownAsync().WaitAsync(TestTimeouts.Unexpected);
        gate.SetResult();

        var cancelled = await Assert.ThrowsAsync<SupervisorException>(() => start.WaitAsync(TestTimeouts.Unexpected));
        Assert.Equal(BackendErrorKind.ShuttingDown, cancelled.Kind);
        Assert.Empty(h.Launcher.All);
        Assert.Equal(BackendState.Stopped, h.Backend.State);
    }
}
