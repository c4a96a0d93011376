using System.Text.Json;

namespace BackendSidecar.JsonRpc.Tests.Support;

/// <summary>Assertions on what a server writes.</summary>
public static class WireAssert
{
    /// <summary>A response (result xor error, with an id) or a notification, alone or in a batch of responses.</summary>
    public static void IsValidServerMessage(string text)
    {
        using var document = JsonDocument.Parse(text);
        var root = document.RootElement;
        if (root.ValueKind == JsonValueKind.Array)
        {
            Assert.NotEqual(0, root.GetArrayLength());
            foreach (var item in root.EnumerateArray()) Assert.True(IsResponse(item), $"not a response in a batch: {text}");
            return;
        }

        Assert.True(IsResponse(root) || IsNotification(root), $"not a valid server message: {text}");
    }

    private static bool IsResponse(JsonElement message) =>
        message.ValueKind == JsonValueKind.Object && Version(message) && message.TryGetProperty("id", out _)
        && message.TryGetProperty("result", out _) != message.TryGetProperty("error", out _) && !message.TryGetProperty("method", out _);

    private static bool IsNotification(JsonElement message) =>
        Version(message) && message.TryGetProperty("method", out var method) && method.ValueKind == JsonValueKind.String && !message.TryGetProperty("id", out _);

    private static bool Version(JsonElement message) => message.TryGetProperty("jsonrpc", out var v) && v.ValueEquals("2.0"u8);

    public static void IsError(JsonElement reply, int code, string? id = "null")
    {
        Assert.Equal("2.0", reply.GetProperty("jsonrpc").GetString());
        Assert.False(reply.TryGetProperty("result", out _), reply.GetRawText());
        Assert.Equal(code, reply.GetProperty("error").GetProperty("code").GetInt32());
        Assert.Equal(JsonValueKind.String, reply.GetProperty("error").GetProperty("message").ValueKind);
        if (id is not null) Assert.Equal(id, reply.GetProperty("id").GetRawText());
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
