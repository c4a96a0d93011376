using BackendSidecar.JsonRpc.Framing;
using BackendSidecar.JsonRpc.Tests.Support;
using BackendSidecar.Testing;
using StreamJsonRpc;

namespace BackendSidecar.JsonRpc.Tests.Session;

/// <summary>The host's gates (-32002 before initialize, -32017 after shutdown), notifications, and the end of input.</summary>
public class LifecycleTests
{
    [Fact]
    public async Task RequestGate_RefusesInArrivalOrder_WithTheHostsError()
    {
        var open = false;
        var options = new ContractRpcOptions
        {
            RequestGate = method => open || method == "echo" ? null : new LocalRpcException("not initialized") { ErrorCode = -32002 },
        };
        await using var h = SessionHarness.Start(FramingKind.Ndjson, options);

        var refused = await h.CallAsync(Json.Request(1, "ping"));
        var let = await h.CallAsync(Json.Request(2, "echo", "{\"backend\":\"a\"}"));
        open = true;
        var after = await h.CallAsync(Json.Request(3, "ping"));

        WireAssert.IsError(refused, -32002, "1");
        Assert.Equal("not initialized", WireAssert.Message(refused));
        WireAssert.IsResult(let, "2");
        WireAssert.IsResult(after, "3");
    }

    [Fact]
    public async Task NotificationGate_DropsWhatItRefuses_AndNeverAnswers()
    {
        await using var h = SessionHarness.Start(FramingKind.Ndjson, new ContractRpcOptions { NotificationGate = method => false });

        await h.SendAsync(Json.Notification("log", "{\"backend\":\"a\",\"lines\":[]}"));
        await h.CallAsync(Json.Request(1, "ping"));

        lock (h.Methods.Notifications) Assert.Empty(h.Methods.Notifications);
        Assert.True(await h.Output.NothingWithinAsync());
    }

    [Fact]
    public async Task Notifications_RunInOrder_AndAreNeverAnswered()
    {
        await using var h = SessionHarness.Start(FramingKind.Ndjson);

        await h.SendAsync(Json.Notification("log", "{\"backend\":\"a\",\"lines\":[]}"));
        await h.SendAsync(Json.Notification("log", "{\"backend\":\"b\",\"lines\":[]}"));
        await h.SendAsync(Json.Notification("nobody", null));
        await h.CallAsync(Json.Request(1, "ping"));

        lock (h.Methods.Notifications) Assert.Equal(["log:a", "log:b"], h.Methods.Notifications);
        Assert.True(await h.Output.NothingWithinAsync());
    }

    [Fact]
    public async Task EndOfInput_LeavesTheConnectionUp_SoAnswersInFlightStillGoOut()
    {
        await using var h = SessionHarness.Start(FramingKind.Ndjson);
        await h.SendAsync(Json.Request(1, "block"));
        while (h.Methods.Blocked == 0) await Task.Delay(1);

        await h.EndInputAsync();
        h.Methods.Release();

        Assert.Equal("released", WireAssert.IsResult(await h.Output.ReadAsync(), "1").GetString());
        await h.Handler.WhenIdleAsync(CancellationToken.None).WaitAsync(TestTimeouts.Unexpected);
    }

    [Fact]
    public async Task StopReading_IgnoresWhatFollows_ButAnswersWhatCameBefore()
    {
        await using var h = SessionHarness.Start(FramingKind.Ndjson);
        await h.SendAsync(Json.Request(1, "block"));
        while (h.Methods.Blocked == 0) await Task.Delay(1);

        h.Handler.StopReading();
        await h.Handler.InputEnded.WaitAsync(TestTimeouts.Unexpected);
        await h.SendAsync(Json.Request(2, "ping"));
        h.Methods.Release();

        WireAssert.IsResult(await h.Output.ReadAsync(), "1");
        Assert.True(await h.Output.NothingWithinAsync());
    }

    [Fact]
    public async Task NotifyAsync_SendsANotification_InTheSessionsFraming()
    {
        await using var h = SessionHarness.Start(FramingKind.Header);
        await h.CallAsync(Json.Request(1, "ping"));

        await h.Rpc.NotifyAsync("log", new LogParams { Backend = "api", Lines = ["a"] });

        var note = await h.Output.ReadAsync();
        Assert.Equal("""{"jsonrpc":"2.0","method":"log","params":{"backend":"api","lines":["a"]}}""", note.GetRawText());
    }
}
