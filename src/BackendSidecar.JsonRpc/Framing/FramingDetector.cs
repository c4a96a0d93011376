using System.IO.Pipelines;

namespace BackendSidecar.JsonRpc.Framing;

/// <summary>
/// Chooses the framing from the first non-whitespace byte of input: <c>C</c> (or <c>c</c>) means
/// <see cref="FramingKind.Header"/>; anything else, normally <c>{</c> or <c>[</c>, means
/// <see cref="FramingKind.Ndjson"/> (so stray text gets a JSON parse error on its own line rather than
/// breaking the header parser).
/// </summary>
/// <remarks>Not thread-safe: call it once, before anything else reads the pipe.</remarks>
public static class FramingDetector
{
    /// <summary>
    /// Skips leading whitespace (consuming it) and looks at the next byte without consuming it.
    /// Returns <see langword="null"/> when the input ends first.
    /// </summary>
    public static async ValueTask<FramingKind?> DetectAsync(PipeReader input, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(input);
        while (true)
        {
            var result = await input.ReadAsync(cancellationToken).ConfigureAwait(false);
            if (result.IsCanceled)
            {
                input.AdvanceTo(result.Buffer.Start);
                throw new OperationCanceledException("The pending read was cancelled.");
            }

            var buffer = result.Buffer;
            var reader = new System.Buffers.SequenceReader<byte>(buffer);
            reader.AdvancePastAny(" \t\r\n"u8);
            if (reader.TryPeek(out var first))
            {
                input.AdvanceTo(reader.Position);
                return Classify(first);
            }

            input.AdvanceTo(buffer.End);
            if (result.IsCompleted)
            {
                return null;
            }
        }
    }

    /// <summary>The framing a first byte selects.</summary>
    public static FramingKind Classify(byte first) =>
        first is (byte)'C' or (byte)'c' ? FramingKind.Header : FramingKind.Ndjson;

    /// <summary>Creates the framing of the given kind over the pipes.</summary>
    public static IMessageFraming Create(FramingKind kind, PipeReader input, PipeWriter output, MessageFramingOptions? options = null) =>
        kind switch
        {
            FramingKind.Header => new HeaderFraming(input, output, options),
            FramingKind.Ndjson => new NewlineFraming(input, output, options),
            _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, "Unknown framing."),
        };

    /// <summary>
    /// Creates the framing that <paramref name="forced"/> names or, when it is null, the one the input's
    /// first byte selects. Input that ends before any byte yields newline framing, whose first read
    /// reports the end.
    /// </summary>
    public static async ValueTask<IMessageFraming> CreateAsync(
        PipeReader input,
        PipeWriter output,
        FramingKind? forced = null,
        MessageFramingOptions? options = null,
        CancellationToken cancellationToken = default)
    {
        var kind = forced ?? await DetectAsync(input, cancellationToken).ConfigureAwait(false) ?? FramingKind.Ndjson;
        return Create(kind, input, output, options);
    }
}
