using System.Net.Http;
using System.Net.Sockets;

namespace BackendSidecar.Core.Health;

/// <summary>Short human descriptions of why a health request failed, for <see cref="HealthResult.Detail"/>.</summary>
internal static class ProbeErrors
{
    public static string TimedOut(TimeSpan timeout) => $"timed out after {Milliseconds(timeout)} ms";

    public static long Milliseconds(TimeSpan duration) => (long)Math.Round(duration.TotalMilliseconds);

    public static string Describe(SocketError error) => error switch
    {
        SocketError.ConnectionRefused => "connection refused",
        SocketError.ConnectionReset => "connection reset",
        SocketError.ConnectionAborted => "connection aborted",
        SocketError.HostNotFound or SocketError.NoData or SocketError.TryAgain => "host not found",
        SocketError.HostUnreachable => "host unreachable",
        SocketError.NetworkUnreachable => "network unreachable",
        SocketError.TimedOut => "connect timed out",
        SocketError.AddressNotAvailable => "address not available",
        _ => $"socket error {error}",
    };

    public static string Describe(HttpRequestException exception)
    {
        for (Exception? inner = exception; inner is not null; inner = inner.InnerException)
        {
            if (inner is SocketException socket)
            {
                return Describe(socket.SocketErrorCode);
            }
        }

        return exception.HttpRequestError switch
        {
            HttpRequestError.NameResolutionError => "host not found",
            HttpRequestError.ResponseEnded => "connection closed before a complete response",
            HttpRequestError.InvalidResponse => "invalid HTTP response",
            HttpRequestError.SecureConnectionError => "TLS handshake failed",
            HttpRequestError.ConnectionError => "connection failed",
            _ => exception.Message,
        };
    }
}
