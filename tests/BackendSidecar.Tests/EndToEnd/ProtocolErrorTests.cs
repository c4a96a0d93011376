using System.Text;
using System.Text.Json.Nodes;
using BackendSidecar.Testing;
using BackendSidecar.Tests.Support;

namespace BackendSidecar.Tests.EndToEnd;

/// <summary>The standard JSON-RPC errors and the lifecycle refusals, end to end: no input, however malformed, ends the session.</summary>
public sealed class ProtocolErrorTests
{
    private static JsonObject TwoBackends() => new()
    {
        ["api"] = new JsonObject { ["command"] = TestBackendApp.Path },
        ["worker"] = new JsonObject { ["command"] = TestBackendApp.Path },
    };

    [Fact]
    public async Task Requests_BeforeInitialize_AreRefusedWithNotInitialized()
    {
        using var work = new TestWorkspace();
        await using var sidecar = SidecarClient.Start(work, WireFraming.Ndjson);

        var error = await sidecar.CallForErrorAsync("status", null, -32002);
        Assert.Contains("initialize", error.Str("message"));
        await sidecar.CallForErrorAsync("start", new JsonObject { ["backend"] = "api" }, -32002);
        await sidecar.CallForErrorAsync("shutdown", null, -32002);

        await sidecar.InitializeAsync(config: new JsonObject { ["backends"] = TwoBackends() });
        Assert.Equal(2, (await sidecar.CallAsync("status"))!.Arr("backends").Count);
    }

    [Theory]
    [InlineData(WireFraming.Header)]
    [InlineData(WireFraming.Ndjson)]
    public async Task MalformedInput_GetsTheStandardErrors_AndTheConnectionKeepsWorking(WireFraming framing)
    {
        using var work = new TestWorkspace();
        await using var sidecar = await SidecarClient.StartInitializedAsync(work, TwoBackends(), framing,
            test: $"{nameof(MalformedInput_GetsTheStandardErrors_AndTheConnectionKeepsWorking)}_{framing}");
        var cursor = sidecar.Cursor();

        // -32700: not JSON. The answer has id null.
        await sidecar.SendRawMessageAsync("""{"jsonrpc":"2.0","id":40,"method":""", "not JSON");
        await cursor.NextUnroutedErrorAsync(-32700);

        // -32600: JSON, but not a request; the batch forms too.
        var badMethod = await sidecar.RequestRawAsync("""{"jsonrpc":"2.0","id":"m1","method":42}""", "id m1");
        sidecar.ErrorOf(badMethod, -32600, "a method that is not a string");
        await sidecar.SendRawMessageAsync("""{"jsonrpc":"1.0","method":"status"}""", "wrong jsonrpc version");
        await cursor.NextUnroutedErrorAsync(-32600);
        await sidecar.SendRawMessageAsync("[]", "an empty batch");
        await cursor.NextUnroutedErrorAsync(-32600);

        // -32601: no such method.
        var error = await sidecar.CallForErrorAsync("reboot", new JsonObject(), -32601);
        Assert.Contains("reboot", error.Str("message"));

        // -32602: the message names the field.
        Assert.Contains("backend", (await sidecar.CallForErrorAsync("start", new JsonObject { ["backend"] = 5 }, -32602)).Str("message"));
        Assert.Contains("tail", (await sidecar.CallForErrorAsync("logs", new JsonObject { ["backend"] = "api", ["tail"] = -1 }, -32602)).Str("message"));
        Assert.Contains("wait", (await sidecar.CallForErrorAsync("stop", new JsonObject { ["backend"] = "api", ["wait"] = "yes" }, -32602)).Str("message"));
        // Two backends are configured, so one must be named.
        Assert.Contains("backend", (await sidecar.CallForErrorAsync("start", new JsonObject(), -32602)).Str("message"));

        // A second initialize is an invalid request, not a new session.
        await sidecar.CallForErrorAsync("initialize", new JsonObject
        {
            ["protocolVersion"] = "1.0",
            ["clientInfo"] = new JsonObject { ["name"] = "again" },
        }, -32600);

        // A batch is answered in one array: one response per request, none for the notification.
        var batch = await sidecar.BatchAsync(
        [
            new JsonObject { ["jsonrpc"] = "2.0", ["id"] = 100, ["method"] = "status", ["params"] = new JsonObject() },
            new JsonObject { ["jsonrpc"] = "2.0", ["method"] = "nope" },
            new JsonObject { ["foo"] = 1 },
            new JsonObject { ["jsonrpc"] = "2.0", ["id"] = 101, ["method"] = "nope" },
        ]);
        Assert.Equal(3, batch.Count);
        Assert.Equal(2, batch.Single(r => r!["id"]?.GetValue<int>() == 100)!.Obj("result").Arr("backends").Count);
        Assert.Equal(-32601, batch.Single(r => r!["id"]?.GetValue<int>() == 101)!.Obj("error").Int("code"));
        Assert.Equal(-32600, batch.Single(r => r!["id"] is null)!.Obj("error").Int("code"));

        Assert.Equal(2, (await sidecar.CallAsync("status"))!.Arr("backends").Count);
        await sidecar.CallAsync("shutdown");
        await sidecar.NotifyAsync("exit");
        Assert.Equal(0, await sidecar.WaitForExitAsync());
        await sidecar.AssertOutputEndedCleanlyAsync();
    }

