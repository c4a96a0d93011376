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

    private (IChildProcess Child, OutputLines Stdout, OutputLines Stderr, ProcessTracker Tracker) Start(params string[] args)
    {
        var child = _platform.Launcher.Launch(TestBackendRun.Request(TestBackendApp.Path, Path.GetTempPath(), args));
        var tracker = new ProcessTracker();
        tracker.Track(child.Pid);
        tracker.TrackEnvironmentEntry($"{PosixProcessLauncher.InstanceMarkerVariable}={child.InstanceMarker}");
        return (child, new OutputLines(child.StandardOutput), new OutputLines(child.StandardError), tracker);
    }

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
        var (child, _, _, tracker) = Start("--exit-code", "7");
        using var _t = tracker;
        using var _c = child;

        var exit = await child.Exited.WaitAsync(TestTimeouts.Unexpected);

        Assert.Equal(7, exit.Code);
        Assert.Null(ProcessProbe.Read(child.Pid)); // reaped: no zombie left
    }

    [Fact]
    public async Task Exit_Sigkill_IsReportedAsTheSignal()
    {
        var (child, stdout, _, tracker) = Start();
        using var _t = tracker;
        using var _c = child;
        var pid = await stdout.ReadNumberAsync("pid");
        Assert.Equal(child.Pid, pid);
        Assert.Equal(pid, ProcessProbe.Read(pid)?.ProcessGroupId); // leads its own group

        ProcessProbe.Signal(pid, Signals.SIGKILL);

        Assert.Equal("SIGKILL", (await child.Exited.WaitAsync(TestTimeouts.Unexpected)).SignalName);
    }

    [Fact]
    public async Task StopGroup_WithGrandchildren_IsGracefulAndLeavesAnEmptyGroup()
    {
        var (child, stdout, _, tracker) = Start("--grandchildren", "2");
        using var _t = tracker;
        using var _c = child;
        var pid = await stdout.ReadNumberAsync("pid");
        var grandchildren = await stdout.ReadNumbersAsync("grandchild", 2);

        var graceful = await child.StopGroupAsync(Signals.SIGTERM, TestTimeouts.Unexpected, TimeProvider.System).WaitAsync(TestTimeouts.Unexpected);

        Assert.True(graceful);
        Assert.All(grandchildren.Append(pid), p => Assert.False(ProcessProbe.IsAlive(p), $"{p} is still alive"));
        Assert.Empty(ProcessProbe.GroupMembers(pid));
    }

    [Fact]
    public async Task StopGroup_SigtermIgnored_SigkillOnlyAfterTheTimeout()
    {
        var clock = new ManualClock();
        var (child, stdout, stderr, tracker) = Start("--ignore-sigterm");
        using var _t = tracker;
        using var _c = child;
        await stdout.ReadNumberAsync("pid");

        var stop = child.StopGroupAsync(Signals.SIGTERM, TimeSpan.FromSeconds(10), clock);
        Assert.Equal("sigterm ignored", await stderr.ReadLineAsync());
        Assert.NotSame(stop, await Task.WhenAny(stop, Task.Delay(TestTimeouts.Expected)));
        Assert.True(ProcessProbe.IsAlive(child.Pid), "no SIGKILL before the timeout");

        clock.Advance(TimeSpan.FromSeconds(10));

        Assert.False(await stop.WaitAsync(TestTimeouts.Unexpected));
        Assert.Equal("SIGKILL", (await child.Exited.WaitAsync(TestTimeouts.Unexpected)).SignalName);
    }

    [Fact]
    public async Task StopGroup_LeaderAlreadyDead_StopsWhatIsLeftOfTheGroup()
    {
        var (child, stdout, _, tracker) = Start("--grandchildren", "2");
        using var _t = tracker;
        using var _c = child;
        var pid = await stdout.ReadNumberAsync("pid");
        var grandchildren = await stdout.ReadNumbersAsync("grandchild", 2);
        ProcessProbe.Signal(pid, Signals.SIGKILL);
        await child.Exited.WaitAsync(TestTimeouts.Unexpected);

        Assert.True(await child.StopGroupAsync(Signals.SIGTERM, TestTimeouts.Unexpected, TimeProvider.System).WaitAsync(TestTimeouts.Unexpected));
        Assert.All(grandchildren, g => Assert.False(ProcessProbe.IsAlive(g), $"grandchild {g} survived"));
    }

    [Fact]
    public async Task Processes_StartTimeFromPs_TellsTheProcessFromAnother()
    {
        var (child, stdout, _, tracker) = Start();
        using var _t = tracker;
        using var _c = child;
        await stdout.ReadNumberAsync("pid");
        var table = _platform.Processes;
        // Read by ps after the launch, not in it.
        await child.StartTimeKnown.WaitAsync(TestTimeouts.Unexpected);

        Assert.NotEqual(0UL, child.StartTimeTicks);
        Assert.Equal(child.StartTimeTicks, await table.TryGetStartTimeAsync(child.Pid));
        Assert.Equal("test-backend", await table.TryGetNameAsync(child.Pid));
        Assert.NotEqual(0UL, await table.GetCurrentStartTimeAsync());
        Assert.Null(await table.TryGetStartTimeAsync(int.MaxValue));

        await child.KillGroupAsync().WaitAsync(TestTimeouts.Unexpected);
        await table.WhenGone(child.Pid, child.StartTimeTicks).WaitAsync(TestTimeouts.Unexpected);
    }

    [Fact]
    public async Task Ports_ListenerFromLsof_IsThePidAndName()
    {
        var (child, stdout, _, tracker) = Start("--hold-port", "0");
        using var _t = tracker;
        using var _c = child;
        var pid = await stdout.ReadNumberAsync("pid");
        var port = await stdout.ReadNumberAsync("port");
        await child.StartTimeKnown.WaitAsync(TestTimeouts.Unexpected);

        var owner = await _platform.Ports.FindListenerAsync(port);

        Assert.NotNull(owner);
        Assert.Equal(pid, owner.Pid);
        Assert.Equal("test-backend", owner.ProcessName);
        var record = new BackendStateRecord("api", pid, child.StartTimeTicks, 1, 1, port, DateTimeOffset.UnixEpoch);
        Assert.True(await _platform.Processes.IsOwnedByAsync(owner, record));
        Assert.False(await _platform.Processes.IsOwnedByAsync(owner, record with { StartTimeTicks = child.StartTimeTicks + 1 }));

        await child.KillGroupAsync().WaitAsync(TestTimeouts.Unexpected);
        Assert.Null(await _platform.Ports.FindListenerAsync(port));
    }

    [Fact]
    public async Task StopLeftover_RecordedGroup_IsStopped_NothingLeftIsNull()
    {
        var (child, stdout, _, tracker) = Start("--grandchildren", "1");
        using var _t = tracker;
        using var _c = child;
        var pid = await stdout.ReadNumberAsync("pid");
        var grandchild = await stdout.ReadNumberAsync("grandchild");
        var record = new BackendStateRecord("api", pid, child.StartTimeTicks, 1, 1, null, DateTimeOffset.UnixEpoch);

        Assert.Null(await _platform.Processes.StopLeftoverAsync(record with { StartTimeTicks = 1 }, TestTimeouts.Unexpected, TimeProvider.System));
        Assert.True(ProcessProbe.IsAlive(pid), "a record with another start time proves nothing");

        Assert.True(await _platform.Processes.StopLeftoverAsync(record, TestTimeouts.Unexpected, TimeProvider.System).WaitAsync(TestTimeouts.Unexpected));
        Assert.False(ProcessProbe.IsAlive(grandchild));
        await child.Exited.WaitAsync(TestTimeouts.Unexpected);
        Assert.Null(await _platform.Processes.StopLeftoverAsync(record, TestTimeouts.Unexpected, TimeProvider.System));
    }

    [Fact]
    public async Task Guard_PipeEndsWithoutGoodbye_StopsTheAnnouncedGroups()
    {
        var (child, stdout, _, tracker) = Start("--grandchildren", "1");
        using var _t = tracker;
        using var _c = child;
        var pid = await stdout.ReadNumberAsync("pid");
        var grandchild = await stdout.ReadNumberAsync("grandchild");

        using var input = new MemoryStream("+12345678\n-12345678\n"u8.ToArray().Concat(System.Text.Encoding.ASCII.GetBytes($"+{pid}\n")).ToArray());
        Assert.Equal(0, await Task.Run(() => PosixGuard.Run(input)).WaitAsync(TestTimeouts.Unexpected));

        await child.Exited.WaitAsync(TestTimeouts.Unexpected); // the test-backend exits 0 on SIGTERM
        Assert.True(await ProcessProbe.WaitUntilGoneAsync(grandchild));
        Assert.Empty(ProcessProbe.GroupMembers(pid));
    }

    [Fact]
    public async Task Guard_Goodbye_TouchesNothing()
    {
        var (child, stdout, _, tracker) = Start();
        using var _t = tracker;
        using var _c = child;
        var pid = await stdout.ReadNumberAsync("pid");

        using var input = new MemoryStream(System.Text.Encoding.ASCII.GetBytes($"+{pid}\nbye\n"));
        Assert.Equal(0, PosixGuard.Run(input));

        Assert.True(ProcessProbe.IsAlive(pid));
        await child.KillGroupAsync().WaitAsync(TestTimeouts.Unexpected);
    }
}
