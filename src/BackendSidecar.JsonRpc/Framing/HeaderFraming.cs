using System.Buffers;
using System.Buffers.Text;
using System.Globalization;
using System.IO.Pipelines;
using System.Text;

namespace BackendSidecar.JsonRpc.Framing;

/// <summary>
/// LSP-style framing: a header block of <c>Name: value\r\n</c> lines (<c>Content-Length</c> required,
/// <c>Content-Type</c> and unknown headers accepted and ignored, names case-insensitive), a blank line,
/// then exactly <c>Content-Length</c> bytes of UTF-8 JSON.
/// </summary>
/// <remarks>
/// <para>Threading: see <see cref="IMessageFraming"/>.</para>
/// <para>
/// A body over <see cref="MessageFramingOptions.MaxMessageBytes"/> is reported as
/// <see cref="FrameStatus.TooLarge"/> as soon as its header is read, and the next read discards the body
/// as it streams in, never holding more than one pipe segment of it. A header block over
/// <see cref="MessageFramingOptions.MaxHeaderBytes"/>, a header line without a colon, and a missing,
/// duplicated, negative, non-numeric or unrepresentably large Content-Length are
/// <see cref="FrameStatus.Invalid"/>: the stream cannot be resynchronised, and later reads return
/// <see langword="null"/>. Bare <c>\n</c> line ends and blank lines before a header block are tolerated.
/// </para>
/// </remarks>
public sealed class HeaderFraming : MessageFraming
{
    private long _skipRemaining;
    private bool _broken;

    /// <summary>Creates a header framing that owns <paramref name="input"/> and <paramref name="output"/>.</summary>
    public HeaderFraming(PipeReader input, PipeWriter output, MessageFramingOptions? options = null)
        : base(input, output, options)
    {
    }

    /// <inheritdoc/>
    public override FramingKind Kind => FramingKind.Header;

    /// <inheritdoc/>
    protected override async ValueTask<InboundFrame?> ReadCoreAsync(CancellationToken cancellationToken)
    {
        if (_broken)
        {
            return null;
        }

        if (_skipRemaining > 0 && !await SkipRefusedBodyAsync(cancellationToken).ConfigureAwait(false))
        {
            return Break(InboundFrame.Truncated("input ended inside a refused message"));
        }

        var header = await ReadHeaderAsync(cancellationToken).ConfigureAwait(false);
        if (header.Frame is not null)
        {
            return header.Frame.CanContinue ? header.Frame : Break(header.Frame);
        }

        if (header.EndOfInput)
        {
            return null;
        }

        if (header.ContentLength > Options.MaxMessageBytes)
        {
            _skipRemaining = header.ContentLength;
            return InboundFrame.TooLarge(
                $"message of {header.ContentLength} bytes exceeds the limit of {Options.MaxMessageBytes} bytes");
        }

        return await ReadBodyAsync((int)header.ContentLength, cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc/>
    protected override void WriteFrame(PipeWriter output, ReadOnlySpan<byte> utf8Json)
    {
        var prefix = Encoding.ASCII.GetBytes(
            string.Create(CultureInfo.InvariantCulture, $"Content-Length: {utf8Json.Length}\r\n\r\n"));
        output.Write(prefix);
        output.Write(utf8Json);
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
            var buffer = result.Buffer;
            var take = Math.Min(buffer.Length, _skipRemaining);
            Input.AdvanceTo(buffer.GetPosition(take));
            _skipRemaining -= take;
            if (_skipRemaining > 0 && result.IsCompleted)
            {
                _skipRemaining = 0;
                return false;
            }
        }

        return true;
    }

    private async ValueTask<HeaderResult> ReadHeaderAsync(CancellationToken cancellationToken)
    {
        while (true)
        {
            var result = await Input.ReadAsync(cancellationToken).ConfigureAwait(false);
            ThrowIfCanceled(result);
            var buffer = result.Buffer;
            var parsed = ParseHeaderBlock(buffer, Options.MaxHeaderBytes, out var consumed);
            if (parsed.NeedMoreData)
            {
                var leftover = buffer.Slice(consumed).Length;
                Input.AdvanceTo(consumed, buffer.End);
                if (result.IsCompleted)
                {
                    return leftover == 0
                        ? new HeaderResult { EndOfInput = true }
                        : new HeaderResult { Frame = InboundFrame.Truncated("input ended inside a header block") };
                }

                continue;
            }

            Input.AdvanceTo(consumed);
            return parsed;
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
            var buffer = result.Buffer;
            var take = (int)Math.Min(buffer.Length, length - filled);
            buffer.Slice(0, take).CopyTo(body.AsSpan(filled));
            filled += take;
            Input.AdvanceTo(buffer.GetPosition(take));
            if (filled < length && result.IsCompleted)
            {
                return Break(InboundFrame.Truncated(
                    $"input ended after {filled} of {length} body bytes", body.AsMemory(0, filled)));
            }
        }

        return InboundFrame.Message(body);
    }

    /// <summary>
    /// Parses a header block at the start of <paramref name="buffer"/>. <paramref name="consumed"/> is where
    /// to advance to: past the block when complete, past skipped blank lines when more data is needed.
    /// </summary>
    internal static HeaderResult ParseHeaderBlock(ReadOnlySequence<byte> buffer, int maxHeaderBytes, out SequencePosition consumed)
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
                return reader.Remaining + (reader.Consumed - blockStart) > maxHeaderBytes
                    ? Invalid($"header block exceeds {maxHeaderBytes} bytes")
                    : new HeaderResult { NeedMoreData = true };
            }

