using System.Text;
using System.Text.Json;
using BackendSidecar.JsonRpc.Messages;

namespace BackendSidecar.JsonRpc.Tests.Support;

/// <summary>Checks that what a server wrote is a valid JSON-RPC 2.0 message.</summary>
public static class WireAssert
{
    /// <summary>A response, a notification, or a non-empty batch of responses; strictly valid.</summary>
    public static void IsValidServerMessage(string text)
    {
        var payload = JsonRpcMessageParser.ParsePayload(Encoding.UTF8.GetBytes(text));
        Assert.True(payload.Kind != JsonRpcPayloadKind.ParseError, $"not JSON: {text}");
        Assert.NotEmpty(payload.Messages);
        foreach (var message in payload.Messages)
        {
            var ok = message is JsonRpcResponse || (payload.Kind == JsonRpcPayloadKind.Single && message is JsonRpcNotification);
            Assert.True(ok, $"not a valid server message ({(message as InvalidJsonRpcMessage)?.Reason}): {text}");
        }
    }

    public static void IsError(JsonElement reply, int code, string? id = "null")
    {
        Assert.Equal("2.0", reply.GetProperty("jsonrpc").GetString());
        Assert.False(reply.TryGetProperty("result", out _), reply.GetRawText());
        Assert.Equal(code, reply.GetProperty("error").GetProperty("code").GetInt32());
        Assert.Equal(JsonValueKind.String, reply.GetProperty("error").GetProperty("message").ValueKind);
        if (id is not null)
        {
            Assert.Equal(id, reply.GetProperty("id").GetRawText());
        }
    }

    public static JsonElement IsResult(JsonElement reply, string id)
    {
        Assert.Equal("2.0", reply.GetProperty("jsonrpc").GetString());
        Assert.False(reply.TryGetProperty("error", out _), reply.GetRawText());
        Assert.Equal(id, reply.GetProperty("id").GetRawText());
        return reply.GetProperty("result");
    }

    public static string Message(JsonElement reply) => reply.GetProperty("error").GetProperty("message").GetString()!;
}
