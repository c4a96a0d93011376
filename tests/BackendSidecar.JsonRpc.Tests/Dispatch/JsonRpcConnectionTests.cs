using System.Collections.Concurrent;
using BackendSidecar.JsonRpc.Dispatch;
using BackendSidecar.JsonRpc.Framing;
using BackendSidecar.JsonRpc.Messages;
using BackendSidecar.JsonRpc.Tests.Support;

namespace BackendSidecar.JsonRpc.Tests.Dispatch;

public class JsonRpcConnectionTests
{
    public static TheoryData<FramingKind> Framings => new() { FramingKind.Header, FramingKind.Ndjson };

    [Theory]
    [MemberData(nameof(Framings))]
    public async Task Request_TypedHandler_AnswersWithResultAndSameFraming(FramingKind kind)
    {
        await using var h = ConnectionHarness.Start(kind);

        var reply = await h.CallAsync(Json.Request(1, "echo", "{\"backend\":\"api\",\"count\":3}"));

        var result = WireAssert.IsResult(reply, "1");
        Assert.Equal("api", result.GetProperty("backend").GetString());
        Assert.Equal(3, result.GetProperty("count").GetInt32());
    }

    [Theory]
    [InlineData("\"abc\"")]
    [InlineData("\"\\u00e9\\n\"")]
    [InlineData("1.0")]
    [InlineData("12345678901234567890123")]
    [InlineData("-7")]
    public async Task Request_AnyId_IsEchoedExactly(string idJson)
    {
        await using var h = ConnectionHarness.Start(FramingKind.Ndjson);

        var reply = await h.CallAsync($"{{\"jsonrpc\":\"2.0\",\"id\":{idJson},\"method\":\"ping\"}}");

        Assert.Equal("\"pong\"", WireAssert.IsResult(reply, idJson).GetRawText());
    }

    [Theory]
    [MemberData(nameof(Framings))]
    public async Task MalformedJson_AnswersParseErrorWithNullIdAndGoesOn(FramingKind kind)
    {
        await using var h = ConnectionHarness.Start(kind);

        WireAssert.IsError(await h.CallAsync("{\"jsonrpc\":\"2.0\",\"id\":1,"), JsonRpcErrorCodes.ParseError, "null");
        WireAssert.IsResult(await h.CallAsync(Json.Request(2, "ping")), "2");
    }

    [Theory]
    [InlineData("{\"jsonrpc\":\"1.0\",\"id\":5,\"method\":\"ping\"}", "5")]
    [InlineData("{\"jsonrpc\":\"2.0\",\"id\":5,\"method\":7}", "5")]
    [InlineData("{\"jsonrpc\":\"2.0\",\"id\":5,\"method\":\"ping\",\"params\":\"x\"}", "5")]
    [InlineData("{\"jsonrpc\":\"2.0\",\"id\":false,\"method\":\"ping\"}", "null")]
    [InlineData("17", "null")]
    [InlineData("{\"jsonrpc\":\"2.0\",\"id\":5,\"result\":1,\"error\":{\"code\":1,\"message\":\"x\"}}", "5")]
    public async Task WrongShape_AnswersInvalidRequest(string json, string id)
    {
        await using var h = ConnectionHarness.Start(FramingKind.Ndjson);

        WireAssert.IsError(await h.CallAsync(json), JsonRpcErrorCodes.InvalidRequest, id);
        WireAssert.IsResult(await h.CallAsync(Json.Request(2, "ping")), "2");
    }

    [Fact]
    public async Task UnknownMethod_AnswersMethodNotFoundNamingIt()
    {
        await using var h = ConnectionHarness.Start(FramingKind.Ndjson);

        var reply = await h.CallAsync(Json.Request("q", "frobnicate"));

        WireAssert.IsError(reply, JsonRpcErrorCodes.MethodNotFound, "\"q\"");
        Assert.Contains("frobnicate", WireAssert.Message(reply));
    }

