using BackendSidecar.JsonRpc.Framing;
using BackendSidecar.JsonRpc.Messages;
using BackendSidecar.JsonRpc.Tests.Support;

namespace BackendSidecar.JsonRpc.Tests.Dispatch;

public class ParamsBindingTests
{
    [Theory]
    [InlineData("{\"backend\":5}", "Invalid params: $.backend: expected string")]
    [InlineData("{\"count\":1}", "Invalid params: $.backend: required property missing")]
    [InlineData(null, "Invalid params: $.backend: required property missing")]
    [InlineData("{\"backend\":\"a\",\"count\":\"x\"}", "Invalid params: $.count: expected integer or null")]
    [InlineData("{\"backend\":\"a\",\"count\":1.5}", "Invalid params: $.count: expected integer or null")]
    [InlineData("{\"backend\":\"a\",\"count\":99999999999}", "Invalid params: $.count: expected integer or null")]
    [InlineData("{\"backend\":\"a\",\"options\":{\"timeoutMs\":true}}", "Invalid params: $.options.timeoutMs: expected integer")]
    [InlineData("{\"backend\":\"a\",\"options\":{}}", "Invalid params: $.options.timeoutMs: required property missing")]
    [InlineData("{\"backend\":\"a\",\"options\":[]}", "Invalid params: $.options: expected object")]
    [InlineData("{\"backend\":\"a\",\"tags\":[\"x\",2]}", "Invalid params: $.tags[1]: expected string")]
    [InlineData("{\"backend\":\"a\",\"tags\":\"x\"}", "Invalid params: $.tags: expected array")]
    [InlineData("{\"backend\":null}", "Invalid params: $.backend")]
    [InlineData("[\"a\"]", "Invalid params: $: expected object")]
    public async Task TypedParams_BindingFails_InvalidParamsNamingTheField(string? paramsJson, string expected)
    {
        await using var h = ConnectionHarness.Start(FramingKind.Ndjson);

        var reply = await h.CallAsync(Json.Request(1, "echo", paramsJson));

        WireAssert.IsError(reply, JsonRpcErrorCodes.InvalidParams, "1");
        Assert.StartsWith(expected, WireAssert.Message(reply));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("{}")]
    [InlineData("[]")]
    public async Task NoParamsMethod_AbsentOrEmptyParams_Runs(string? paramsJson)
    {
        await using var h = ConnectionHarness.Start(FramingKind.Ndjson);

        WireAssert.IsResult(await h.CallAsync(Json.Request(1, "ping", paramsJson)), "1");
    }

    [Fact]
    public async Task NoParamsMethod_GivenParams_InvalidParams()
    {
        await using var h = ConnectionHarness.Start(FramingKind.Ndjson);

        var reply = await h.CallAsync(Json.Request(1, "ping", "{\"x\":1}"));

        WireAssert.IsError(reply, JsonRpcErrorCodes.InvalidParams, "1");
        Assert.Equal("Invalid params: $: this method takes no params", WireAssert.Message(reply));
    }

    [Fact]
    public async Task RawHandler_GetsParamsAsSent()
    {
        await using var h = ConnectionHarness.Start(FramingKind.Ndjson);

        var reply = await h.CallAsync(Json.Request(1, "raw", "{\"a\":[1,{\"b\":null}]}"));

        Assert.Equal("{\"a\":[1,{\"b\":null}]}", WireAssert.IsResult(reply, "1").GetRawText());
    }
}
