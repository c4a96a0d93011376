using BackendSidecar.Core.Platform.Posix;
using BackendSidecar.Core.Processes;
using BackendSidecar.Core.State;
using BackendSidecar.Core.Tests.Processes;
using BackendSidecar.Testing;

namespace BackendSidecar.Core.Tests.Platform;

/// <summary>The POSIX platform (the macOS logic) with real processes, run on Linux: spawn into a group, the waitpid
/// thread, the killpg ladder, ps and lsof lookups, the guard's clean-up.</summary>
public sealed class PosixPlatformProcessTests
{
    private readonly PosixPlatform _platform = new(guardCommand: null);

    [Fact]
    public async Task StartTime_OfAChildThatExitsAtOnce_IsStillRead_ThenItIsReaped()
    {
        // A shell that exits at once: gone long before ps has started.
        using var child = _platform.Launcher.Launch(TestBackendRun.Request("/bin/sh", Path.GetTempPath(), "-c", "exit 3"));

        // The waitpid thread waits for the start time's read, so ps still sees the child (a zombie at worst).
        await child.StartTimeKnown.WaitAsync(TestTimeouts.Unexpected);
        var exit = await child.Exited.WaitAsync(TestTimeouts.Unexpected);

        Assert.NotEqual(0UL, child.StartTimeTicks);
        Assert.Equal(3, exit.Code);
        Assert.Null(ProcessProbe.Read(child.Pid));
    }

    [Fact]
    public async Task Exit_Code_IsNoticedByTheWaitpidThread()
    {
        using var run = TestBackendRun.Start(_platform.Launcher, "--exit-code", "7");

        var exit = await run.Child.Exited.WaitAsync(TestTimeouts.Unexpected);

        Assert.Equal(7, exit.Code);
        Assert.Null(ProcessProbe.Read(run.Child.Pid)); // reaped: no zombie left
    }

    [Fact]
    public async Task Exit_Sigkill_IsReportedAsTheSignal()
    {
        using var run = TestBackendRun.Start(_platform.Launcher);
        var pid = await run.Stdout.ReadNumberAsync("pid");
        Assert.Equal(run.Child.Pid, pid);
        Assert.Equal(pid, ProcessProbe.Read(pid)?.ProcessGroupId); // leads its own group

        ProcessProbe.Signal(pid, Signals.SIGKILL);

        Assert.Equal("SIGKILL", (await run.Child.Exited.WaitAsync(TestTimeouts.Unexpected)).SignalName);
    }

    [Fact]
    public async Task StopGroup_WithGrandchildren_IsGracefulAndLeavesAnEmptyGroup()
    {
        using var run = TestBackendRun.Start(_platform.Launcher, "--grandchildren", "2");
        var pid = await run.Stdout.ReadNumberAsync("pid");
        var grandchildren = await run.Stdout.ReadNumbersAsync("grandchild", 2);

        var graceful = await run.Child.StopGroupAsync(Signals.SIGTERM, TestTimeouts.Unexpected, TimeProvider.System).WaitAsync(TestTimeouts.Unexpected);

        Assert.True(graceful);
        Assert.All(grandchildren.Append(pid), p => Assert.False(ProcessProbe.IsAlive(p), $"{p} is still alive"));
        Assert.Empty(ProcessProbe.GroupMembers(pid));
    }

    [Fact]
    public async Task StopGroup_SigtermIgnored_SigkillOnlyAfterTheTimeout()
    {
        var clock = new ManualClock();
        using var run = TestBackendRun.Start(_platform.Launcher, "--ignore-sigterm");
        await run.Stdout.ReadNumberAsync("pid");

        var stop = run.Child.StopGroupAsync(Signals.SIGTERM, TimeSpan.FromSeconds(10), clock);
        Assert.Equal("sigterm ignored", await run.Stderr.ReadLineAsync());
        Assert.NotSame(stop, await Task.WhenAny(stop, Task.Delay(TestTimeouts.Expected)));
        Assert.True(ProcessProbe.IsAlive(run.Child.Pid), "no SIGKILL before the timeout");

        clock.Advance(TimeSpan.FromSeconds(10));

        Assert.False(await stop.WaitAsync(TestTimeouts.Unexpected));
        Assert.Equal("SIGKILL", (await run.Child.Exited.WaitAsync(TestTimeouts.Unexpected)).SignalName);
    }

    [Fact]
    public async Task StopGroup_LeaderAlreadyDead_StopsWhatIsLeftOfTheGroup()
    {
        using var run = TestBackendRun.Start(_platform.Launcher, "--grandchildren", "2");
        var pid = await run.Stdout.ReadNumberAsync("pid");
        var grandchildren = await run.Stdout.ReadNumbersAsync("grandchild", 2);
        ProcessProbe.Signal(pid, Signals.SIGKILL);
        await run.Child.Exited.WaitAsync(TestTimeouts.Unexpected);

        Assert.True(await run.Child.StopGroupAsync(Signals.SIGTERM, TestTimeouts.Unexpected, TimeProvider.System).WaitAsync(TestTimeouts.Unexpected));
        Assert.All(grandchildren, g => Assert.False(ProcessProbe.IsAlive(g), $"grandchild {g} survived"));
    }

