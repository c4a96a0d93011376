using System.IO.Pipelines;

namespace BackendSidecar.JsonRpc.Framing;

/// <summary>
/// Reads one framed message at a time, refusing one over the size limit without buffering it. StreamJsonRpc's own
/// handlers cannot do this (they buffer a whole message and end the connection on a bad frame), so this part is ours.
/// </summary>
/// <remarks>Reads are sequential; the reader owns nothing and completes nothing.</remarks>
internal abstract class FrameReader(PipeReader input, int maxMessageBytes)
{
    /// <summary>The most header bytes before a header block is judged broken.</summary>
    protected const int MaxHeaderBytes = 8 * 1024;

    protected PipeReader Input { get; } = input;

    protected int MaxMessageBytes { get; } = maxMessageBytes;

    /// <summary>The next frame, or <see langword="null"/> at the end of input.</summary>
    public abstract ValueTask<InboundFrame?> ReadAsync(CancellationToken cancellationToken);

    /// <summary>
    /// Skips leading whitespace and picks the framing from the next byte: <c>C</c>/<c>c</c> means headers, anything else
    /// (normally <c>{</c> or <c>[</c>) one message per line, so stray text gets a parse error rather than a broken header.
    /// Returns <see langword="null"/> when the input ends first.
    /// </summary>
    public static async ValueTask<FramingKind?> DetectAsync(PipeReader input, CancellationToken cancellationToken)
    {
        while (true)
        {
            var result = await input.ReadAsync(cancellationToken).ConfigureAwait(false);
            ThrowIfCanceled(result);
            var reader = new System.Buffers.SequenceReader<byte>(result.Buffer);
            reader.AdvancePastAny(" \t\r\n"u8);
            if (reader.TryPeek(out var first))
            {
                input.AdvanceTo(reader.Position);
                return first is (byte)'C' or (byte)'c' ? FramingKind.Header : FramingKind.Ndjson;
            }

            input.AdvanceTo(result.Buffer.End);
            if (result.IsCompleted) return null;
        }
    }

    public static FrameReader Create(FramingKind kind, PipeReader input, int maxMessageBytes) => kind == FramingKind.Header
        ? new HeaderFrameReader(input, maxMessageBytes)
        : new NewlineFrameReader(input, maxMessageBytes);

    protected static void ThrowIfCanceled(ReadResult result)
    {
        if (result.IsCanceled) throw new OperationCanceledException("The pending read was cancelled.");
    }
}
