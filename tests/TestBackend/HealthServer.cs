using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace TestBackend;

/// <summary>A minimal HTTP/1.1 server on 127.0.0.1 (no ASP.NET, so the test backend starts fast).</summary>
/// <remarks>GET /health answers 503 {"status":"loading"} until ready, then 200 with the health body; GET /crash exits
/// with code 3 at once. Each connection gets one answer and is closed.</remarks>
internal sealed class HealthServer(TcpListener listener, TimeSpan readyAfter, string healthJson)
{
    private readonly Stopwatch _sinceStart = Stopwatch.StartNew();

    public static HealthServer Start(int port, TimeSpan readyAfter, string healthJson)
    {
        var listener = new TcpListener(IPAddress.Loopback, port);
        listener.Start();
        var server = new HealthServer(listener, readyAfter, healthJson);
        _ = server.AcceptLoopAsync();
        return server;
    }

    public int Port => ((IPEndPoint)listener.LocalEndpoint).Port;

    private async Task AcceptLoopAsync()
    {
        while (true)
        {
            var client = await listener.AcceptTcpClientAsync();
            _ = HandleAsync(client);
        }
    }

    private async Task HandleAsync(TcpClient client)
    {
        using var _ = client;
        try
        {
            var stream = client.GetStream();
            var path = await ReadRequestPathAsync(stream);
            var (status, body) = path switch
            {
                "/health" when _sinceStart.Elapsed >= readyAfter => ("200 OK", healthJson),
                "/health" => ("503 Service Unavailable", """{"status":"loading"}"""),
                "/crash" => Crash(),
                _ => ("404 Not Found", """{"error":"not found"}"""),
            };
            var bodyBytes = Encoding.UTF8.GetBytes(body);
            var head = $"HTTP/1.1 {status}\r\nContent-Type: application/json\r\nContent-Length: {bodyBytes.Length}\r\nConnection: close\r\n\r\n";
            await stream.WriteAsync(Encoding.ASCII.GetBytes(head));
            await stream.WriteAsync(bodyBytes);
        }
        catch (IOException) { /* the client went away */ }
    }

    private static (string, string) Crash()
    {
        Console.Error.WriteLine("crashing on request");
        Environment.Exit(3);
        return default;
    }

    /// <summary>Reads the request head (up to 8 KiB) and returns the path of its request line.</summary>
    private static async Task<string> ReadRequestPathAsync(NetworkStream stream)
    {
        var buffer = new byte[8192];
        var length = 0;
        while (length < buffer.Length)
        {
            var read = await stream.ReadAsync(buffer.AsMemory(length));
            if (read == 0) break;
            length += read;
            if (buffer.AsSpan(0, length).IndexOf("\r\n\r\n"u8) >= 0) break;
        }
        var requestLine = Encoding.ASCII.GetString(buffer, 0, length).Split("\r\n")[0].Split(' ');
        return requestLine.Length >= 2 ? requestLine[1] : "";
    }
}
