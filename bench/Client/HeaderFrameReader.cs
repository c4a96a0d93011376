using System.Diagnostics;
using System.Text;

namespace BackendSidecar.Bench.Client;

/// <summary>
/// Splits a stream into <c>Content-Length</c> frames. A frame is stamped with the time of the read that completed it, taken
/// right after that read returned (several frames that arrive in one read share it).
/// </summary>
internal sealed class HeaderFrameReader(Stream stream)
{
    private static readonly byte[] HeaderEnd = "\r\n\r\n"u8.ToArray();
    private byte[] _buffer = new byte[64 * 1024];
    private int _start;
    private int _end;
    private long _lastReadAt;

    public readonly record struct Frame(long Timestamp, ReadOnlyMemory<byte> Body);

    /// <returns>The next frame, or null at end of stream.</returns>
    public Frame? Next()
    {
        // Bounded by the stream: each pass consumes input or reads more.
        while (true)
        {
            var available = _buffer.AsSpan(_start, _end - _start);
            var headerEnd = available.IndexOf(HeaderEnd);
            if (headerEnd >= 0)
            {
                var length = ContentLength(available[..headerEnd]);
                var total = headerEnd + HeaderEnd.Length + length;
                if (available.Length >= total)
                {
                    // Copied: the buffer is reused by the next read.
                    var body = available.Slice(headerEnd + HeaderEnd.Length, length).ToArray();
                    _start += total;
                    return new Frame(_lastReadAt, body);
                }
                EnsureRoom(total);
            }
            else
            {
                EnsureRoom(available.Length + 1024);
            }

            var read = stream.Read(_buffer, _end, _buffer.Length - _end);
            _lastReadAt = Stopwatch.GetTimestamp();
            if (read == 0) return null;
            _end += read;
        }
    }

    private static int ContentLength(ReadOnlySpan<byte> headers)
    {
        foreach (var line in Encoding.ASCII.GetString(headers).Split("\r\n"))
        {
            var colon = line.IndexOf(':');
            if (colon > 0 && line[..colon].Trim().Equals("Content-Length", StringComparison.OrdinalIgnoreCase))
                return int.Parse(line[(colon + 1)..].Trim(), System.Globalization.CultureInfo.InvariantCulture);
        }
        throw new InvalidDataException("a frame without Content-Length: " + Encoding.ASCII.GetString(headers));
    }

    /// <summary>Makes room for <paramref name="needed"/> bytes from <see cref="_start"/>, moving or growing the buffer.</summary>
    private void EnsureRoom(int needed)
    {
        if (_start + needed <= _buffer.Length && _end < _buffer.Length) return;
        var kept = _end - _start;
        var target = needed > _buffer.Length ? new byte[Math.Max(needed, _buffer.Length * 2)] : _buffer;
        Buffer.BlockCopy(_buffer, _start, target, 0, kept);
        _buffer = target;
        _start = 0;
        _end = kept;
    }
}
