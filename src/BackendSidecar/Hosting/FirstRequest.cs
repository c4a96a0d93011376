using System.Buffers;
using System.IO.Pipelines;
using System.Text.Json;

namespace BackendSidecar.Hosting;

/// <summary>
/// The host's first message, read without consuming it. A <c>serve</c> started without <c>--config</c> learns the
/// configuration only from <c>initialize</c>; when that names a file (<c>configPath</c>) that a live sidecar already
/// serves, the host must reach that sidecar, as with <c>serve --config</c>, and not start a second set of backends.
/// </summary>
internal static class FirstRequest
{
    /// <summary>
    /// The full path of the configuration file that the first message names, when it is an <c>initialize</c> request with a
    /// <c>configPath</c> and no inline <c>config</c>; otherwise null (anything else, a batch, input that ends first, or more
    /// than <paramref name="maxBytes"/> without a whole message). Nothing is consumed: the next reader sees every byte.
    /// </summary>
    public static async Task<string?> InitializeConfigPathAsync(PipeReader input, long maxBytes)
    {
        while (true)
        {
            var result = await input.ReadAsync().ConfigureAwait(false);
            var buffer = result.Buffer;
            var framed = TryFrame(buffer, out var payload);
            if (framed is not null || result.IsCompleted || buffer.Length > maxBytes)
            {
                // Consumed and examined nothing: the serve's own read returns this buffer at once.
                var path = framed == true ? ConfigPathOf(payload) : null;
                input.AdvanceTo(buffer.Start);
                return path;
            }
            input.AdvanceTo(buffer.Start, buffer.End);
        }
    }

    /// <summary>true with the first message's bytes; false when the input is not a message we can read; null: need more.</summary>
    internal static bool? TryFrame(ReadOnlySequence<byte> buffer, out ReadOnlySequence<byte> payload)
    {
        payload = default;
        var reader = new SequenceReader<byte>(buffer);
        reader.AdvancePastAny(" \t\r\n"u8);
        if (!reader.TryPeek(out var first)) return null;
        if (first is not ((byte)'C' or (byte)'c'))
        {
            // One message per line (the framing the serve detects from the same first byte).
            if (!reader.TryReadTo(out payload, (byte)'\n')) return null;
            return true;
        }

        if (!reader.TryReadTo(out ReadOnlySequence<byte> headers, "\r\n\r\n"u8)) return null;
        long? length = null;
        foreach (var line in System.Text.Encoding.ASCII.GetString(headers.ToArray()).Split("\r\n"))
        {
            var colon = line.IndexOf(':');
            if (colon > 0 && line[..colon].Trim().Equals("Content-Length", StringComparison.OrdinalIgnoreCase)
                && long.TryParse(line[(colon + 1)..].Trim(), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var n))
                length = n;
        }
        if (length is not { } bodyLength) return false;
        if (reader.Remaining < bodyLength) return null;
        payload = reader.UnreadSequence.Slice(0, bodyLength);
        return true;
    }

    internal static string? ConfigPathOf(ReadOnlySequence<byte> payload)
    {
        try
        {
            using var message = JsonDocument.Parse(payload);
            var root = message.RootElement;
            if (root.ValueKind != JsonValueKind.Object
                || !root.TryGetProperty("method", out var method) || method.ValueKind != JsonValueKind.String || method.GetString() != "initialize"
                || !root.TryGetProperty("params", out var p) || p.ValueKind != JsonValueKind.Object
                || !p.TryGetProperty("configPath", out var configPath) || configPath.ValueKind != JsonValueKind.String
                || (p.TryGetProperty("config", out var inline) && inline.ValueKind != JsonValueKind.Null))
                return null;
            // As the session resolves it: relative to the sidecar's working directory.
            return configPath.GetString() is { Length: > 0 } path ? Path.GetFullPath(path) : null;
        }
        catch (Exception ex) when (ex is JsonException or ArgumentException or NotSupportedException or PathTooLongException)
        {
            // Not ours to judge: the serve answers it as it answers any bad message.
            return null;
        }
    }
}
