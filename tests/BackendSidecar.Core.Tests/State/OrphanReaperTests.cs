using BackendSidecar.Core.Platform.Linux;
using BackendSidecar.Core.Ports;
using BackendSidecar.Core.Processes;
using BackendSidecar.Core.State;
using BackendSidecar.Core.Tests.Processes;
using BackendSidecar.Testing;

namespace BackendSidecar.Core.Tests.State;

public sealed class OrphanReaperTests : IDisposable
{
    private readonly string _directory = Path.Combine(Path.GetTempPath(), "reaper-tests-" + Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        if (Directory.Exists(_directory)) Directory.Delete(_directory, recursive: true);
    }

    /// <summary>A "sidecar" that is provably dead: a process we started, which exited and was reaped.</summary>
    private static async Task<(int Pid, ulong StartTime)> DeadSidecarAsync()
    {
        using var child = new PosixProcessLauncher().Launch(TestBackendRun.Request("/usr/bin/true", "/"));
        await child.Exited.WaitAsync(TestTimeouts.Unexpected);
        return (child.Pid, child.StartTimeTicks);
    }

    private static BackendStateRecord RecordFor(UnixChildProcess child, (int Pid, ulong StartTime) sidecar) =>
        new("api", child.Pid, child.StartTimeTicks, sidecar.Pid, sidecar.StartTime, null, child.StartedAt, child.InstanceMarker);

    [Fact]
    public async Task Reap_LeftoverOfADeadSidecar_IsStoppedWithItsGroupAndTheRecordRemoved()
    {
        using var run = TestBackendRun.Start("--grandchildren", "1", "--escape-group");
        var pid = await run.Stdout.ReadNumberAsync("pid");
        var grandchild = await run.Stdout.ReadNumberAsync("grandchild");
        var escapee = await run.Stdout.ReadNumberAsync("escaped");
        var store = new StateFileStore(_directory);
        store.Save(RecordFor(run.Child, await DeadSidecarAsync()));

        var result = await OrphanReaper.ReapAsync(store, LinuxProcessTable.Instance).WaitAsync(TestTimeouts.Unexpected);

        Assert.Equal(new StoppedLeftover("api", pid, Graceful: true), Assert.Single(result.Stopped));
        Assert.All((int[])[pid, grandchild, escapee], p => Assert.False(ProcessProbe.IsAlive(p), $"{p} survived"));
        Assert.Empty(store.LoadAll());
    }

    [Fact]
    public async Task Reap_RecordWithAnotherStartTime_LeavesTheProcessAlone()
    {
        // The PID was reused: the record names the PID, but another process start (and another launch's marker).
        using var run = TestBackendRun.Start("--grandchildren", "1");
        await run.Stdout.ReadNumberAsync("pid");
        var grandchild = await run.Stdout.ReadNumberAsync("grandchild");
        var store = new StateFileStore(_directory);
        store.Save(RecordFor(run.Child, await DeadSidecarAsync()) with
        {
            StartTimeTicks = run.Child.StartTimeTicks - 1, InstanceMarker = "1.2.3",
        });

        var result = await OrphanReaper.ReapAsync(store, LinuxProcessTable.Instance).WaitAsync(TestTimeouts.Unexpected);

        Assert.Empty(result.Stopped);
        Assert.Equal(["api"], result.StaleRemoved);
        Assert.False(await ProcessProbe.WaitUntilGoneAsync(run.Child.Pid, TestTimeouts.Expected));
        Assert.True(ProcessProbe.IsAlive(grandchild));
        Assert.Empty(store.LoadAll());
    }

    [Fact]
    public async Task Reap_LeaderGoneButMarkedDescendantLeft_StopsTheDescendant()
    {
        // After a SIGKILL of the sidecar the parent-death signal kills only the leader; what it started is found by marker.
        using var run = TestBackendRun.Start("--escape-group");
        var pid = await run.Stdout.ReadNumberAsync("pid");
        var escapee = await run.Stdout.ReadNumberAsync("escaped");
        ProcessProbe.Signal(pid, Signals.SIGKILL);
        await run.Child.Exited.WaitAsync(TestTimeouts.Unexpected);
        var store = new StateFileStore(_directory);
        store.Save(RecordFor(run.Child, await DeadSidecarAsync()));

        var result = await OrphanReaper.ReapAsync(store, LinuxProcessTable.Instance).WaitAsync(TestTimeouts.Unexpected);

        Assert.Single(result.Stopped);
        Assert.False(ProcessProbe.IsAlive(escapee));
    }

    [Fact]
    public async Task Reap_RecordOfALiveSidecar_IsKeptAndItsBackendUntouched()
    {
        using var run = TestBackendRun.Start();
        await run.Stdout.ReadNumberAsync("pid");
        var store = new StateFileStore(_directory);
        store.Save(RecordFor(run.Child, (Environment.ProcessId, ProcessInfo.CurrentStartTimeTicks)));

        var result = await OrphanReaper.ReapAsync(store, LinuxProcessTable.Instance).WaitAsync(TestTimeouts.Unexpected);

        Assert.Equal(["api"], result.KeptLive);
        Assert.True(ProcessProbe.IsAlive(run.Child.Pid, run.Child.StartTimeTicks));
        Assert.Single(store.LoadAll());
    }

    [Fact]
    public async Task IsProvablyOurs_OwnerIsTheRecordedLeaderOrInItsGroup_True()
    {
        using var run = TestBackendRun.Start("--grandchildren", "1");
        var pid = await run.Stdout.ReadNumberAsync("pid");
        var grandchild = await run.Stdout.ReadNumberAsync("grandchild");
        BackendStateRecord[] records = [RecordFor(run.Child, (1, 1)) with { InstanceMarker = null }];

        Assert.True(await OrphanReaper.IsProvablyOursAsync(new PortOwner(8080, pid, "test-backend"), records, LinuxProcessTable.Instance));
        Assert.True(await OrphanReaper.IsProvablyOursAsync(new PortOwner(8080, grandchild, "sleep"), records, LinuxProcessTable.Instance));
    }

    [Fact]
    public async Task IsProvablyOurs_StartTimeDiffersOrStranger_False()
    {
        using var run = TestBackendRun.Start();
        var pid = await run.Stdout.ReadNumberAsync("pid");
        var record = RecordFor(run.Child, (1, 1)) with { InstanceMarker = null };

        Assert.False(await OrphanReaper.IsProvablyOursAsync(new PortOwner(8080, pid, "x"), [record with { StartTimeTicks = record.StartTimeTicks + 1 }], LinuxProcessTable.Instance));
        Assert.False(await OrphanReaper.IsProvablyOursAsync(new PortOwner(8080, Environment.ProcessId, "x"), [record], LinuxProcessTable.Instance));
        Assert.False(await OrphanReaper.IsProvablyOursAsync(new PortOwner(8080, null, null), [record], LinuxProcessTable.Instance));
    }

    [Fact]
    public async Task IsProvablyOurs_OwnerCarriesTheRecordedMarker_True()
    {
        using var run = TestBackendRun.Start("--escape-group");
        await run.Stdout.ReadNumberAsync("pid");
        var escapee = await run.Stdout.ReadNumberAsync("escaped");
        var record = RecordFor(run.Child, (1, 1)) with { StartTimeTicks = 1 }; // leader proof fails; the marker proves it

        Assert.True(await OrphanReaper.IsProvablyOursAsync(new PortOwner(8080, escapee, "test-backend"), [record], LinuxProcessTable.Instance));
    }
}
