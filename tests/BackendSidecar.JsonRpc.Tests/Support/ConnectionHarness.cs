using System.IO.Pipelines;
using System.Text;
using System.Text.Json;
using BackendSidecar.JsonRpc.Dispatch;
using BackendSidecar.JsonRpc.Framing;
using BackendSidecar.Testing;

namespace BackendSidecar.JsonRpc.Tests.Support;

/// <summary>A connection over in-memory pipes, with a client side that writes input and collects output.</summary>
public sealed class ConnectionHarness : IAsyncDisposable
{
    private readonly Pipe _input;
    private readonly Pipe _output;

    private ConnectionHarness(FramingKind kind, MethodTable methods, JsonRpcConnectionOptions? options, MessageFramingOptions? framing, PipeOptions? inputOptions)
    {
        Kind = kind;
        _input = new Pipe(inputOptions ?? PipeOptions.Default);
        _output = new Pipe();
        Connection = new JsonRpcConnection(FramingDetector.Create(kind, _input.Reader, _output.Writer, framing), methods, options);
        Output = new OutputCollector(_output.Reader, kind);
        Run = Connection.RunAsync();
    }

    public FramingKind Kind { get; }

    public JsonRpcConnection Connection { get; }

    public OutputCollector Output { get; }

    public Task<DisconnectReason> Run { get; }

    public PipeWriter Input => _input.Writer;

    public static ConnectionHarness Start(
        FramingKind kind,
        MethodTable? methods = null,
        JsonRpcConnectionOptions? options = null,
        MessageFramingOptions? framing = null,
        PipeOptions? inputOptions = null) =>
        new(kind, methods ?? TestMethods.Create(), options, framing, inputOptions);

    /// <summary>Frames one JSON text the way a client of this framing would, and sends it.</summary>
    public Task SendAsync(string json) => SendRawAsync(Frame(Kind, json));

    public async Task SendRawAsync(byte[] bytes)
    {
        await _input.Writer.WriteAsync(bytes);
    }

    public Task SendRawAsync(string text) => SendRawAsync(Encoding.UTF8.GetBytes(text));

    public async Task CompleteInputAsync() => await _input.Writer.CompleteAsync();

    /// <summary>Sends one message and returns the next output message.</summary>
    public async Task<JsonElement> CallAsync(string json)
    {
        await SendAsync(json);
        return await Output.ReadAsync();
    }

    public async Task<DisconnectReason> EndAsync()
    {
        await CompleteInputAsync();
        return await Run.WaitAsync(TestTimeouts.Unexpected);
    }

    public static byte[] Frame(FramingKind kind, string json)
    {
        var body = Encoding.UTF8.GetBytes(json);
        if (kind == FramingKind.Ndjson)
        {
            return [.. body, (byte)'\n'];
        }

        return [.. Encoding.ASCII.GetBytes($"Content-Length: {body.Length}\r\n\r\n"), .. body];
    }

    public async ValueTask DisposeAsync()
    {
        await _input.Writer.CompleteAsync();
        await Connection.DisposeAsync();
        await Output.Completion.WaitAsync(TestTimeouts.Unexpected);
        Assert.Empty(Output.Violations);
    }
}