    [Fact]
    public async Task DollarPrefixedUnknownRequest_AnswersMethodNotFound()
    {
        await using var h = ConnectionHarness.Start(FramingKind.Ndjson);

        WireAssert.IsError(await h.CallAsync(Json.Request(1, "$/unknown")), JsonRpcErrorCodes.MethodNotFound, "1");
    }

    [Fact]
    public async Task HandlerThrowsRpcException_AnswersItsCodeMessageAndData()
    {
        await using var h = ConnectionHarness.Start(FramingKind.Ndjson);

        var reply = await h.CallAsync(Json.Request(1, "rpcFail"));

        WireAssert.IsError(reply, -32010, "1");
        Assert.Equal("unknown backend", WireAssert.Message(reply));
        Assert.Equal("{\"backend\":\"x\",\"known\":[\"a\",\"b\"]}", reply.GetProperty("error").GetProperty("data").GetRawText());
    }

    [Fact]
    public async Task HandlerThrowsOtherException_AnswersInternalErrorWithoutDetailAndReportsIt()
    {
        var diagnostics = new ConcurrentQueue<JsonRpcDiagnostic>();
        await using var h = ConnectionHarness.Start(FramingKind.Ndjson, options: new JsonRpcConnectionOptions { Diagnostics = diagnostics.Enqueue });

        var reply = await h.CallAsync(Json.Request(1, "fail"));

        WireAssert.IsError(reply, JsonRpcErrorCodes.InternalError, "1");
        Assert.DoesNotContain("secret", reply.GetRawText());
        Assert.DoesNotContain(" at ", reply.GetRawText());
        Assert.Contains(diagnostics, d => d.Kind == JsonRpcDiagnosticKind.HandlerFailed && d.Exception is InvalidOperationException);
    }

    [Fact]
    public async Task ExceptionMapper_MapsHandlerException()
    {
        var options = new JsonRpcConnectionOptions { ExceptionMapper = ex => ex is InvalidOperationException ? new JsonRpcError(-32012, "cannot start") : null };
        await using var h = ConnectionHarness.Start(FramingKind.Ndjson, options: options);

        WireAssert.IsError(await h.CallAsync(Json.Request(1, "fail")), -32012, "1");
    }

    [Fact]
    public async Task ExceptionMapper_MappedException_IsAnAnswerNotReportedAsHandlerFailure()
    {
        var diagnostics = new ConcurrentQueue<JsonRpcDiagnostic>();
        var options = new JsonRpcConnectionOptions
        {
            ExceptionMapper = ex => ex is InvalidOperationException ? new JsonRpcError(-32012, "cannot start") : null,
            Diagnostics = diagnostics.Enqueue,
        };
        await using var h = ConnectionHarness.Start(FramingKind.Ndjson, options: options);

        WireAssert.IsError(await h.CallAsync(Json.Request(1, "fail")), -32012, "1");

        Assert.DoesNotContain(diagnostics, d => d.Kind == JsonRpcDiagnosticKind.HandlerFailed);
    }

    [Fact]
    public async Task RawHandler_NullResult_AnswersJsonNull()
    {
        await using var h = ConnectionHarness.Start(FramingKind.Header);

        var reply = await h.CallAsync(Json.Request(3, "nothing"));

        Assert.Equal("null", WireAssert.IsResult(reply, "3").GetRawText());
    }

