using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using BackendSidecar.Core.Ports;
using BackendSidecar.Testing;

namespace BackendSidecar.Core.Tests.Ports;

public sealed class LinuxPortInspectorTests
{
    [Fact]
    public async Task FindListener_PortHeldByAForeignProcess_ReturnsItsPidAndNameAndLeavesItRunning()
    {
        // A process the sidecar did not start: plain .NET Process, its own program, no marker.
        var info = new ProcessStartInfo(TestBackendApp.Path, "--hold-port 0") { RedirectStandardOutput = true };
        using var tracker = new ProcessTracker();
        using var foreign = Process.Start(info)!;
        tracker.Track(foreign.Id);
        var output = new OutputLines(foreign.StandardOutput.BaseStream);
        var port = await output.ReadNumberAsync("port");
        var startTime = ProcessProbe.Read(foreign.Id)!.Value.StartTimeTicks;

        var owner = new LinuxPortInspector().FindListener(port);

        Assert.Equal(new PortOwner(port, foreign.Id, "test-backend"), owner);
        Assert.False(await ProcessProbe.WaitUntilGoneAsync(foreign.Id, TestTimeouts.Expected));
        Assert.True(ProcessProbe.IsAlive(foreign.Id, startTime), "inspecting the port must not touch its owner");
    }

    [Fact]
    public void FindListener_FreePort_ReturnsNull()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();

        Assert.Null(new LinuxPortInspector().FindListener(port));
    }

    [Fact]
    public void FindListener_Ipv6Listener_IsFound()
    {
        var listener = new TcpListener(IPAddress.IPv6Loopback, 0);
        listener.Start();
        try
        {
            var port = ((IPEndPoint)listener.LocalEndpoint).Port;

            var owner = new LinuxPortInspector().FindListener(port);

            Assert.Equal(Environment.ProcessId, owner?.Pid);
        }
        finally { listener.Stop(); }
    }

    [Fact]
    public void FindListener_ConnectedButNotListening_IsNotAListener()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        using var client = new TcpClient();
        client.Connect(IPAddress.Loopback, port);
        var clientPort = ((IPEndPoint)client.Client.LocalEndPoint!).Port;

        Assert.Null(new LinuxPortInspector().FindListener(clientPort));
        Assert.NotNull(new LinuxPortInspector().FindListener(port));
        listener.Stop();
    }

    [Theory]
    [InlineData("   0: 0100007F:1F90 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 12345 1 0000", 8080, "12345")]
    [InlineData("   1: 00000000000000000000000000000000:1F90 00000000000000000000000000000000:0000 0A 00000000:00000000 00:00000000 00000000  1000        0 777 1", 8080, "777")]
    [InlineData("   2: 0100007F:1F90 0100007F:C350 01 00000000:00000000 00:00000000 00000000     0        0 999 1 0000", 8080, null)]
    [InlineData("   3: 0100007F:1F91 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 555 1 0000", 8080, null)]
    public void ParseLine_ProcNetTcpFormat_FindsListenSocketsOnThePort(string line, int port, string? inode)
    {
        var inodes = new HashSet<string>();

        LinuxPortInspector.ParseLine(line, port, inodes);

        Assert.Equal(inode is null ? [] : [inode], inodes);
    }
}
