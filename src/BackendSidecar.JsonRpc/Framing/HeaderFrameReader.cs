using System.Buffers;
using System.Buffers.Text;
using System.IO.Pipelines;
using System.Text;

namespace BackendSidecar.JsonRpc.Framing;

/// <summary>
/// <c>Content-Length: N</c> headers (others, such as <c>Content-Type</c>, accepted and ignored), a blank line, then N
/// bytes. A body over the limit is refused from its header and skipped as it streams in; a header block that cannot be
/// read breaks the framing for good, since the stream cannot be resynchronised.
/// </summary>
internal sealed class HeaderFrameReader(PipeReader input, int maxMessageBytes) : FrameReader(input, maxMessageBytes)
{
    private long _skipRemaining;
    private bool _broken;

    public override async ValueTask<InboundFrame?> ReadAsync(CancellationToken cancellationToken)
    {
        if (_broken) return null;
        if (_skipRemaining > 0 && !await SkipRefusedBodyAsync(cancellationToken).ConfigureAwait(false))
            return Break(InboundFrame.Truncated("input ended inside a refused message"));

        var (length, frame, ended) = await ReadHeaderAsync(cancellationToken).ConfigureAwait(false);
        if (frame is not null) return frame.Status == FrameStatus.TooLarge ? frame : Break(frame);
        if (ended) return null;
        if (length > MaxMessageBytes)
        {
            _skipRemaining = length;
            return InboundFrame.TooLarge($"message of {length} bytes exceeds the limit of {MaxMessageBytes} bytes");
        }

        return await ReadBodyAsync((int)length, cancellationToken).ConfigureAwait(false);
    }

    private InboundFrame Break(InboundFrame frame)
    {
        _broken = true;
        return frame;
    }

    private async ValueTask<bool> SkipRefusedBodyAsync(CancellationToken cancellationToken)
    {
        while (_skipRemaining > 0)
        {
            var result = await Input.ReadAsync(cancellationToken).ConfigureAwait(false);
            ThrowIfCanceled(result);
            var take = Math.Min(result.Buffer.Length, _skipRemaining);
            Input.AdvanceTo(result.Buffer.GetPosition(take));
            _skipRemaining -= take;
            if (_skipRemaining > 0 && result.IsCompleted) return false;
        }

        return true;
    }

    private async ValueTask<(long Length, InboundFrame? Frame, bool Ended)> ReadHeaderAsync(CancellationToken cancellationToken)
    {
        while (true)
        {
            var result = await Input.ReadAsync(cancellationToken).ConfigureAwait(false);
            ThrowIfCanceled(result);
            var buffer = result.Buffer;
            var (length, error, complete) = ParseHeaderBlock(buffer, out var consumed);
            if (error is not null)
            {
                Input.AdvanceTo(consumed);
                return (0, InboundFrame.Invalid(error), false);
            }

            if (complete)
            {
                Input.AdvanceTo(consumed);
                return (length, null, false);
            }

            var leftover = buffer.Slice(consumed).Length;
            Input.AdvanceTo(consumed, buffer.End);
            if (result.IsCompleted)
                return leftover == 0 ? (0, null, true) : (0, InboundFrame.Truncated("input ended inside a header block"), false);
        }
    }

    private async ValueTask<InboundFrame> ReadBodyAsync(int length, CancellationToken cancellationToken)
    {
        // Copied out as it arrives and consumed at once, so the pipe never has to hold the whole body.
        var body = new byte[length];
        var filled = 0;
        while (filled < length)
        {
            var result = await Input.ReadAsync(cancellationToken).ConfigureAwait(false);
            ThrowIfCanceled(result);
            var take = (int)Math.Min(result.Buffer.Length, length - filled);
            result.Buffer.Slice(0, take).CopyTo(body.AsSpan(filled));
            filled += take;
            Input.AdvanceTo(result.Buffer.GetPosition(take));
            if (filled < length && result.IsCompleted)
                return Break(InboundFrame.Truncated($"input ended after {filled} of {length} body bytes"));
        }

        return InboundFrame.Message(body);
    }

    /// <summary>Parses one header block: its Content-Length, or the reason it is broken, or "need more data".</summary>
    internal static (long Length, string? Error, bool Complete) ParseHeaderBlock(ReadOnlySequence<byte> buffer, out SequencePosition consumed)
    {
        var reader = new SequenceReader<byte>(buffer);
        consumed = buffer.Start;
        long blockStart = 0;
        long contentLength = -1;
        var sawHeader = false;
        while (true)
        {
            if (!reader.TryReadTo(out ReadOnlySequence<byte> line, (byte)'\n'))
            {
                return reader.Remaining + (reader.Consumed - blockStart) > MaxHeaderBytes
                    ? (0, $"header block exceeds {MaxHeaderBytes} bytes", false)
                    : (0, null, false);
            }

            if (reader.Consumed - blockStart > MaxHeaderBytes) return (0, $"header block exceeds {MaxHeaderBytes} bytes", false);

            var bytes = line.IsSingleSegment ? line.FirstSpan : line.ToArray();
            if (bytes.Length > 0 && bytes[^1] == (byte)'\r') bytes = bytes[..^1];
            if (bytes.IsEmpty)
            {
                consumed = reader.Position;
                if (!sawHeader)
                {
                    // Stray blank lines between messages carry nothing; drop them.
                    blockStart = reader.Consumed;
                    continue;
                }

                return contentLength < 0 ? (0, "missing Content-Length header", false) : (contentLength, null, true);
            }

            sawHeader = true;
            var colon = bytes.IndexOf((byte)':');
            if (colon <= 0) return (0, "malformed header line (expected 'Name: value')", false);
            var name = bytes[..colon].Trim(" \t"u8);
            var value = bytes[(colon + 1)..].Trim(" \t"u8);
            if (!Ascii.EqualsIgnoreCase(name, "Content-Length"u8)) continue;
            if (contentLength >= 0) return (0, "duplicate Content-Length header", false);
            if (value.IsEmpty || value.IndexOfAnyExceptInRange((byte)'0', (byte)'9') >= 0)
                return (0, "Content-Length must be a non-negative integer", false);
            if (!Utf8Parser.TryParse(value, out long length, out var used) || used != value.Length)
                return (0, "Content-Length is too large", false);
            contentLength = length;
        }
    }
}
