using BackendSidecar.Core.Processes;
using BackendSidecar.Testing;

namespace BackendSidecar.Core.Tests.Processes;

[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public sealed class ProcessInfoTests
{
    private const string Marker = PosixProcessLauncher.InstanceMarkerVariable;

    [Fact]
    public async Task FindByEnvironmentMarker_EnvironmentLargerThanOneRead_FindsTheMarkerAtItsEnd()
    {
        // The launcher appends the marker last, so it sits behind 100 KB of other variables: the read buffer must grow.
        var environment = TestBackendApp.BaseEnvironment();
        environment["BULK"] = new string('x', 100_000);
        using var run = TestBackendRun.Start([], r => r with { Environment = environment });
        var pid = await run.Stdout.ReadNumberAsync("pid");

        var found = ProcessInfo.FindByEnvironmentMarker(Marker, run.Child.InstanceMarker);

        Assert.Equal([pid], found.Select(p => p.Pid));
        Assert.True(ProcessInfo.HasEnvironmentEntry(pid, Marker, run.Child.InstanceMarker));
    }

    [Fact]
    public async Task FindByEnvironmentMarker_StartedBeforeTheLaunch_IsPassedOverWithoutReadingItsEnvironment()
    {
        using var run = TestBackendRun.Start();
        var pid = await run.Stdout.ReadNumberAsync("pid");
        var started = ProcessInfo.TryReadStat(pid)!.Value.StartTimeTicks;

        // A descendant starts no earlier than the launched process: the scan may pass over everything older.
        Assert.Equal([pid], ProcessInfo.FindByEnvironmentMarker(Marker, run.Child.InstanceMarker, started).Select(p => p.Pid));
        Assert.Empty(ProcessInfo.FindByEnvironmentMarker(Marker, run.Child.InstanceMarker, started + 1));
    }

    [Fact]
    public async Task FindByEnvironmentMarker_PrefixOfTheValue_MatchesNothing()
    {
        using var run = TestBackendRun.Start();
        var pid = await run.Stdout.ReadNumberAsync("pid");
        var prefix = run.Child.InstanceMarker[..^1];

        Assert.DoesNotContain(pid, ProcessInfo.FindByEnvironmentMarker(Marker, prefix).Select(p => p.Pid));
        Assert.False(ProcessInfo.HasEnvironmentEntry(pid, Marker, prefix));
    }

    [Fact]
    public async Task FindGroupMembers_AGroupWithGrandchildren_ListsEveryLiveMember()
    {
        using var run = TestBackendRun.Start("--grandchildren", "2");
        var pid = await run.Stdout.ReadNumberAsync("pid");
        await run.Stdout.ReadNumberAsync("grandchild");
        await run.Stdout.ReadNumberAsync("grandchild");

        var members = ProcessInfo.FindGroupMembers(pid).Select(p => p.Pid).Order();

        Assert.Equal(ProcessProbe.GroupMembers(pid).Select(p => p.Pid).Order(), members);
        Assert.Equal(3, members.Count());
    }

    [Fact]
    public async Task TryReadStat_ALiveChild_AgreesWithAnIndependentReading()
    {
        using var run = TestBackendRun.Start();
        var pid = await run.Stdout.ReadNumberAsync("pid");

        var stat = ProcessInfo.TryReadStat(pid);
        var probed = ProcessProbe.Read(pid);

        Assert.NotNull(stat);
        Assert.NotNull(probed);
        Assert.Equal((probed.Value.Name, probed.Value.ProcessGroupId, probed.Value.StartTimeTicks),
            (stat.Value.Name, stat.Value.ProcessGroupId, stat.Value.StartTimeTicks));
        Assert.Equal("test-backend", ProcessInfo.TryGetName(pid));
        Assert.Contains(pid, ProcessInfo.EnumeratePids());
    }

    [Fact]
    public void TryReadStat_NoSuchProcess_IsNull()
    {
        Assert.Null(ProcessInfo.TryReadStat(int.MaxValue));
        Assert.Null(ProcessInfo.TryGetName(int.MaxValue));
        Assert.False(ProcessInfo.HasEnvironmentEntry(int.MaxValue, Marker, "x"));
    }
}
