using System.Text.Json.Nodes;

namespace BackendSidecar.JsonRpc.Messages;

/// <summary>
/// Thrown by a method handler (or a request gate) to answer a request with a specific JSON-RPC error object.
/// </summary>
/// <remarks>
/// The <see cref="Exception.Message"/> goes on the wire as the error's <c>message</c>, so keep it short and
/// free of secrets; <see cref="Data"/> goes on the wire as the error's <c>data</c>.
/// </remarks>
public class RpcException : Exception
{
    /// <summary>Creates an exception that becomes the error object <c>{code, message, data}</c>.</summary>
    /// <param name="code">The JSON-RPC error code, e.g. one of <see cref="JsonRpcErrorCodes"/>.</param>
    /// <param name="message">A short human-readable message.</param>
    /// <param name="data">Optional structured detail, sent as <c>data</c>.</param>
    public RpcException(int code, string message, JsonNode? data = null)
        : base(message)
    {
        Code = code;
        Data = data;
    }

    /// <summary>The JSON-RPC error code.</summary>
    public int Code { get; }

    /// <summary>Structured detail sent as the error's <c>data</c>, or <see langword="null"/> to omit it.</summary>
    public new JsonNode? Data { get; }

    /// <summary>The error object this exception is answered with.</summary>
    public JsonRpcError ToError() => new(Code, Message, Data);
}
