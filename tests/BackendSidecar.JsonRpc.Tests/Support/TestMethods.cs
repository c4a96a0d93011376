using System.Collections.Concurrent;
using System.Text.Json.Nodes;
using BackendSidecar.JsonRpc.Dispatch;
using BackendSidecar.JsonRpc.Messages;

namespace BackendSidecar.JsonRpc.Tests.Support;

/// <summary>A method table for tests: echo (typed), raw, failing and blocking methods.</summary>
public static class TestMethods
{
    public static MethodTable Create(ConcurrentQueue<string>? notifications = null) =>
        new MethodTable()
            .AddRequest("echo", TestJsonContext.Default.EchoParams, TestJsonContext.Default.EchoResult,
                (p, _) => Task.FromResult(new EchoResult { Backend = p.Backend, Count = p.Count }))
            .AddRequest("ping", TestJsonContext.Default.String, _ => Task.FromResult("pong"))
            .AddRequest("raw", (p, _) => Task.FromResult<JsonNode?>(p is null ? null : JsonNode.Parse(p.Value.GetRawText())))
            .AddRequest("nothing", (_, _) => Task.FromResult<JsonNode?>(null))
            .AddRequest("fail", (_, _) => Task.FromException<JsonNode?>(new InvalidOperationException("secret detail at /home/x")))
            .AddRequest("rpcFail", (_, _) => Task.FromException<JsonNode?>(
                new RpcException(-32010, "unknown backend", new JsonObject { ["backend"] = "x", ["known"] = new JsonArray("a", "b") })))
            .AddRequest("waitForCancel", async (_, ct) =>
            {
                await Task.Delay(Timeout.Infinite, ct);
                return null;
            })
            .AddNotification("log", TestJsonContext.Default.LogParams, (p, _) =>
            {
                notifications?.Enqueue("log:" + p.Backend);
                return Task.CompletedTask;
            })
            .AddNotification("boom", _ => throw new InvalidOperationException("notification failed"))
            .AddNotification("note", (p, _) =>
            {
                notifications?.Enqueue("note:" + (p?.GetRawText() ?? "none"));
                return Task.CompletedTask;
            });
}
