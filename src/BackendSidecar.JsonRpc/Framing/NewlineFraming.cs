using System.Buffers;
using System.IO.Pipelines;

namespace BackendSidecar.JsonRpc.Framing;

/// <summary>
/// Newline-delimited JSON: each message is one line ending in <c>\n</c> (a preceding <c>\r</c> is dropped).
/// Blank lines are skipped on input; output is exactly one line per message and nothing else.
/// </summary>
/// <remarks>
/// <para>Threading: see <see cref="IMessageFraming"/>.</para>
/// <para>
/// A line over <see cref="MessageFramingOptions.MaxMessageBytes"/> is reported as
/// <see cref="FrameStatus.TooLarge"/> as soon as it passes the limit; the rest of it is discarded as it
/// streams in, up to the next newline, and the line after it is read normally. A last line without its
/// newline is still a message: the end of input ends it, as for <c>printf '{...}' | backend-sidecar</c>.
/// </para>
/// </remarks>
public sealed class NewlineFraming : MessageFraming
{
    private const int RetainedPendingCapacity = 64 * 1024;
    private ArrayBufferWriter<byte>? _pending;
    private bool _discarding;
    private bool _ended;

    /// <summary>Creates a newline framing that owns <paramref name="input"/> and <paramref name="output"/>.</summary>
    public NewlineFraming(PipeReader input, PipeWriter output, MessageFramingOptions? options = null)
        : base(input, output, options)
    {
    }

    /// <inheritdoc/>
    public override FramingKind Kind => FramingKind.Ndjson;

    /// <inheritdoc/>
    protected override async ValueTask<InboundFrame?> ReadCoreAsync(CancellationToken cancellationToken)
    {
        while (!_ended)
        {
            var result = await Input.ReadAsync(cancellationToken).ConfigureAwait(false);
            ThrowIfCanceled(result);
            var buffer = result.Buffer;
            var frame = TakeLine(ref buffer);

            // Consumed up to here and no further examined: lines already buffered are returned at once.
            Input.AdvanceTo(buffer.Start);
            if (frame is not null)
            {
                return frame;
            }

            if (result.IsCompleted)
            {
                _ended = true;
                return EndOfInput();
            }
        }

        return null;
    }

    /// <inheritdoc/>
    protected override void ValidateOutgoing(ReadOnlySpan<byte> utf8Json)
    {
        base.ValidateOutgoing(utf8Json);
        if (utf8Json.IndexOfAny((byte)'\n', (byte)'\r') >= 0)
        {
            throw new ArgumentException("A newline-framed message must be a single line.", nameof(utf8Json));
        }
    }

    /// <inheritdoc/>
    protected override void WriteFrame(PipeWriter output, ReadOnlySpan<byte> utf8Json)
    {
        output.Write(utf8Json);
        output.Write("\n"u8);
    }

    /// <summary>
    /// Takes what it can from <paramref name="buffer"/>, leaving it sliced to the unconsumed rest.
    /// Returns a frame when one is complete (or a limit was hit), otherwise null after buffering it all.
    /// </summary>
    private InboundFrame? TakeLine(ref ReadOnlySequence<byte> buffer)
    {
        while (true)
        {
            var newline = buffer.PositionOf((byte)'\n');
            if (newline is null)
            {
                return TakePartial(ref buffer);
            }

            var line = buffer.Slice(0, newline.Value);
            buffer = buffer.Slice(buffer.GetPosition(1, newline.Value));
            if (_discarding)
            {
                _discarding = false;
                continue;
            }

            var length = PendingLength + line.Length;
            if (length > Options.MaxMessageBytes)
            {
                ResetPending();
                return TooLarge(length);
            }

            var payload = Combine(line);
            var trimmed = payload.AsSpan();
            if (trimmed.Length > 0 && trimmed[^1] == (byte)'\r')
            {
                trimmed = trimmed[..^1];
            }

            if (IsBlank(trimmed))
            {
                continue;
            }

            return InboundFrame.Message(payload.AsMemory(0, trimmed.Length));
        }
    }

    private InboundFrame? TakePartial(ref ReadOnlySequence<byte> buffer)
    {
        var rest = buffer;
        buffer = buffer.Slice(buffer.End);
        if (_discarding)
        {
            return null;
        }

        var length = PendingLength + rest.Length;
        if (length > Options.MaxMessageBytes)
        {
            ResetPending();
            _discarding = true;
            return TooLarge(length);
        }

        // Copied out and consumed, so the pipe never holds a long line (and never stalls its writer).
        _pending ??= new ArrayBufferWriter<byte>();
        foreach (var segment in rest)
        {
            _pending.Write(segment.Span);
        }

        return null;
    }

    private InboundFrame? EndOfInput()
    {
        if (_discarding)
        {
            _discarding = false;
            return InboundFrame.Truncated("input ended inside a refused line");
        }

        var last = _pending is null ? [] : _pending.WrittenSpan.ToArray();
        ResetPending();
        var trimmed = last.AsSpan();
        if (trimmed.Length > 0 && trimmed[^1] == (byte)'\r')
        {
            trimmed = trimmed[..^1];
        }

        return IsBlank(trimmed) ? null : InboundFrame.Message(last.AsMemory(0, trimmed.Length));
    }

    private long PendingLength => _pending?.WrittenCount ?? 0;

    private byte[] Combine(ReadOnlySequence<byte> line)
    {
        if (_pending is null || _pending.WrittenCount == 0)
        {
            return line.ToArray();
        }

        var payload = new byte[_pending.WrittenCount + line.Length];
        _pending.WrittenSpan.CopyTo(payload);
        line.CopyTo(payload.AsSpan(_pending.WrittenCount));
        ResetPending();
        return payload;
    }

    private void ResetPending()
    {
        if (_pending is null)
        {
            return;
        }

        if (_pending.Capacity > RetainedPendingCapacity)
        {
            _pending = null; // let a one-off long line's buffer go
        }
        else
        {
            _pending.ResetWrittenCount();
        }
    }

    private InboundFrame TooLarge(long length) =>
        InboundFrame.TooLarge($"message of at least {length} bytes exceeds the limit of {Options.MaxMessageBytes} bytes");

    private static bool IsBlank(ReadOnlySpan<byte> bytes) => bytes.IndexOfAnyExcept(" \t\r"u8) < 0;
}
