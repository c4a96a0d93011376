using System.Collections.Concurrent;
using System.Text.Json;
using BackendSidecar.JsonRpc.Framing;
using BackendSidecar.JsonRpc.Messages;
using BackendSidecar.JsonRpc.Tests.Support;

namespace BackendSidecar.JsonRpc.Tests.Dispatch;

public class BatchTests
{
    [Fact]
    public async Task EmptyBatch_AnswersSingleInvalidRequest()
    {
        await using var h = ConnectionHarness.Start(FramingKind.Ndjson);

        var reply = await h.CallAsync("[]");

        Assert.Equal(JsonValueKind.Object, reply.ValueKind);
        WireAssert.IsError(reply, JsonRpcErrorCodes.InvalidRequest, "null");
    }

    [Fact]
    public async Task MixedBatch_AnswersEveryRequestAndInvalidEntryInOneArray()
    {
        var notifications = new ConcurrentQueue<string>();
        await using var h = ConnectionHarness.Start(FramingKind.Header, TestMethods.Create(notifications));

        var reply = await h.CallAsync("[" + string.Join(",",
            Json.Request(1, "ping"),
            Json.Notification("note", "[1]"),
            Json.Request("b", "nope"),
            "1",
            "{\"jsonrpc\":\"2.0\",\"id\":4,\"method\":\"echo\",\"params\":{\"backend\":7}}",
            Json.Request(5, "echo", "{\"backend\":\"api\"}")) + "]");

        Assert.Equal(JsonValueKind.Array, reply.ValueKind);
        var byId = reply.EnumerateArray().ToDictionary(r => r.GetProperty("id").GetRawText());
        Assert.Equal(5, byId.Count);
        WireAssert.IsResult(byId["1"], "1");
        WireAssert.IsError(byId["\"b\""], JsonRpcErrorCodes.MethodNotFound, "\"b\"");
        WireAssert.IsError(byId["null"], JsonRpcErrorCodes.InvalidRequest, "null");
        WireAssert.IsError(byId["4"], JsonRpcErrorCodes.InvalidParams, "4");
        WireAssert.IsResult(byId["5"], "5");
        Assert.Equal(["note:[1]"], notifications);
    }

    [Fact]
    public async Task BatchOfInvalidEntries_AnswersOneErrorPerEntry()
    {
        await using var h = ConnectionHarness.Start(FramingKind.Ndjson);

        var reply = await h.CallAsync("[1,2,3]");

        Assert.Equal(3, reply.GetArrayLength());
        Assert.All(reply.EnumerateArray(), r => WireAssert.IsError(r, JsonRpcErrorCodes.InvalidRequest, "null"));
    }

    [Fact]
    public async Task AllNotificationBatch_AnswersNothing()
    {
        await using var h = ConnectionHarness.Start(FramingKind.Ndjson);

        await h.SendAsync("[" + Json.Notification("note") + "," + Json.Notification("unknown") + "]");

        WireAssert.IsResult(await h.CallAsync(Json.Request(2, "ping")), "2");
    }

    [Fact]
    public async Task Batch_SlowEntry_DelaysOnlyTheBatchReply()
    {
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var methods = TestMethods.Create().AddRequest("slow", TestJsonContext.Default.String, async _ =>
        {
            await release.Task;
            return "done";
        });
        await using var h = ConnectionHarness.Start(FramingKind.Ndjson, methods);

        await h.SendAsync("[" + Json.Request(1, "slow") + "," + Json.Request(2, "ping") + "]");
        WireAssert.IsResult(await h.CallAsync(Json.Request(3, "ping")), "3");
        release.SetResult();

        var batch = await h.Output.ReadAsync();
        Assert.Equal(2, batch.GetArrayLength());
    }
}
