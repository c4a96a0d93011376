using BackendSidecar.Core.Processes;
using BackendSidecar.Testing;

namespace BackendSidecar.Core.Tests.Processes;

public sealed class ChildProcessStopTests
{
    [Fact]
    public async Task StopGroup_WithGrandchildren_StopsTheWholeGroupGracefully()
    {
        using var run = TestBackendRun.Start("--grandchildren", "3");
        var pid = await run.Stdout.ReadNumberAsync("pid");
        var grandchildren = await run.Stdout.ReadNumbersAsync("grandchild", 3);
        Assert.All(grandchildren, g => Assert.Equal(pid, ProcessProbe.Read(g)?.ProcessGroupId));

        var graceful = await run.Child.StopGroupAsync(Signals.SIGTERM, TestTimeouts.Unexpected, TimeProvider.System)
            .WaitAsync(TestTimeouts.Unexpected);

        Assert.True(graceful);
        Assert.All(grandchildren.Append(pid), p => Assert.False(ProcessProbe.IsAlive(p), $"{p} is still alive"));
        Assert.Empty(ProcessProbe.GroupMembers(pid));
        Assert.True(run.Child.Exited.IsCompleted, "stop returns after the leader is reaped");
        Assert.Equal(0, (await run.Child.Exited).Code);
    }

    [Fact]
    public async Task StopGroup_DescendantLeftTheGroup_IsFoundByTheMarkerAndStopped()
    {
        using var run = TestBackendRun.Start("--escape-group");
        var pid = await run.Stdout.ReadNumberAsync("pid");
        var escapee = await run.Stdout.ReadNumberAsync("escaped");
        Assert.Equal(escapee, ProcessProbe.Read(escapee)?.SessionId); // really outside our group and session
        Assert.NotEqual(pid, ProcessProbe.Read(escapee)?.ProcessGroupId);

        var graceful = await run.Child.StopGroupAsync(Signals.SIGTERM, TestTimeouts.Unexpected, TimeProvider.System)
            .WaitAsync(TestTimeouts.Unexpected);

        Assert.True(graceful);
        Assert.False(ProcessProbe.IsAlive(escapee), "the escaped descendant survived");
        Assert.False(ProcessProbe.IsAlive(pid));
    }

    [Fact]
    public async Task StopGroup_ChildIgnoresSigterm_EscalatesToSigkillAfterTheTimeout()
    {
        var clock = new ManualClock();
        using var run = TestBackendRun.Start("--ignore-sigterm", "--grandchildren", "1");
        await run.Stdout.ReadNumberAsync("pid");
        var grandchild = await run.Stdout.ReadNumberAsync("grandchild");

        var stop = run.Child.StopGroupAsync(Signals.SIGTERM, TimeSpan.FromSeconds(10), clock);
        Assert.Equal("sigterm ignored", await run.Stderr.ReadLineAsync());
        Assert.True(await ProcessProbe.WaitUntilGoneAsync(grandchild), "the grandchild obeys SIGTERM");
        Assert.NotSame(stop, await Task.WhenAny(stop, Task.Delay(TestTimeouts.Expected)));
        Assert.True(ProcessProbe.IsAlive(run.Child.Pid), "no SIGKILL before the timeout");

        clock.Advance(TimeSpan.FromSeconds(10));
        var graceful = await stop.WaitAsync(TestTimeouts.Unexpected);

        Assert.False(graceful);
        Assert.Equal("SIGKILL", (await run.Child.Exited.WaitAsync(TestTimeouts.Unexpected)).SignalName);
        Assert.False(ProcessProbe.IsAlive(run.Child.Pid));
    }

    [Fact]
    public async Task StopGroup_LeaderAlreadyDead_StopsTheGrandchildrenLeft()
    {
        using var run = TestBackendRun.Start("--grandchildren", "2");
        var pid = await run.Stdout.ReadNumberAsync("pid");
        var grandchildren = await run.Stdout.ReadNumbersAsync("grandchild", 2);
        ProcessProbe.Signal(pid, Signals.SIGKILL);
        await run.Child.Exited.WaitAsync(TestTimeouts.Unexpected);
        Assert.All(grandchildren, g => Assert.True(ProcessProbe.IsAlive(g), "grandchildren outlive a crashed leader"));

        var graceful = await run.Child.StopGroupAsync(Signals.SIGTERM, TestTimeouts.Unexpected, TimeProvider.System)
            .WaitAsync(TestTimeouts.Unexpected);

        Assert.True(graceful);
        Assert.All(grandchildren, g => Assert.False(ProcessProbe.IsAlive(g), $"grandchild {g} survived"));
    }

    [Fact]
    public async Task StopGroup_NothingLeft_ReturnsTrueAtOnce()
    {
        using var run = TestBackendRun.Start("--exit-code", "0");
        await run.Child.Exited.WaitAsync(TestTimeouts.Unexpected);

        Assert.True(await run.Child.StopGroupAsync(Signals.SIGTERM, TestTimeouts.Unexpected, TimeProvider.System)
            .WaitAsync(TestTimeouts.Unexpected));
    }

    [Fact]
    public async Task KillGroup_EverythingIncludingEscapees_IsGone()
    {
        using var run = TestBackendRun.Start("--ignore-sigterm", "--grandchildren", "2", "--escape-group");
        var pid = await run.Stdout.ReadNumberAsync("pid");
        var others = (await run.Stdout.ReadNumbersAsync("grandchild", 2)).Append(await run.Stdout.ReadNumberAsync("escaped")).ToList();

        await run.Child.KillGroupAsync().WaitAsync(TestTimeouts.Unexpected);

        Assert.All(others.Append(pid), p => Assert.False(ProcessProbe.IsAlive(p), $"{p} is still alive"));
        Assert.Equal(Signals.SIGKILL, (await run.Child.Exited.WaitAsync(TestTimeouts.Unexpected)).Signal);
    }

    [Fact]
    public async Task StopGroup_Cancelled_ThrowsAndSendsNoSigkill()
    {
        using var run = TestBackendRun.Start("--ignore-sigterm");
        await run.Stdout.ReadNumberAsync("pid");
        using var cancel = new CancellationTokenSource();

        var stop = run.Child.StopGroupAsync(Signals.SIGTERM, TimeSpan.FromMinutes(10), TimeProvider.System, cancel.Token);
        await run.Stderr.ReadLineAsync(); // "sigterm ignored"
        await cancel.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => stop.WaitAsync(TestTimeouts.Unexpected));
        Assert.True(ProcessProbe.IsAlive(run.Child.Pid));
    }
}
