using BackendSidecar.JsonRpc.Framing;
using BackendSidecar.JsonRpc.Tests.Support;

namespace BackendSidecar.JsonRpc.Tests.Session;

/// <summary>Whatever a peer sends is answered with the standard error and reading goes on; errors carry no stack trace.</summary>
public class BadInputTests
{
    [Theory]
    [InlineData("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":", -32700, "null")]
    [InlineData("{\"jsonrpc\":\"2.0\",\"id\":1,\"id\":2,\"method\":\"ping\"}", -32700, "null")]
    [InlineData("5", -32600, "null")]
    [InlineData("[]", -32600, "null")]
    [InlineData("{\"jsonrpc\":\"1.0\",\"id\":3,\"method\":\"ping\"}", -32600, "3")]
    [InlineData("{\"id\":4,\"method\":\"ping\"}", -32600, "4")]
    [InlineData("{\"jsonrpc\":\"2.0\",\"id\":5,\"method\":42}", -32600, "5")]
    [InlineData("{\"jsonrpc\":\"2.0\",\"id\":6,\"method\":\"ping\",\"params\":3}", -32600, "6")]
    [InlineData("{\"jsonrpc\":\"2.0\",\"id\":{},\"method\":\"ping\"}", -32600, "null")]
    [InlineData("{\"jsonrpc\":\"2.0\",\"id\":1.5,\"method\":\"ping\"}", -32600, "null")]
    [InlineData("{\"foo\":1}", -32600, "null")]
    [InlineData("{\"\\ud800\":1}", -32600, "null")]
    [InlineData("{\"jsonrpc\":\"2.0\",\"id\":\"u\",\"method\":\"ping\",\"\\udfff\":1}", -32600, "\"u\"")]
    [InlineData("{\"jsonrpc\":\"2.0\",\"id\":7,\"method\":\"echo\",\"params\":{\"backend\":\"\\ud800\"}}", -32602, "7")]
    [InlineData("{\"jsonrpc\":\"2.0\",\"id\":8,\"method\":\"echo\",\"params\":{\"backend\":\"a\",\"tags\":[\"\\udc00x\"]}}", -32602, "8")]
    [InlineData("{\"jsonrpc\":\"2.0\",\"id\":9,\"method\":\"reboot\"}", -32601, "9")]
    public async Task BadMessage_GetsItsError_AndTheSessionGoesOn(string message, int code, string id)
    {
        await using var h = SessionHarness.Start(FramingKind.Ndjson);

        var reply = await h.CallAsync(message);
        var next = await h.CallAsync(Json.Request("next", "ping"));

        WireAssert.IsError(reply, code, id);
        Assert.False(reply.GetProperty("error").TryGetProperty("data", out _), reply.GetRawText());
        WireAssert.IsResult(next, "\"next\"");
    }

    [Theory]
    [InlineData("{\"backend\":5}", "$.backend: expected string")]
    [InlineData("{}", "$.backend: required property missing")]
    [InlineData("{\"backend\":\"a\",\"count\":\"x\"}", "$.count: expected integer or null")]
    [InlineData("{\"backend\":\"a\",\"options\":{\"wait\":1,\"timeoutMs\":1}}", "$.options.wait: expected boolean")]
    [InlineData("[1]", "$: expected object")]
    public async Task ParamsThatDoNotBind_AreInvalidParams_NamingTheField(string parameters, string expected)
    {
        await using var h = SessionHarness.Start(FramingKind.Ndjson);

        var reply = await h.CallAsync(Json.Request(1, "echo", parameters));

        WireAssert.IsError(reply, -32602, "1");
        Assert.Equal("Invalid params: " + expected, WireAssert.Message(reply));
        Assert.False(reply.GetProperty("error").TryGetProperty("data", out _), reply.GetRawText());
    }

    [Fact]
    public async Task AbsentParams_BindAsAnEmptyObject()
    {
        await using var h = SessionHarness.Start(FramingKind.Ndjson);

        var reply = await h.CallAsync(Json.Request(1, "echo"));

        Assert.Equal("Invalid params: $.backend: required property missing", WireAssert.Message(reply));
    }

    [Fact]
    public async Task ParamsForAMethodThatTakesNone_AreInvalidParams_WithoutTheLibrarysDiagnostics()
    {
        await using var h = SessionHarness.Start(FramingKind.Ndjson);

        var reply = await h.CallAsync(Json.Request(1, "ping", "{\"x\":1}"));

        WireAssert.IsError(reply, -32602, "1");
        Assert.Equal("Invalid params: $: this method takes no params", WireAssert.Message(reply));
        Assert.False(reply.GetProperty("error").TryGetProperty("data", out _), reply.GetRawText());
    }

    [Fact]
    public async Task HandlerFailure_IsABareInternalError_ButAHostErrorKeepsItsCodeAndData()
    {
        var reported = new List<string>();
        await using var h = SessionHarness.Start(FramingKind.Ndjson, new ContractRpcOptions { Diagnostics = (m, _) => { lock (reported) reported.Add(m); } });

        var failed = await h.CallAsync(Json.Request(1, "fail"));
        var mapped = await h.CallAsync(Json.Request(2, "rpcFail"));

        WireAssert.IsError(failed, -32603, "1");
        Assert.Equal("Internal error", WireAssert.Message(failed));
        Assert.DoesNotContain("secret", failed.GetRawText(), StringComparison.Ordinal);
        lock (reported) Assert.Contains(reported, m => m.Contains("secret detail", StringComparison.Ordinal));
        WireAssert.IsError(mapped, -32010, "2");
        Assert.Equal("""{"backend":"x","known":["a","b"]}""", mapped.GetProperty("error").GetProperty("data").GetRawText());
    }

    [Fact]
    public async Task Batch_IsAnsweredInOneArray_WithoutNotifications()
    {
        await using var h = SessionHarness.Start(FramingKind.Ndjson);

        var reply = await h.CallAsync("[" + string.Join(",",
            Json.Request(1, "ping"), Json.Notification("log", "{\"backend\":\"a\",\"lines\":[]}"), "{\"foo\":1}", Json.Request(2, "reboot"),
            Json.Request(3, "echo", "{\"backend\":\"b\"}")) + "]");

        var answers = reply.EnumerateArray().ToList();
        Assert.Equal(4, answers.Count);
        Assert.Equal("pong", WireAssert.IsResult(answers.Single(a => a.GetProperty("id").GetRawText() == "1"), "1").GetString());
        WireAssert.IsError(answers.Single(a => a.GetProperty("id").GetRawText() == "2"), -32601, "2");
        WireAssert.IsError(answers.Single(a => a.GetProperty("id").GetRawText() == "null"), -32600);
        Assert.Equal("b", WireAssert.IsResult(answers.Single(a => a.GetProperty("id").GetRawText() == "3"), "3").GetProperty("backend").GetString());
    }

    [Fact]
    public async Task DuplicateIdOfAPendingRequest_IsInvalidRequest_AndTheFirstStillAnswers()
    {
        await using var h = SessionHarness.Start(FramingKind.Ndjson);

        await h.SendAsync(Json.Request(1, "block"));
        var duplicate = await h.CallAsync(Json.Request(1, "ping"));
        h.Methods.Release();

        WireAssert.IsError(duplicate, -32600, "1");
        Assert.Equal("released", WireAssert.IsResult(await h.Output.ReadAsync(), "1").GetString());
    }
}