    [Theory]
    [InlineData(WireFraming.Header)]
    [InlineData(WireFraming.Ndjson)]
    public async Task OversizeMessage_IsRefused_AndTheNextMessageIsAnswered(WireFraming framing)
    {
        using var work = new TestWorkspace();
        await using var sidecar = await SidecarClient.StartInitializedAsync(work, TwoBackends(), framing, ["--max-message-bytes", "1024"],
            test: $"{nameof(OversizeMessage_IsRefused_AndTheNextMessageIsAnswered)}_{framing}");
        var cursor = sidecar.Cursor();
        var huge = new JsonObject
        {
            ["jsonrpc"] = "2.0",
            ["id"] = 7,
            ["method"] = "status",
            ["params"] = new JsonObject { ["backend"] = new string('x', 64 * 1024) },
        };

        await sidecar.SendRawMessageAsync(huge.ToJsonString(), "64 KiB over a limit of 1024 bytes");

        var error = await cursor.NextUnroutedErrorAsync(-32600);
        Assert.Contains("1024", error.Str("message"));
        Assert.Equal(2, (await sidecar.CallAsync("status"))!.Arr("backends").Count);
    }

    [Fact]
    public async Task UnreadableHeader_GetsAnErrorThenACleanExit()
    {
        using var work = new TestWorkspace();
        await using var sidecar = await SidecarClient.StartInitializedAsync(work, TwoBackends(), WireFraming.Header);
        var cursor = sidecar.Cursor();

        await sidecar.SendBytesAsync(Encoding.ASCII.GetBytes("Content-Length: many\r\n\r\n{}"), "a Content-Length that is not a number");

        await cursor.NextUnroutedErrorAsync(-32700);
        Assert.Equal(0, await sidecar.WaitForExitAsync());
        await sidecar.AssertOutputEndedCleanlyAsync();
    }

    [Fact]
    public async Task Requests_AfterShutdown_AreRefusedWithShuttingDown()
    {
        using var work = new TestWorkspace();
        await using var sidecar = await SidecarClient.StartInitializedAsync(work, TwoBackends(), WireFraming.Header);

        Assert.Null(await sidecar.CallAsync("shutdown"));

        await sidecar.CallForErrorAsync("status", null, -32017);
        await sidecar.CallForErrorAsync("start", new JsonObject { ["backend"] = "api" }, -32017);
        Assert.Null(await sidecar.CallAsync("shutdown"));
        await sidecar.NotifyAsync("exit");
        Assert.Equal(0, await sidecar.WaitForExitAsync());
    }

    [Fact]
    public async Task Exit_WithoutShutdown_StopsTheBackendsAndExitsWithCode1()
    {
        using var work = new TestWorkspace();
        var port = TestWorkspace.FreePort();
        await using var sidecar = await SidecarClient.StartInitializedAsync(work, new JsonObject { ["api"] = BackendConfigs.TestBackend(port) });
        var pid = (await sidecar.CallAsync("start"))!.Int("pid");

        await sidecar.NotifyAsync("exit");

        Assert.Equal(1, await sidecar.WaitForExitAsync());
        Assert.False(ProcessProbe.IsAlive(pid));
        await sidecar.AssertOutputEndedCleanlyAsync();
    }
}
