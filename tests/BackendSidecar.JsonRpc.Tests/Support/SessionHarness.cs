using System.IO.Pipelines;
using System.Text;
using System.Text.Json;
using BackendSidecar.JsonRpc.Framing;
using BackendSidecar.Testing;
using Nerdbank.Streams;
using StreamJsonRpc;

namespace BackendSidecar.JsonRpc.Tests.Support;

/// <summary>
/// A server (handler + <see cref="ContractJsonRpc"/> serving <see cref="TestMethods"/>) and a raw client on the two ends of
/// a Nerdbank.Streams full-duplex pipe pair, as StreamJsonRpc's own tests run a connection in process.
/// </summary>
public sealed class SessionHarness : IAsyncDisposable
{
    private readonly IDuplexPipe _client;

    private SessionHarness(FramingKind kind, ContractRpcOptions options)
    {
        Kind = kind;
        var (client, server) = FullDuplexStream.CreatePipePair();
        _client = client;
        Handler = new ContractMessageHandler(server.Input, server.Output, ContractJsonRpc.CreateFormatter(TestJsonContext.Default), options);
        Rpc = new ContractJsonRpc(Handler, options);
        Rpc.AddTarget(RpcTargetMetadata.FromShape<ITestMethods>(), Methods);
        Rpc.StartListening();
        Output = new OutputCollector(client.Input, kind);
    }

    public FramingKind Kind { get; }

    public TestMethods Methods { get; } = new();

    public ContractMessageHandler Handler { get; }

    public ContractJsonRpc Rpc { get; }

    public OutputCollector Output { get; }

    /// <summary>Starts a session; <paramref name="options"/> without a framing detects it from the first byte.</summary>
    public static SessionHarness Start(FramingKind kind, ContractRpcOptions? options = null) => new(kind, options ?? new ContractRpcOptions());

    /// <summary>Frames one JSON text the way a client of this framing would, and sends it.</summary>
    public Task SendAsync(string json) => SendRawAsync(Frame(Kind, json));

    public async Task SendRawAsync(byte[] bytes) => await _client.Output.WriteAsync(bytes);

    public Task SendRawAsync(string text) => SendRawAsync(Encoding.UTF8.GetBytes(text));

    /// <summary>Sends one message and returns the next output message.</summary>
    public async Task<JsonElement> CallAsync(string json)
    {
        await SendAsync(json);
        return await Output.ReadAsync();
    }

    /// <summary>Ends the input; the output stays open until the session is disposed.</summary>
    public async Task EndInputAsync()
    {
        await _client.Output.CompleteAsync();
        await Handler.InputEnded.WaitAsync(TestTimeouts.Unexpected);
    }

    public static byte[] Frame(FramingKind kind, string json)
    {
        var body = Encoding.UTF8.GetBytes(json);
        return kind == FramingKind.Ndjson
            ? [.. body, (byte)'\n']
            : [.. Encoding.ASCII.GetBytes($"Content-Length: {body.Length}\r\n\r\n"), .. body];
    }

    public async ValueTask DisposeAsync()
    {
        Methods.Release();
        await _client.Output.CompleteAsync();
        await Handler.WhenIdleAsync(CancellationToken.None).WaitAsync(TestTimeouts.Unexpected);
        Rpc.Dispose();
        await Output.Completion.WaitAsync(TestTimeouts.Unexpected);
        Assert.Empty(Output.Violations);
    }
}