    [Fact]
    public async Task RequestGate_RefusesRequestsWithItsErrorButNotNotifications()
    {
        var initialized = false;
        var notifications = new ConcurrentQueue<string>();
        var methods = TestMethods.Create(notifications);
        var options = new JsonRpcConnectionOptions
        {
            RequestGate = method => initialized || method == "ping"
                ? null
                : new RpcException(JsonRpcErrorCodes.ServerNotInitialized, "Server not initialized"),
        };
        await using var h = ConnectionHarness.Start(FramingKind.Ndjson, methods, options);

        WireAssert.IsError(await h.CallAsync(Json.Request(1, "echo", "{\"backend\":\"a\"}")), JsonRpcErrorCodes.ServerNotInitialized, "1");
        WireAssert.IsError(await h.CallAsync(Json.Request(2, "nosuchmethod")), JsonRpcErrorCodes.ServerNotInitialized, "2");
        WireAssert.IsResult(await h.CallAsync(Json.Request(3, "ping")), "3");
        initialized = true;
        WireAssert.IsResult(await h.CallAsync(Json.Request(4, "echo", "{\"backend\":\"a\"}")), "4");
    }

    [Fact]
    public async Task Notifications_NeverAnswered_EvenWhenUnknownFailingOrWithBadParams()
    {
        var notifications = new ConcurrentQueue<string>();
        await using var h = ConnectionHarness.Start(FramingKind.Ndjson, TestMethods.Create(notifications));

        await h.SendAsync(Json.Notification("unknownThing"));
        await h.SendAsync(Json.Notification("$/setTrace", "{\"value\":\"off\"}"));
        await h.SendAsync(Json.Notification("boom"));
        await h.SendAsync(Json.Notification("log", "{\"backend\":5}"));
        await h.SendAsync(Json.Notification("log", "{\"backend\":\"api\",\"lines\":[]}"));
        await h.SendAsync(Json.Notification("ping"));

        // The next request's reply is the first output: nothing was written for the notifications.
        WireAssert.IsResult(await h.CallAsync(Json.Request(9, "ping")), "9");
        Assert.True(await h.Output.NothingWithinAsync());
        Assert.Equal(["log:api"], notifications);
    }

    [Fact]
    public async Task Notifications_RunInArrivalOrder()
    {
        var notifications = new ConcurrentQueue<string>();
        await using var h = ConnectionHarness.Start(FramingKind.Ndjson, TestMethods.Create(notifications));

        for (var i = 0; i < 50; i++)
        {
            await h.SendAsync(Json.Notification("note", $"[{i}]"));
        }

        WireAssert.IsResult(await h.CallAsync(Json.Request(1, "ping")), "1");
        Assert.Equal(Enumerable.Range(0, 50).Select(i => $"note:[{i}]"), notifications);
    }

    [Fact]
    public async Task ResponseFromClient_IsIgnored()
    {
        await using var h = ConnectionHarness.Start(FramingKind.Ndjson);

        await h.SendAsync("{\"jsonrpc\":\"2.0\",\"id\":1,\"result\":{}}");

        WireAssert.IsResult(await h.CallAsync(Json.Request(2, "ping")), "2");
    }

    [Fact]
    public async Task DuplicateIdOfPendingRequest_AnswersInvalidRequestAndFirstStillRuns()
    {
        await using var h = ConnectionHarness.Start(FramingKind.Ndjson);
        await h.SendAsync(Json.Request(1, "waitForCancel"));

        WireAssert.IsError(await h.CallAsync(Json.Request(1, "ping")), JsonRpcErrorCodes.InvalidRequest, "1");
        await h.SendAsync(Json.Notification("$/cancelRequest", "{\"id\":1}"));
        WireAssert.IsError(await h.Output.ReadAsync(), JsonRpcErrorCodes.RequestCancelled, "1");
    }

    [Fact]
    public async Task Run_InputEnds_ReturnsEndOfStream()
    {
        await using var h = ConnectionHarness.Start(FramingKind.Header);

        Assert.Equal(DisconnectReason.EndOfStream, await h.EndAsync());
    }

    [Fact]
    public async Task Run_CalledTwice_Throws()
    {
        await using var h = ConnectionHarness.Start(FramingKind.Ndjson);

        Assert.Throws<InvalidOperationException>(() => { _ = h.Connection.RunAsync(); });
    }
}
