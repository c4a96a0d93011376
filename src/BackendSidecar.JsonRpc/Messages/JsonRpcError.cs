using System.Text.Json.Nodes;

namespace BackendSidecar.JsonRpc.Messages;

/// <summary>A JSON-RPC 2.0 error object: <c>{"code": int, "message": string, "data"?: any}</c>.</summary>
/// <param name="Code">The error code; see <see cref="JsonRpcErrorCodes"/>.</param>
/// <param name="Message">A short description of the error.</param>
/// <param name="Data">Optional structured detail; omitted from the wire when <see langword="null"/>.</param>
/// <remarks>Immutable; <see cref="Data"/> must not be mutated after the error is handed to a writer.</remarks>
public sealed record JsonRpcError(int Code, string Message, JsonNode? Data = null);
