using System.Text;
using System.Text.Json;
using BackendSidecar.JsonRpc.Messages;

namespace BackendSidecar.JsonRpc.Tests.Messages;

public class JsonRpcMessageParserTests
{
    private static JsonRpcMessage ParseOne(string json)
    {
        var payload = JsonRpcMessageParser.ParsePayload(Encoding.UTF8.GetBytes(json));
        Assert.Equal(JsonRpcPayloadKind.Single, payload.Kind);
        return Assert.Single(payload.Messages);
    }

    [Fact]
    public void Parse_Request_KeepsIdMethodAndParams()
    {
        var request = Assert.IsType<JsonRpcRequest>(ParseOne("{\"jsonrpc\":\"2.0\",\"id\":7,\"method\":\"start\",\"params\":{\"backend\":\"api\"}}"));

        Assert.Equal(RequestId.FromNumber(7), request.Id);
        Assert.Equal("start", request.Method);
        Assert.Equal("api", request.Params!.Value.GetProperty("backend").GetString());
    }

    [Fact]
    public void Parse_NotificationWithArrayParams_IsNotification()
    {
        var notification = Assert.IsType<JsonRpcNotification>(ParseOne("{\"jsonrpc\":\"2.0\",\"method\":\"log\",\"params\":[1,2]}"));

        Assert.Equal("log", notification.Method);
        Assert.Equal(JsonValueKind.Array, notification.Params!.Value.ValueKind);
    }

    [Fact]
    public void Parse_Responses_SuccessWithNullResultAndErrorWithNullId()
    {
        var success = Assert.IsType<JsonRpcResponse>(ParseOne("{\"jsonrpc\":\"2.0\",\"id\":\"a\",\"result\":null}"));
        var failure = Assert.IsType<JsonRpcResponse>(ParseOne("{\"jsonrpc\":\"2.0\",\"id\":null,\"error\":{\"code\":-32700,\"message\":\"Parse error\",\"data\":{\"x\":1}}}"));

        Assert.Equal(JsonValueKind.Null, success.Result.ValueKind);
        Assert.Null(success.Error);
        Assert.Null(failure.Id);
        Assert.Equal(-32700, failure.Error!.Code);
        Assert.Equal(1, (int)failure.Error.Data!["x"]!);
    }

