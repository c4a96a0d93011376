using System.Net;
using System.Net.Sockets;
using System.Text;

namespace BackendSidecar.Core.Tests.Health;

/// <summary>
/// A minimal HTTP/1.1 server on 127.0.0.1 (port 0) built on a raw <see cref="TcpListener"/>: each request gets the
/// scripted response, with <c>Connection: close</c>. A <c>null</c> response means: accept, read, never answer.
/// </summary>
internal sealed class ScriptedHttpServer : IAsyncDisposable
{
    private readonly TcpListener _listener;
    private readonly Func<string, Response?> _respond;
    private readonly CancellationTokenSource _stop = new();
    private readonly List<TcpClient> _clients = [];
    private readonly Task _acceptLoop;
    private int _requestCount;

    public ScriptedHttpServer(Func<string, Response?> respond, int port = 0)
    {
        _listener = new TcpListener(IPAddress.Loopback, port);
        _respond = respond;
        _listener.Start();
        _acceptLoop = AcceptLoopAsync();
    }

    public ScriptedHttpServer(Response? always, int port = 0)
        : this(_ => always, port)
    {
    }

    public sealed record Response(int Status, string Body = "", string ContentType = "application/json");

    public int Port => ((IPEndPoint)_listener.LocalEndpoint).Port;

    public int RequestCount => Volatile.Read(ref _requestCount);

    public Uri Url(string path = "/health") => new($"http://127.0.0.1:{Port}{path}");

    public async ValueTask DisposeAsync()
    {
        _stop.Cancel();
        _listener.Stop();
        lock (_clients)
        {
            foreach (var client in _clients)
            {
                client.Dispose();
            }
        }

        try
        {
            await _acceptLoop;
        }
        catch (Exception e) when (e is OperationCanceledException or SocketException or ObjectDisposedException)
        {
            // Stopping the listener ends the loop this way.
        }

        _stop.Dispose();
    }

    private async Task AcceptLoopAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            var client = await _listener.AcceptTcpClientAsync(_stop.Token);
            lock (_clients)
            {
                _clients.Add(client);
            }

            _ = ServeAsync(client);
        }
    }

    private async Task ServeAsync(TcpClient client)
    {
        try
        {
            var stream = client.GetStream();
            var request = new StringBuilder();
            var buffer = new byte[4096];
            while (!request.ToString().Contains("\r\n\r\n"))
            {
                var read = await stream.ReadAsync(buffer, _stop.Token);
                if (read == 0)
                {
                    return;
                }

                request.Append(Encoding.ASCII.GetString(buffer, 0, read));
            }

            Interlocked.Increment(ref _requestCount);
            var requestLine = request.ToString()[..request.ToString().IndexOf('\r')];
            if (_respond(requestLine) is not { } response)
            {
                await Task.Delay(Timeout.Infinite, _stop.Token);
                return;
            }

            var body = Encoding.UTF8.GetBytes(response.Body);
            var head = $"HTTP/1.1 {response.Status} Scripted\r\nContent-Type: {response.ContentType}\r\n" +
                       $"Content-Length: {body.Length}\r\nConnection: close\r\n\r\n";
            await stream.WriteAsync(Encoding.ASCII.GetBytes(head), _stop.Token);
            await stream.WriteAsync(body, _stop.Token);
        }
        catch (Exception e) when (e is OperationCanceledException or IOException or ObjectDisposedException or SocketException)
        {
            // The server is stopping or the probe hung up.
        }
        finally
        {
            client.Dispose();
        }
    }
}
