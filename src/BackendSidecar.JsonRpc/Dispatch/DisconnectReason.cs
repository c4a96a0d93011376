namespace BackendSidecar.JsonRpc.Dispatch;

/// <summary>Why <see cref="JsonRpcConnection.RunAsync"/> stopped reading.</summary>
public enum DisconnectReason
{
    /// <summary>The input ended cleanly, between messages.</summary>
    EndOfStream,

    /// <summary>The input ended in the middle of a message (it was answered with a parse error).</summary>
    TruncatedMessage,

    /// <summary>
    /// The framing broke in a way that cannot be resynchronised (for example a header block that never
    /// ends, or a bad Content-Length); the peer was sent an error first.
    /// </summary>
    ProtocolViolation,

    /// <summary>The host called <see cref="JsonRpcConnection.StopReading"/> (for example after <c>exit</c>).</summary>
    Stopped,

    /// <summary>The token passed to <see cref="JsonRpcConnection.RunAsync"/> was cancelled.</summary>
    Cancelled,

    /// <summary>Reading the input failed (an I/O error).</summary>
    StreamError,
}
