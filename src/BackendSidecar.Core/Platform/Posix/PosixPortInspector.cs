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

    public async ValueTask<PortOwner?> FindListenerAsync(int port, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(port);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(port, 65535);
        var output = await ShortCommand.RunAsync("lsof", ["-nP", $"-iTCP:{port.ToString(CultureInfo.InvariantCulture)}", "-sTCP:LISTEN", "-Fpc"],
            cancellationToken).ConfigureAwait(false);
        cancellationToken.ThrowIfCancellationRequested();
        if (ToolOutput.ParseListener(output) is { } listener) return new PortOwner(port, listener.Pid, listener.Name);
        return await AcceptsConnectionsAsync(port, cancellationToken).ConfigureAwait(false) ? new PortOwner(port, null, null) : null;
    }

    private static async ValueTask<bool> AcceptsConnectionsAsync(int port, CancellationToken cancellationToken) =>
        await ConnectsAsync(IPAddress.Loopback, port, cancellationToken).ConfigureAwait(false)
        || (Socket.OSSupportsIPv6 && await ConnectsAsync(IPAddress.IPv6Loopback, port, cancellationToken).ConfigureAwait(false));

    private static async ValueTask<bool> ConnectsAsync(IPAddress address, int port, CancellationToken cancellationToken)
    {
        using var socket = new Socket(address.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(ConnectTimeout);
        try
        {
            await socket.ConnectAsync(new IPEndPoint(address, port), timeout.Token).ConfigureAwait(false);
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return false; // the connect timed out
        }
    }
}
