using System.Net;
using System.Net.Sockets;

namespace BackendSidecar.Core.Tests.Health;

/// <summary>
/// A loopback port that refuses connections: bound (so nothing else can take it while the test runs) but not listening.
/// </summary>
internal sealed class ClosedPort : IDisposable
{
    private readonly Socket _socket = new(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);

    public ClosedPort()
    {
        _socket.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        Port = ((IPEndPoint)_socket.LocalEndPoint!).Port;
    }

    /// <summary>The port number (still known after dispose, to start a server there).</summary>
    public int Port { get; }

    public void Dispose() => _socket.Dispose();
}
