namespace BackendSidecar.JsonRpc.Messages;

/// <summary>
/// The error codes that JSON-RPC 2.0 defines, plus the two that LSP adds and that hosts commonly need.
/// </summary>
/// <remarks>
/// Application codes belong to the host; JSON-RPC reserves -32768 to -32000 for the protocol and
/// -32099 to -32000 for implementation-defined server errors.
/// </remarks>
public static class JsonRpcErrorCodes
{
    /// <summary>Invalid JSON was received: the message could not be parsed.</summary>
    public const int ParseError = -32700;

    /// <summary>The JSON is not a valid request object (or batch).</summary>
    public const int InvalidRequest = -32600;

    /// <summary>The method does not exist or is not available.</summary>
    public const int MethodNotFound = -32601;

    /// <summary>Invalid method parameters; the message names the offending field.</summary>
    public const int InvalidParams = -32602;

    /// <summary>Internal error while handling a valid request.</summary>
    public const int InternalError = -32603;

    /// <summary>LSP's "server not initialized": a request arrived before the lifecycle allows it.</summary>
    public const int ServerNotInitialized = -32002;

    /// <summary>LSP's "request cancelled": the request was cancelled through <c>$/cancelRequest</c>.</summary>
    public const int RequestCancelled = -32800;
}
