namespace BackendSidecar.JsonRpc.Messages;

/// <summary>What one framed message turned out to hold.</summary>
public enum JsonRpcPayloadKind
{
    /// <summary>A single message (possibly an <see cref="InvalidJsonRpcMessage"/>).</summary>
    Single,

    /// <summary>A batch (a JSON array), possibly empty.</summary>
    Batch,

    /// <summary>Not JSON at all (or nested too deeply, or not UTF-8): answered with -32700.</summary>
    ParseError,
}

/// <summary>The result of <see cref="JsonRpcMessageParser.ParsePayload(ReadOnlyMemory{byte})"/>.</summary>
/// <remarks>Immutable.</remarks>
public sealed class JsonRpcPayload
{
    private JsonRpcPayload(JsonRpcPayloadKind kind, IReadOnlyList<JsonRpcMessage> messages, string? parseError)
    {
        Kind = kind;
        Messages = messages;
        ParseErrorReason = parseError;
    }

    /// <summary>Single message, batch, or parse error.</summary>
    public JsonRpcPayloadKind Kind { get; }

    /// <summary>One message for <see cref="JsonRpcPayloadKind.Single"/>; the batch's entries for a batch; empty otherwise.</summary>
    public IReadOnlyList<JsonRpcMessage> Messages { get; }

    /// <summary>Why the bytes are not JSON, for <see cref="JsonRpcPayloadKind.ParseError"/>.</summary>
    public string? ParseErrorReason { get; }

    internal static JsonRpcPayload Single(JsonRpcMessage message) => new(JsonRpcPayloadKind.Single, [message], null);

    internal static JsonRpcPayload Batch(IReadOnlyList<JsonRpcMessage> messages) => new(JsonRpcPayloadKind.Batch, messages, null);

    internal static JsonRpcPayload ParseError(string reason) => new(JsonRpcPayloadKind.ParseError, [], reason);
}
