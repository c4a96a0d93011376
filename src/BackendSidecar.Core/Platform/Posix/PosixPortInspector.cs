using System.Globalization;
using System.Net;
using System.Net.Sockets;
using BackendSidecar.Core.Ports;

namespace BackendSidecar.Core.Platform.Posix;

/// <summary>
/// The listener on a TCP port from <c>lsof -nP -iTCP:PORT -sTCP:LISTEN -Fpc</c> (on every Mac). When lsof names no
/// process (not installed, forbidden by an app sandbox, another user's socket), a loopback connect tells a held port
/// from a free one: held, the owner's PID is null; never an error.
/// </summary>
internal sealed class PosixPortInspector : IPortInspector
{
    private static readonly TimeSpan ConnectTimeout = TimeSpan.FromMilliseconds(300);

    public PortOwner? FindListener(int port)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(port);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(port, 65535);
        var output = ShortCommand.Run("lsof", ["-nP", $"-iTCP:{port.ToString(CultureInfo.InvariantCulture)}", "-sTCP:LISTEN", "-Fpc"]);
        if (ToolOutput.ParseListener(output) is { } listener) return new PortOwner(port, listener.Pid, listener.Name);
        return AcceptsConnections(port) ? new PortOwner(port, null, null) : null;
    }

    private static bool AcceptsConnections(int port) =>
        Connects(IPAddress.Loopback, port) || (Socket.OSSupportsIPv6 && Connects(IPAddress.IPv6Loopback, port));

    private static bool Connects(IPAddress address, int port)
    {
        try
        {
            using var socket = new Socket(address.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
            using var cancel = new CancellationTokenSource(ConnectTimeout);
            socket.ConnectAsync(new IPEndPoint(address, port), cancel.Token).AsTask().GetAwaiter().GetResult();
            return true;
        }
        catch (Exception e) when (e is SocketException or OperationCanceledException)
        {
            return false;
        }
    }
}
