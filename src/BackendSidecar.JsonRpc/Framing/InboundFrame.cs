namespace BackendSidecar.JsonRpc.Framing;

/// <summary>What one read of the framing found.</summary>
internal enum FrameStatus
{
    /// <summary>A whole message.</summary>
    Message,

    /// <summary>A message over the size limit, refused unread; reading goes on after it.</summary>
    TooLarge,

    /// <summary>The input ended inside a message.</summary>
    Truncated,

    /// <summary>Framing that cannot be resynchronised (a bad or missing Content-Length).</summary>
    Invalid,
}

/// <summary>One frame: a message's bytes, or why there is none.</summary>
internal sealed record InboundFrame(FrameStatus Status, ReadOnlyMemory<byte> Payload, string? Error)
{
    public static InboundFrame Message(ReadOnlyMemory<byte> payload) => new(FrameStatus.Message, payload, null);

    public static InboundFrame TooLarge(string error) => new(FrameStatus.TooLarge, default, error);

    public static InboundFrame Truncated(string error) => new(FrameStatus.Truncated, default, error);

    public static InboundFrame Invalid(string error) => new(FrameStatus.Invalid, default, error);
}