    [Theory]
    [InlineData("{\"id\":1,\"method\":\"m\"}", "'jsonrpc' must be \"2.0\"", "1")]
    [InlineData("{\"jsonrpc\":\"1.0\",\"id\":1,\"method\":\"m\"}", "'jsonrpc' must be \"2.0\"", "1")]
    [InlineData("{\"jsonrpc\":2.0,\"id\":1,\"method\":\"m\"}", "'jsonrpc' must be \"2.0\"", "1")]
    [InlineData("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":5}", "'method' must be a string", "1")]
    [InlineData("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":null}", "'method' must be a string", "1")]
    [InlineData("{\"jsonrpc\":\"2.0\",\"id\":\"x\",\"method\":\"m\",\"params\":\"s\"}", "'params' must be an object or an array", "\"x\"")]
    [InlineData("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"m\",\"params\":42}", "'params' must be an object or an array", "1")]
    [InlineData("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"m\",\"params\":null}", "'params' must be an object or an array", "1")]
    [InlineData("{\"jsonrpc\":\"2.0\",\"id\":true,\"method\":\"m\"}", "'id' must be a number or a string", null)]
    [InlineData("{\"jsonrpc\":\"2.0\",\"id\":{},\"method\":\"m\"}", "'id' must be a number or a string", null)]
    [InlineData("{\"jsonrpc\":\"2.0\",\"id\":null,\"method\":\"m\"}", "'id' must be a number or a string", null)]
    [InlineData("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"m\",\"result\":1}", "must not have 'result' or 'error'", "1")]
    [InlineData("{\"jsonrpc\":\"2.0\",\"id\":1}", "missing 'method'", "1")]
    [InlineData("{\"jsonrpc\":\"2.0\",\"id\":1,\"result\":1,\"error\":{\"code\":1,\"message\":\"m\"}}", "both 'result' and 'error'", "1")]
    [InlineData("{\"jsonrpc\":\"2.0\",\"id\":1,\"error\":{\"code\":\"x\",\"message\":\"m\"}}", "'error' must be", "1")]
    [InlineData("{\"jsonrpc\":\"2.0\",\"id\":1,\"error\":{\"code\":1.5,\"message\":\"m\"}}", "'error' must be", "1")]
    [InlineData("{\"jsonrpc\":\"2.0\",\"id\":1,\"error\":{\"code\":1}}", "'error' must be", "1")]
    [InlineData("{\"jsonrpc\":\"2.0\",\"id\":null,\"result\":1}", "must have a number or string 'id'", null)]
    [InlineData("{\"jsonrpc\":\"2.0\",\"result\":1}", "must have an 'id'", null)]
    [InlineData("42", "expected a JSON object", null)]
    [InlineData("\"text\"", "expected a JSON object", null)]
    [InlineData("null", "expected a JSON object", null)]
    public void Parse_WrongShape_IsInvalidWithReasonAndReadableId(string json, string reason, string? id)
    {
        var invalid = Assert.IsType<InvalidJsonRpcMessage>(ParseOne(json));

        Assert.Contains(reason, invalid.Reason);
        Assert.Equal(id, invalid.Id?.Json);
    }

    [Theory]
    [InlineData("")]
    [InlineData("   ")]
    [InlineData("{")]
    [InlineData("{\"jsonrpc\":\"2.0\",}")]
    [InlineData("{'jsonrpc':'2.0'}")]
    [InlineData("{\"a\":1} {\"b\":2}")]
    [InlineData("{\"jsonrpc\":\"2.0\",\"id\":1,\"id\":2,\"method\":\"m\"}")]
    [InlineData("/* c */ {}")]
    public void ParsePayload_NotJson_IsParseError(string text)
    {
        var payload = JsonRpcMessageParser.ParsePayload(Encoding.UTF8.GetBytes(text));

        Assert.Equal(JsonRpcPayloadKind.ParseError, payload.Kind);
        Assert.False(string.IsNullOrEmpty(payload.ParseErrorReason));
    }

    [Fact]
    public void ParsePayload_NestingDeeperThanLimit_IsParseError()
    {
        var deep = "{\"jsonrpc\":\"2.0\",\"method\":\"m\",\"params\":" + new string('[', 100) + new string(']', 100) + "}";

        Assert.Equal(JsonRpcPayloadKind.ParseError, JsonRpcMessageParser.ParsePayload(Encoding.UTF8.GetBytes(deep)).Kind);
    }

    [Fact]
    public void ParsePayload_InvalidUtf8InMethod_IsInvalidRequest()
    {
        byte[] bytes = [.. "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\""u8, 0xff, 0xfe, .. "\"}"u8];

        var message = Assert.Single(JsonRpcMessageParser.ParsePayload(bytes).Messages);

        Assert.IsType<InvalidJsonRpcMessage>(message);
    }

    [Fact]
    public void ParsePayload_LoneSurrogateInMethod_IsInvalidRequest()
    {
        var message = ParseOne("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"\\ud800\"}");

        Assert.IsType<InvalidJsonRpcMessage>(message);
    }

    [Fact]
    public void ParsePayload_Batch_ParsesEveryEntryIncludingInvalidOnes()
    {
        var payload = JsonRpcMessageParser.ParsePayload("[{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"a\"},1,{\"jsonrpc\":\"2.0\",\"method\":\"n\"}]"u8.ToArray());

        Assert.Equal(JsonRpcPayloadKind.Batch, payload.Kind);
        Assert.Collection(payload.Messages,
            m => Assert.IsType<JsonRpcRequest>(m),
            m => Assert.IsType<InvalidJsonRpcMessage>(m),
            m => Assert.IsType<JsonRpcNotification>(m));
    }

    [Fact]
    public void ParsePayload_EmptyBatch_IsBatchWithoutEntries()
    {
        var payload = JsonRpcMessageParser.ParsePayload("[]"u8.ToArray());

        Assert.Equal(JsonRpcPayloadKind.Batch, payload.Kind);
        Assert.Empty(payload.Messages);
    }
}
