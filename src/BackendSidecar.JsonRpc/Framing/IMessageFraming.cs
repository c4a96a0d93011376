namespace BackendSidecar.JsonRpc.Framing;

/// <summary>
/// Splits a byte stream into messages and writes messages back with the same delimiting.
/// </summary>
/// <remarks>
/// <para>
/// Threading: <see cref="ReadAsync"/> is sequential; a caller never starts a read before the previous one
/// has completed. <see cref="WriteAsync"/> may be called concurrently from any thread; writes are
/// serialised so messages never interleave, each one written whole and flushed.
/// </para>
/// <para>
/// Reads return <see langword="null"/> at a clean end of input (between messages), and never throw for
/// bad input: problems come back as an <see cref="InboundFrame"/> with a non-message status. I/O errors
/// and cancellation do throw.
/// </para>
/// </remarks>
public interface IMessageFraming : IAsyncDisposable
{
    /// <summary>Which framing this is; replies use the same one.</summary>
    FramingKind Kind { get; }

    /// <summary>Reads the next message, or <see langword="null"/> at a clean end of input.</summary>
    /// <param name="cancellationToken">Cancels the wait; the framing cannot be read after that.</param>
    ValueTask<InboundFrame?> ReadAsync(CancellationToken cancellationToken);

    /// <summary>Writes one message (compact UTF-8 JSON) and flushes it.</summary>
    /// <param name="utf8Json">The message; for newline framing it must not contain a line break.</param>
    /// <param name="cancellationToken">
    /// Cancels waiting for this write's turn; once its bytes are being written, the message is finished
    /// whole so the output never carries half a message.
    /// </param>
    /// <exception cref="IOException">The output is closed or failed; the message was not delivered.</exception>
    /// <exception cref="ObjectDisposedException">The framing was disposed.</exception>
    ValueTask WriteAsync(ReadOnlyMemory<byte> utf8Json, CancellationToken cancellationToken);
}
