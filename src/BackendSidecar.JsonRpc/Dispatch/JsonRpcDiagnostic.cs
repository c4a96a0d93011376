namespace BackendSidecar.JsonRpc.Dispatch;

/// <summary>What a <see cref="JsonRpcDiagnostic"/> is about.</summary>
public enum JsonRpcDiagnosticKind
{
    /// <summary>A request handler threw something other than <see cref="Messages.RpcException"/>; the peer got -32603.</summary>
    HandlerFailed,

    /// <summary>A notification handler threw; notifications are never answered, so this is the only trace.</summary>
    NotificationFailed,

    /// <summary>A notification with no handler (or refused by the gate) was ignored.</summary>
    NotificationIgnored,

    /// <summary>A response arrived; this connection sends no requests, so it was ignored.</summary>
    ResponseIgnored,

    /// <summary>Input that is not a valid message arrived; the peer got an error when it could be answered.</summary>
    InvalidInput,

    /// <summary>The output closed or failed; later messages are dropped.</summary>
    OutputClosed,

    /// <summary>Reading the input failed.</summary>
    ReadFailed,
}

/// <summary>Something the host may want to log (to stderr, never to the protocol stream).</summary>
/// <param name="Kind">What happened.</param>
/// <param name="Message">A one-line description.</param>
/// <param name="Exception">The exception involved, with its stack trace, if any.</param>
public sealed record JsonRpcDiagnostic(JsonRpcDiagnosticKind Kind, string Message, Exception? Exception = null);
