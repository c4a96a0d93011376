namespace BackendSidecar.JsonRpc.Framing;

/// <summary>What one <see cref="IMessageFraming.ReadAsync"/> found.</summary>
public enum FrameStatus
{
    /// <summary>A whole message; <see cref="InboundFrame.Payload"/> holds its bytes.</summary>
    Message,

    /// <summary>
    /// A message over the size limit was refused without being read into memory. The framing skips the rest
    /// of it on the next read, so reading can continue.
    /// </summary>
    TooLarge,

    /// <summary>The input ended in the middle of a message. Nothing more can be read.</summary>
    Truncated,

    /// <summary>
    /// The framing itself is broken (a header block that never ends, a bad or missing Content-Length):
    /// the stream cannot be resynchronised, so the connection should answer and close.
    /// </summary>
    Invalid,
}

/// <summary>The outcome of reading one message from an <see cref="IMessageFraming"/>.</summary>
/// <remarks>Immutable. The payload array belongs to the caller.</remarks>
public sealed class InboundFrame
{
    private InboundFrame(FrameStatus status, ReadOnlyMemory<byte> payload, string? error)
    {
        Status = status;
        Payload = payload;
        Error = error;
    }

    /// <summary>Message, too large, truncated, or invalid.</summary>
    public FrameStatus Status { get; }

    /// <summary>
    /// The message's bytes for <see cref="FrameStatus.Message"/>; for <see cref="FrameStatus.Truncated"/> the
    /// partial bytes when the framing kept them (for diagnostics); otherwise empty.
    /// </summary>
    public ReadOnlyMemory<byte> Payload { get; }

    /// <summary>A short description of the problem, for anything but <see cref="FrameStatus.Message"/>.</summary>
    public string? Error { get; }

    /// <summary><see langword="true"/> when reading may continue after this frame.</summary>
    public bool CanContinue => Status is FrameStatus.Message or FrameStatus.TooLarge;

    /// <summary>A whole message.</summary>
    public static InboundFrame Message(ReadOnlyMemory<byte> payload) => new(FrameStatus.Message, payload, null);

    /// <summary>A refused oversize message.</summary>
    public static InboundFrame TooLarge(string error) => new(FrameStatus.TooLarge, default, error);

    /// <summary>The input ended inside a message.</summary>
    public static InboundFrame Truncated(string error, ReadOnlyMemory<byte> partial = default) =>
        new(FrameStatus.Truncated, partial, error);

    /// <summary>Broken framing that cannot be recovered from.</summary>
    public static InboundFrame Invalid(string error) => new(FrameStatus.Invalid, default, error);
}
