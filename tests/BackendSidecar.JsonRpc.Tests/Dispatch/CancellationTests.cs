using BackendSidecar.JsonRpc.Framing;
using BackendSidecar.JsonRpc.Messages;
using BackendSidecar.JsonRpc.Tests.Support;

namespace BackendSidecar.JsonRpc.Tests.Dispatch;

public class CancellationTests
{
    [Theory]
    [InlineData("7")]
    [InlineData("\"start-1\"")]
    public async Task CancelRequest_PendingRequest_AnswersRequestCancelled(string id)
    {
        await using var h = ConnectionHarness.Start(FramingKind.Header);
        await h.SendAsync($"{{\"jsonrpc\":\"2.0\",\"id\":{id},\"method\":\"waitForCancel\"}}");

        await h.SendAsync($"{{\"jsonrpc\":\"2.0\",\"method\":\"$/cancelRequest\",\"params\":{{\"id\":{id}}}}}");

        WireAssert.IsError(await h.Output.ReadAsync(), JsonRpcErrorCodes.RequestCancelled, id);
    }

    [Fact]
    public async Task CancelRequest_OnlyCancelsTheNamedRequest()
    {
        await using var h = ConnectionHarness.Start(FramingKind.Ndjson);
        await h.SendAsync(Json.Request(1, "waitForCancel"));
        await h.SendAsync(Json.Request(2, "waitForCancel"));

        await h.SendAsync(Json.Notification("$/cancelRequest", "{\"id\":2}"));
        WireAssert.IsError(await h.Output.ReadAsync(), JsonRpcErrorCodes.RequestCancelled, "2");
        Assert.True(await h.Output.NothingWithinAsync());

        await h.SendAsync(Json.Notification("$/cancelRequest", "{\"id\":1}"));
        WireAssert.IsError(await h.Output.ReadAsync(), JsonRpcErrorCodes.RequestCancelled, "1");
    }

    [Theory]
    [InlineData("{\"id\":99}")]
    [InlineData("{\"id\":true}")]
    [InlineData("{}")]
    [InlineData("[1]")]
    [InlineData(null)]
    public async Task CancelRequest_UnknownOrBadId_IsIgnoredSilently(string? paramsJson)
    {
        await using var h = ConnectionHarness.Start(FramingKind.Ndjson);

        await h.SendAsync(Json.Notification("$/cancelRequest", paramsJson));

        WireAssert.IsResult(await h.CallAsync(Json.Request(1, "ping")), "1");
    }

    [Fact]
    public async Task HandlerIgnoringCancellation_StillAnswersWithItsResult()
    {
        var started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var methods = TestMethods.Create().AddRequest("stubborn", TestJsonContext.Default.String, async _ =>
        {
            started.SetResult();
            await release.Task;
            return "finished";
        });
        await using var h = ConnectionHarness.Start(FramingKind.Ndjson, methods);
        await h.SendAsync(Json.Request(1, "stubborn"));
        await started.Task.WaitAsync(BackendSidecar.Testing.TestTimeouts.Unexpected);

        await h.SendAsync(Json.Notification("$/cancelRequest", "{\"id\":1}"));
        release.SetResult();

        Assert.Equal("finished", WireAssert.IsResult(await h.Output.ReadAsync(), "1").GetString());
    }

    [Fact]
    public async Task Dispose_CancelsRunningHandlers()
    {
        var h = ConnectionHarness.Start(FramingKind.Ndjson);
        await h.SendAsync(Json.Request(1, "waitForCancel"));
        await h.CallAsync(Json.Request(2, "ping"));

        await h.DisposeAsync().AsTask().WaitAsync(BackendSidecar.Testing.TestTimeouts.Unexpected);

        Assert.Equal(0, h.Connection.InFlightCount);
    }
}