    [Fact]
    public async Task Processes_StartTimeFromPs_TellsTheProcessFromAnother()
    {
        using var run = TestBackendRun.Start(_platform.Launcher);
        await run.Stdout.ReadNumberAsync("pid");
        var table = _platform.Processes;
        // Read by ps after the launch, not in it.
        await run.Child.StartTimeKnown.WaitAsync(TestTimeouts.Unexpected);

        Assert.NotEqual(0UL, run.Child.StartTimeTicks);
        Assert.Equal(run.Child.StartTimeTicks, await table.TryGetStartTimeAsync(run.Child.Pid));
        Assert.Equal("test-backend", await table.TryGetNameAsync(run.Child.Pid));
        Assert.NotEqual(0UL, await table.GetCurrentStartTimeAsync());
        Assert.Null(await table.TryGetStartTimeAsync(int.MaxValue));

        await run.Child.KillGroupAsync().WaitAsync(TestTimeouts.Unexpected);
        await table.WhenGone(run.Child.Pid, run.Child.StartTimeTicks).WaitAsync(TestTimeouts.Unexpected);
    }

    [Fact]
    public async Task Ports_ListenerFromLsof_IsThePidAndName()
    {
        using var run = TestBackendRun.Start(_platform.Launcher, "--hold-port", "0");
        var pid = await run.Stdout.ReadNumberAsync("pid");
        var port = await run.Stdout.ReadNumberAsync("port");
        await run.Child.StartTimeKnown.WaitAsync(TestTimeouts.Unexpected);

        var owner = await _platform.Ports.FindListenerAsync(port);

        Assert.NotNull(owner);
        Assert.Equal(pid, owner.Pid);
        Assert.Equal("test-backend", owner.ProcessName);
        var record = new BackendStateRecord("api", pid, run.Child.StartTimeTicks, 1, 1, port, DateTimeOffset.UnixEpoch);
        Assert.True(await _platform.Processes.IsOwnedByAsync(owner, record));
        Assert.False(await _platform.Processes.IsOwnedByAsync(owner, record with { StartTimeTicks = run.Child.StartTimeTicks + 1 }));

        await run.Child.KillGroupAsync().WaitAsync(TestTimeouts.Unexpected);
        Assert.Null(await _platform.Ports.FindListenerAsync(port));
    }

    [Fact]
    public async Task StopLeftover_RecordedGroup_IsStopped_NothingLeftIsNull()
    {
        using var run = TestBackendRun.Start(_platform.Launcher, "--grandchildren", "1");
        var pid = await run.Stdout.ReadNumberAsync("pid");
        var grandchild = await run.Stdout.ReadNumberAsync("grandchild");
        var record = new BackendStateRecord("api", pid, run.Child.StartTimeTicks, 1, 1, null, DateTimeOffset.UnixEpoch);

        Assert.Null(await _platform.Processes.StopLeftoverAsync(record with { StartTimeTicks = 1 }, TestTimeouts.Unexpected, TimeProvider.System));
        Assert.True(ProcessProbe.IsAlive(pid), "a record with another start time proves nothing");

        Assert.True(await _platform.Processes.StopLeftoverAsync(record, TestTimeouts.Unexpected, TimeProvider.System).WaitAsync(TestTimeouts.Unexpected));
        Assert.False(ProcessProbe.IsAlive(grandchild));
        await run.Child.Exited.WaitAsync(TestTimeouts.Unexpected);
        Assert.Null(await _platform.Processes.StopLeftoverAsync(record, TestTimeouts.Unexpected, TimeProvider.System));
    }

    [Fact]
    public async Task Guard_PipeEndsWithoutGoodbye_StopsTheAnnouncedGroups()
    {
        using var run = TestBackendRun.Start(_platform.Launcher, "--grandchildren", "1");
        var pid = await run.Stdout.ReadNumberAsync("pid");
        var grandchild = await run.Stdout.ReadNumberAsync("grandchild");

        using var input = new MemoryStream("+12345678\n-12345678\n"u8.ToArray().Concat(System.Text.Encoding.ASCII.GetBytes($"+{pid}\n")).ToArray());
        Assert.Equal(0, await Task.Run(() => PosixGuard.Run(input)).WaitAsync(TestTimeouts.Unexpected));

        await run.Child.Exited.WaitAsync(TestTimeouts.Unexpected); // the test-backend exits 0 on SIGTERM
        Assert.True(await ProcessProbe.WaitUntilGoneAsync(grandchild));
        Assert.Empty(ProcessProbe.GroupMembers(pid));
    }

    [Fact]
    public async Task Guard_Goodbye_TouchesNothing()
    {
        using var run = TestBackendRun.Start(_platform.Launcher);
        var pid = await run.Stdout.ReadNumberAsync("pid");

        using var input = new MemoryStream(System.Text.Encoding.ASCII.GetBytes($"+{pid}\nbye\n"));
        Assert.Equal(0, PosixGuard.Run(input));

        Assert.True(ProcessProbe.IsAlive(pid));
        await run.Child.KillGroupAsync().WaitAsync(TestTimeouts.Unexpected);
    }
}
