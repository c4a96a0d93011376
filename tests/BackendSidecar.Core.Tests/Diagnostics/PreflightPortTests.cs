using BackendSidecar.Core.Configuration;
using BackendSidecar.Core.Diagnostics;
using BackendSidecar.Core.Platform.Linux;
using BackendSidecar.Core.Ports;
using BackendSidecar.Core.Processes;
using Moq;

namespace BackendSidecar.Core.Tests.Diagnostics;

/// <summary><c>diagnose</c> on a running backend: its own port is not a conflict.</summary>
public sealed class PreflightPortTests
{
    private const int Port = 47123;

    private static BackendOptions Backend() => new()
    {
        Name = "api",
        Command = "/bin/sh",
        Port = Port,
        ConfigDirectory = Path.GetTempPath(),
    };

    // The port table only has to answer for one port, and the check must ask for exactly that one: a mock says both.
    private static Mock<IPortInspector> Ports(PortOwner owner)
    {
        var ports = new Mock<IPortInspector>(MockBehavior.Strict);
        ports.Setup(p => p.FindListenerAsync(Port, It.IsAny<CancellationToken>())).Returns(new ValueTask<PortOwner?>(owner));
        return ports;
    }

    private static async Task<Check> PortCheckAsync(Mock<IPortInspector> ports, int? runningPid)
    {
        var check = (await new Preflight(ports.Object, () => new Dictionary<string, string>(), LinuxProcessTable.Instance).RunAsync(Backend(), runningPid))
            .Single(c => c.Id == "port");
        ports.Verify(p => p.FindListenerAsync(Port, It.IsAny<CancellationToken>()), Times.Once);
        return check;
    }

    [Fact]
    public async Task PortHeldByTheRunningBackendItself_IsOk()
    {
        var ports = Ports(new PortOwner(Port, Environment.ProcessId, "testhost"));

        var check = await PortCheckAsync(ports, runningPid: Environment.ProcessId);

        Assert.True(check.Ok, check.Message);
        Assert.Equal(CheckSeverity.Info, check.Severity);
        Assert.Equal($"port {Port} is held by the backend itself (pid {Environment.ProcessId})", check.Message);
    }

    [Fact]
    public async Task PortHeldByAMemberOfTheRunningBackendsGroup_IsOk()
    {
        // This test process stands for the server under a wrapper: its group leader is "the backend".
        var group = ProcessInfo.TryReadStat(Environment.ProcessId)!.Value.ProcessGroupId;
        var ports = Ports(new PortOwner(Port, Environment.ProcessId, "testhost"));

        var check = await PortCheckAsync(ports, runningPid: group);

        Assert.True(check.Ok, check.Message);
    }

    [Fact]
    public async Task PortHeldBySomeoneElseWhileTheBackendRuns_IsStillReported()
    {
        var ports = Ports(new PortOwner(Port, 1, "init"));

        var check = await PortCheckAsync(ports, runningPid: Environment.ProcessId);

        Assert.False(check.Ok);
        Assert.Equal($"port {Port} is in use by pid 1 (init)", check.Message);
    }
}
