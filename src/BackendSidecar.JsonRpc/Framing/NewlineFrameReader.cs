using System.Buffers;
using System.IO.Pipelines;

namespace BackendSidecar.JsonRpc.Framing;

/// <summary>
/// One message per line, ending in <c>\n</c> (a <c>\r</c> before it is dropped); blank lines are skipped. A line over the
/// limit is refused as soon as it passes it and the rest of it is discarded as it streams in. A last line without its
/// newline is still a message, as for <c>printf '{...}' | backend-sidecar</c>.
/// </summary>
internal sealed class NewlineFrameReader(PipeReader input, int maxMessageBytes) : FrameReader(input, maxMessageBytes)
{
    private const int RetainedPendingCapacity = 64 * 1024;
    private ArrayBufferWriter<byte>? _pending;
    private bool _discarding;
    private bool _ended;

    public override async ValueTask<InboundFrame?> ReadAsync(CancellationToken cancellationToken)
    {
        while (!_ended)
        {
            var result = await Input.ReadAsync(cancellationToken).ConfigureAwait(false);
            ThrowIfCanceled(result);
            var buffer = result.Buffer;
            var frame = TakeLine(ref buffer);

            // Consumed up to here and no further examined: lines already buffered are returned at once.
            Input.AdvanceTo(buffer.Start);
            if (frame is not null) return frame;
            if (result.IsCompleted)
            {
                _ended = true;
                return EndOfInput();
            }
        }

        return null;
    }

    private InboundFrame? TakeLine(ref ReadOnlySequence<byte> buffer)
    {
        while (true)
        {
            var newline = buffer.PositionOf((byte)'\n');
            if (newline is null) return TakePartial(ref buffer);

            var line = buffer.Slice(0, newline.Value);
            buffer = buffer.Slice(buffer.GetPosition(1, newline.Value));
            if (_discarding)
            {
                _discarding = false;
                continue;
            }

            var length = PendingLength + line.Length;
            if (length > MaxMessageBytes)
            {
                ResetPending();
                return TooLarge(length);
            }

            var payload = Combine(line);
            var message = TrimCarriageReturn(payload);
            if (!IsBlank(message.Span)) return InboundFrame.Message(message);
        }
    }

    private InboundFrame? TakePartial(ref ReadOnlySequence<byte> buffer)
    {
        var rest = buffer;
        buffer = buffer.Slice(buffer.End);
        if (_discarding) return null;

        var length = PendingLength + rest.Length;
        if (length > MaxMessageBytes)
        {
            ResetPending();
            _discarding = true;
            return TooLarge(length);
        }

        // Copied out and consumed, so the pipe never holds a long line (and never stalls its writer).
        _pending ??= new ArrayBufferWriter<byte>();
        foreach (var segment in rest) _pending.Write(segment.Span);
        return null;
    }

    private InboundFrame? EndOfInput()
    {
        if (_discarding) return InboundFrame.Truncated("input ended inside a refused line");
        var last = _pending is null ? [] : _pending.WrittenSpan.ToArray();
        ResetPending();
        var message = TrimCarriageReturn(last);
        return IsBlank(message.Span) ? null : InboundFrame.Message(message);
    }

    private long PendingLength => _pending?.WrittenCount ?? 0;

    private byte[] Combine(ReadOnlySequence<byte> line)
    {
        if (_pending is null || _pending.WrittenCount == 0) return line.ToArray();
        var payload = new byte[_pending.WrittenCount + line.Length];
        _pending.WrittenSpan.CopyTo(payload);
        line.CopyTo(payload.AsSpan(_pending.WrittenCount));
        ResetPending();
        return payload;
    }

    private void ResetPending()
    {
        if (_pending is null) return;
        if (_pending.Capacity > RetainedPendingCapacity) _pending = null; // let a one-off long line's buffer go
        else _pending.ResetWrittenCount();
    }

    private static ReadOnlyMemory<byte> TrimCarriageReturn(byte[] line) =>
        line.Length > 0 && line[^1] == (byte)'\r' ? line.AsMemory(0, line.Length - 1) : line;

    private InboundFrame TooLarge(long length) =>
        InboundFrame.TooLarge($"message of at least {length} bytes exceeds the limit of {MaxMessageBytes} bytes");

    private static bool IsBlank(ReadOnlySpan<byte> bytes) => bytes.IndexOfAnyExcept(" \t\r"u8) < 0;
}
