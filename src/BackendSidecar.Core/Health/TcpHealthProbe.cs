using System.Diagnostics;
using System.Net.Sockets;

namespace BackendSidecar.Core.Health;

/// <summary>Ok when a TCP connection to <c>host:port</c> is accepted (then closed at once).</summary>
/// <remarks>Never throws for a failed check; throws <see cref="OperationCanceledException"/> only when the caller's
/// token is cancelled. Thread-safe.</remarks>
public sealed class TcpHealthProbe : IHealthProbe
{
    private readonly TimeSpan _timeout;

    /// <param name="host">A host name or IP address.</param>
    /// <param name="port">1..65535.</param>
    /// <param name="timeout">The longest one connect may take, name resolution included.</param>
    public TcpHealthProbe(string host, int port, TimeSpan timeout)
    {
        ArgumentException.ThrowIfNullOrEmpty(host);
        ArgumentOutOfRangeException.ThrowIfLessThan(port, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(port, 65535);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(timeout, TimeSpan.Zero);
        Host = host;
        Port = port;
        _timeout = timeout;
    }

    public string Host { get; }

    public int Port { get; }

    /// <inheritdoc/>
    public async ValueTask<HealthResult> CheckAsync(CancellationToken cancellationToken)
    {
        var started = Stopwatch.GetTimestamp();
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(_timeout);

        // Dual mode where IPv6 exists, so "localhost" works whichever address the backend listens on.
        using var socket = new Socket(SocketType.Stream, ProtocolType.Tcp);
        try
        {
            await socket.ConnectAsync(Host, Port, timeout.Token).ConfigureAwait(false);
            var elapsed = Stopwatch.GetElapsedTime(started);
            return new HealthResult(true, $"TCP connect in {ProbeErrors.Milliseconds(elapsed)} ms", elapsed);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            throw;
        }
        catch (OperationCanceledException)
        {
            return new HealthResult(false, ProbeErrors.TimedOut(_timeout), Stopwatch.GetElapsedTime(started));
        }
        catch (SocketException e)
        {
            return new HealthResult(false, ProbeErrors.Describe(e.SocketErrorCode), Stopwatch.GetElapsedTime(started));
        }
    }

    /// <inheritdoc/>
    public void Dispose()
    {
    }
}
