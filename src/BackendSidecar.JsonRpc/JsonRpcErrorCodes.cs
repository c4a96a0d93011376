namespace BackendSidecar.JsonRpc;

/// <summary>The JSON-RPC 2.0 error codes the contract answers with, and LSP's two that it uses.</summary>
public static class JsonRpcErrorCodes
{
    /// <summary>Invalid JSON: the message could not be parsed.</summary>
    public const int ParseError = -32700;

    /// <summary>The JSON is not a valid request object (or batch).</summary>
    public const int InvalidRequest = -32600;

    /// <summary>The method does not exist.</summary>
    public const int MethodNotFound = -32601;

    /// <summary>Invalid params; the message names the field.</summary>
    public const int InvalidParams = -32602;

    /// <summary>Internal error while handling a valid request.</summary>
    public const int InternalError = -32603;

    /// <summary>LSP's "server not initialized".</summary>
    public const int ServerNotInitialized = -32002;

    /// <summary>LSP's "request cancelled", through <c>$/cancelRequest</c>.</summary>
    public const int RequestCancelled = -32800;
}