            if (reader.Consumed - blockStart > maxHeaderBytes)
            {
                return Invalid($"header block exceeds {maxHeaderBytes} bytes");
            }

            var lineBytes = line.IsSingleSegment ? line.FirstSpan : line.ToArray();
            if (lineBytes.Length > 0 && lineBytes[^1] == (byte)'\r')
            {
                lineBytes = lineBytes[..^1];
            }

            if (lineBytes.IsEmpty)
            {
                if (!sawHeader)
                {
                    // Stray blank lines between messages carry nothing; drop them.
                    consumed = reader.Position;
                    blockStart = reader.Consumed;
                    continue;
                }

                consumed = reader.Position;
                return contentLength < 0
                    ? Invalid("missing Content-Length header")
                    : new HeaderResult { ContentLength = contentLength };
            }

            sawHeader = true;
            var colon = lineBytes.IndexOf((byte)':');
            if (colon <= 0)
            {
                return Invalid("malformed header line (expected 'Name: value')");
            }

            var name = lineBytes[..colon].Trim(" \t"u8);
            var value = lineBytes[(colon + 1)..].Trim(" \t"u8);
            if (!Ascii.EqualsIgnoreCase(name, "Content-Length"u8))
            {
                continue; // Content-Type and any other header: accepted, not needed.
            }

            if (contentLength >= 0)
            {
                return Invalid("duplicate Content-Length header");
            }

            if (value.IsEmpty || value.IndexOfAnyExceptInRange((byte)'0', (byte)'9') >= 0)
            {
                return Invalid("Content-Length must be a non-negative integer");
            }

            if (!Utf8Parser.TryParse(value, out long length, out var used) || used != value.Length)
            {
                return Invalid("Content-Length is too large");
            }

            contentLength = length;
        }
    }

    private static HeaderResult Invalid(string error) => new() { Frame = InboundFrame.Invalid(error) };

    /// <summary>The outcome of parsing a header block.</summary>
    internal readonly record struct HeaderResult
    {
        public bool NeedMoreData { get; init; }

        public bool EndOfInput { get; init; }

        public long ContentLength { get; init; }

        public InboundFrame? Frame { get; init; }
    }
}
