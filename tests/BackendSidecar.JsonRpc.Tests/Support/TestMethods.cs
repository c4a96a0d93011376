using System.Text.Json.Nodes;
using PolyType;
using StreamJsonRpc;

namespace BackendSidecar.JsonRpc.Tests.Support;

/// <summary>The methods the tests call: typed echo, failures, and methods that wait (for cancellation and concurrency).</summary>
[GenerateShape(IncludeMethods = MethodShapeFlags.PublicInstance)]
public partial interface ITestMethods
{
    [JsonRpcMethod("echo", UseSingleObjectParameterDeserialization = true)]
    Task<EchoResult> EchoAsync(EchoParams p);

    [JsonRpcMethod("ping")]
    Task<string> PingAsync();

    [JsonRpcMethod("fail")]
    Task FailAsync();

    [JsonRpcMethod("rpcFail")]
    Task RpcFailAsync();

    [JsonRpcMethod("waitForCancel")]
    Task WaitForCancelAsync(CancellationToken cancellationToken);

    [JsonRpcMethod("block")]
    Task<string> BlockAsync(CancellationToken cancellationToken);

    [JsonRpcMethod("log", UseSingleObjectParameterDeserialization = true)]
    Task LogAsync(LogParams p);
}

public sealed class TestMethods : ITestMethods
{
    private readonly TaskCompletionSource _release = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _running;

    /// <summary>Notifications received, in order.</summary>
    public List<string> Notifications { get; } = [];

    /// <summary>How many <c>block</c> calls are waiting now.</summary>
    public int Blocked => Volatile.Read(ref _running);

    /// <summary>Lets every <c>block</c> call (waiting or to come) answer.</summary>
    public void Release() => _release.TrySetResult();

    public Task<EchoResult> EchoAsync(EchoParams p) => Task.FromResult(new EchoResult { Backend = p.Backend, Count = p.Count });

    public Task<string> PingAsync() => Task.FromResult("pong");

    public Task FailAsync() => throw new InvalidOperationException("secret detail at /home/x");

    public Task RpcFailAsync() => throw new LocalRpcException("unknown backend")
    {
        ErrorCode = -32010,
        ErrorData = new JsonObject { ["backend"] = "x", ["known"] = new JsonArray("a", "b") },
    };

    public async Task WaitForCancelAsync(CancellationToken cancellationToken) => await Task.Delay(Timeout.Infinite, cancellationToken);

    public async Task<string> BlockAsync(CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref _running);
        try
        {
            await _release.Task.WaitAsync(cancellationToken);
            return "released";
        }
        finally
        {
            Interlocked.Decrement(ref _running);
        }
    }

    public Task LogAsync(LogParams p)
    {
        lock (Notifications) Notifications.Add("log:" + p.Backend);
        return Task.CompletedTask;
    }
}
