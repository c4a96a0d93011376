using System.Text.Json;

namespace BackendSidecar.JsonRpc.Messages;

/// <summary>One JSON-RPC 2.0 message, as read by <see cref="JsonRpcMessageParser"/>.</summary>
/// <remarks>
/// Messages are immutable. Any <see cref="JsonElement"/> they hold is a standalone clone, valid for as
/// long as the message is referenced, and may be read from any thread.
/// </remarks>
public abstract class JsonRpcMessage
{
    private protected JsonRpcMessage()
    {
    }
}

/// <summary>A request: a call that expects a response with the same <see cref="Id"/>.</summary>
public sealed class JsonRpcRequest : JsonRpcMessage
{
    /// <summary>Creates a request.</summary>
    public JsonRpcRequest(RequestId id, string method, JsonElement? parameters)
    {
        Id = id;
        Method = method;
        Params = parameters;
    }

    /// <summary>The id to echo in the response.</summary>
    public RequestId Id { get; }

    /// <summary>The method name.</summary>
    public string Method { get; }

    /// <summary>The params (an object or an array), or <see langword="null"/> when absent.</summary>
    public JsonElement? Params { get; }
}

/// <summary>A notification: a call without an id, which never gets a response.</summary>
public sealed class JsonRpcNotification : JsonRpcMessage
{
    /// <summary>Creates a notification.</summary>
    public JsonRpcNotification(string method, JsonElement? parameters)
    {
        Method = method;
        Params = parameters;
    }

    /// <summary>The method name.</summary>
    public string Method { get; }

    /// <summary>The params (an object or an array), or <see langword="null"/> when absent.</summary>
    public JsonElement? Params { get; }
}

/// <summary>A response: exactly one of <see cref="Result"/> or <see cref="Error"/>.</summary>
public sealed class JsonRpcResponse : JsonRpcMessage
{
    /// <summary>Creates a response.</summary>
    /// <param name="id">The request's id; <see langword="null"/> only in an error for an unreadable request.</param>
    /// <param name="result">The result (JSON <c>null</c> is a valid result) when <paramref name="error"/> is null.</param>
    /// <param name="error">The error, or <see langword="null"/> for a success.</param>
    public JsonRpcResponse(RequestId? id, JsonElement result, JsonRpcError? error)
    {
        Id = id;
        Result = result;
        Error = error;
    }

    /// <summary>The id of the request answered, or <see langword="null"/> (errors only).</summary>
    public RequestId? Id { get; }

    /// <summary>The result; <c>default</c> (<see cref="JsonValueKind.Undefined"/>) in an error response.</summary>
    public JsonElement Result { get; }

    /// <summary>The error, or <see langword="null"/> for a success.</summary>
    public JsonRpcError? Error { get; }
}

/// <summary>Something that is JSON but not a valid JSON-RPC 2.0 message.</summary>
/// <remarks>It is answered with <see cref="JsonRpcErrorCodes.InvalidRequest"/> and <see cref="Id"/>.</remarks>
public sealed class InvalidJsonRpcMessage : JsonRpcMessage
{
    /// <summary>Creates an invalid-message marker.</summary>
    public InvalidJsonRpcMessage(RequestId? id, string reason)
    {
        Id = id;
        Reason = reason;
    }

    /// <summary>The id, when the message carried a readable one; otherwise <see langword="null"/>.</summary>
    public RequestId? Id { get; }

    /// <summary>What is wrong, e.g. <c>'jsonrpc' must be "2.0"</c>.</summary>
    public string Reason { get; }
}
