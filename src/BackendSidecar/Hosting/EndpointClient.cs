using System.Text;
using System.Text.Json.Nodes;
using System.Threading.Channels;

namespace BackendSidecar.Hosting;

/// <summary>
/// A small JSON-RPC client of a live sidecar's endpoint, for the CLI commands: newline-delimited JSON, requests answered by
/// id, notifications queued in order. JSON nodes only, so it stays trimming- and NativeAOT-safe.
/// </summary>
internal sealed class EndpointClient : IAsyncDisposable
{
    private readonly Stream _stream;
    private readonly SemaphoreSlim _writeGate = new(1, 1);
    private readonly Dictionary<long, TaskCompletionSource<JsonNode?>> _pending = [];
    private readonly Channel<JsonObject> _notifications = Channel.CreateUnbounded<JsonObject>();
    private readonly Task _reading;
    private long _nextId;

    private EndpointClient(Stream stream)
    {
        _stream = stream;
        _reading = Task.Run(ReadLoopAsync);
    }

    /// <summary><c>statusChanged</c> and <c>log</c>, as they come; completes when the connection ends.</summary>
    public ChannelReader<JsonObject> Notifications => _notifications.Reader;

    /// <summary>Connects and initializes; null when no sidecar runs for <paramref name="configPath"/>.</summary>
    /// <exception cref="IOException">The endpoint belongs to another user.</exception>
    public static async Task<(EndpointClient Client, JsonObject Initialized)?> AttachAsync(string configPath, string clientName)
    {
        if (await Endpoint.For(configPath).TryConnectAsync().ConfigureAwait(false) is not { } stream) return null;
        var client = new EndpointClient(stream);
        var result = await client.RequestAsync("initialize", new JsonObject
        {
            ["protocolVersion"] = "1.1",
            ["clientInfo"] = new JsonObject { ["name"] = clientName, ["version"] = Program.Version },
            ["configPath"] = configPath,
        }).ConfigureAwait(false);
        return (client, result!.AsObject());
    }

    /// <summary>Sends a request and returns its result.</summary>
    /// <exception cref="EndpointErrorException">The sidecar answered with an error.</exception>
    public async Task<JsonNode?> RequestAsync(string method, JsonObject? parameters = null)
    {
        var id = Interlocked.Increment(ref _nextId);
        var answer = new TaskCompletionSource<JsonNode?>(TaskCreationOptions.RunContinuationsAsynchronously);
        lock (_pending) _pending[id] = answer;
        await WriteAsync(new JsonObject { ["jsonrpc"] = "2.0", ["id"] = id, ["method"] = method, ["params"] = parameters ?? new JsonObject() })
            .ConfigureAwait(false);
        return await answer.Task.ConfigureAwait(false);
    }

    public Task NotifyAsync(string method) =>
        WriteAsync(new JsonObject { ["jsonrpc"] = "2.0", ["method"] = method });

    /// <summary>Detaches as the protocol says: shutdown, then exit. The backends keep running for the sidecar's other sessions.</summary>
    public async Task DetachAsync()
    {
        try
        {
            await RequestAsync("shutdown").ConfigureAwait(false);
            await NotifyAsync("exit").ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is IOException or ObjectDisposedException or EndpointErrorException)
        {
            // The sidecar is gone or going: nothing left to detach from.
        }
    }

    private async Task WriteAsync(JsonObject message)
    {
        var bytes = Encoding.UTF8.GetBytes(message.ToJsonString() + "\n");
        await _writeGate.WaitAsync().ConfigureAwait(false);
        try
        {
            await _stream.WriteAsync(bytes).ConfigureAwait(false);
            await _stream.FlushAsync().ConfigureAwait(false);
        }
        finally
        {
            _writeGate.Release();
        }
    }

    private async Task ReadLoopAsync()
    {
        using var reader = new StreamReader(_stream, new UTF8Encoding(false), leaveOpen: true);
        try
        {
            while (await reader.ReadLineAsync().ConfigureAwait(false) is { } line)
            {
                if (line.Length == 0 || JsonNode.Parse(line) is not JsonObject message) continue;
                if (message["id"] is { } id && id.GetValueKind() == System.Text.Json.JsonValueKind.Number)
                {
                    TaskCompletionSource<JsonNode?>? answer;
                    lock (_pending) _pending.Remove(id.GetValue<long>(), out answer);
                    if (message["error"] is JsonObject error)
                        answer?.TrySetException(new EndpointErrorException(error["code"]?.GetValue<int>() ?? 0, error["message"]?.GetValue<string>() ?? "error"));
                    else
                        answer?.TrySetResult(message["result"]?.DeepClone());
                }
                else if (message["method"] is not null)
                {
                    _notifications.Writer.TryWrite(message);
                }
            }
        }
        catch (Exception ex) when (ex is IOException or ObjectDisposedException or System.Text.Json.JsonException)
        {
        }
        finally
        {
            _notifications.Writer.TryComplete();
            lock (_pending)
            {
                foreach (var answer in _pending.Values) answer.TrySetException(new IOException("the sidecar closed the connection"));
                _pending.Clear();
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stream.DisposeAsync().ConfigureAwait(false);
        await _reading.ConfigureAwait(false);
        _writeGate.Dispose();
    }
}

internal sealed class EndpointErrorException(int code, string message) : Exception(message)
{
    public int Code { get; } = code;
}
