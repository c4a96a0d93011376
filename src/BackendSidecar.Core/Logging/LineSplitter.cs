using System.Text;

namespace BackendSidecar.Core.Logging;

/// <summary>One line of output, or one piece of a line cut because it was too long.</summary>
/// <param name="Text">The text, without the line ending.</param>
/// <param name="Continues">True for a piece cut off a longer line: the next piece of the same stream goes on with it
/// (a secret may straddle the cut, see <see cref="SecretMasker.SafeCut"/>).</param>
public readonly record struct LinePiece(string Text, bool Continues);

/// <summary>
/// Turns a byte stream into text lines, incrementally: feed it whatever each read returned.
/// </summary>
/// <remarks>
/// Lines end at <c>\n</c>; one <c>\r</c> before it is dropped (CRLF). A line longer than <c>maxLineBytes</c> is
/// emitted in pieces of that size, so a backend that never writes a newline cannot grow memory without bound.
/// Invalid UTF-8 becomes U+FFFD; a multi-byte character split across reads (or across pieces) is decoded whole,
/// because one <see cref="Decoder"/> carries the partial sequence over. Not thread-safe: one splitter per stream.
/// </remarks>
public sealed class LineSplitter
{
    /// <summary>The default longest line, in bytes.</summary>
    public const int DefaultMaxLineBytes = 64 * 1024;

    private static readonly UTF8Encoding Utf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: false);

    private readonly int _maxLineBytes;
    private readonly Decoder _decoder = Utf8.GetDecoder();

    // Grows up to one byte more than a line may hold: the extra byte is a '\r' that may turn out to belong to a CRLF.
    // It starts empty: most lines arrive whole in one read and never pass through it, and a full-size buffer for each
    // stream of each backend was 128 KiB of every running backend's memory.
    private byte[] _pending = [];
    private int _pendingLength;
    private char[] _chars = new char[256];

    /// <param name="maxLineBytes">The longest line before it is cut into pieces; at least 4 (one UTF-8 character).</param>
    public LineSplitter(int maxLineBytes = DefaultMaxLineBytes)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxLineBytes, 4);
        _maxLineBytes = maxLineBytes;
    }

    /// <summary>Adds the next bytes of the stream; complete lines (and pieces of over-long ones) go to <paramref name="lines"/>.</summary>
    public void Push(ReadOnlySpan<byte> data, List<LinePiece> lines)
    {
        while (!data.IsEmpty)
        {
            var newline = data.IndexOf((byte)'\n');
            if (newline < 0)
            {
                Append(data, lines);
                return;
            }

            var line = data[..newline];
            if (_pendingLength == 0 && line.Length <= _maxLineBytes + 1)
            {
                // The common case: a whole line inside one read is decoded straight from the read buffer.
                EmitLine(line, lines);
            }
            else
            {
                Append(line, lines);
                EmitLine(_pending.AsSpan(0, _pendingLength), lines);
                _pendingLength = 0;
            }

            data = data[(newline + 1)..];
        }
    }

    /// <summary>Ends the stream: a last line without a newline is emitted.</summary>
    public void Complete(List<LinePiece> lines)
    {
        if (_pendingLength > 0)
        {
            EmitLine(_pending.AsSpan(0, _pendingLength), lines);
            _pendingLength = 0;
        }

        _decoder.Reset();
    }

    /// <summary>Adds bytes that contain no newline, cutting a piece off whenever the line grows past the limit.</summary>
    private void Append(ReadOnlySpan<byte> data, List<LinePiece> lines)
    {
        while (!data.IsEmpty)
        {
            if (_pendingLength == _pending.Length && _pending.Length <= _maxLineBytes)
            {
                Array.Resize(ref _pending, Math.Min(Math.Max(_pending.Length * 2, 256), _maxLineBytes + 1));
            }
            else if (_pendingLength == _pending.Length)
            {
                // More bytes without a newline: the line is really too long. Emit a piece, keep the extra byte.
                lines.Add(new LinePiece(Decode(_pending.AsSpan(0, _maxLineBytes), flush: false), Continues: true));
                _pending[0] = _pending[_maxLineBytes];
                _pendingLength = 1;
            }

            var count = Math.Min(data.Length, _pending.Length - _pendingLength);
            data[..count].CopyTo(_pending.AsSpan(_pendingLength));
            _pendingLength += count;
            data = data[count..];
        }
    }

    private void EmitLine(ReadOnlySpan<byte> line, List<LinePiece> lines)
    {
        if (!line.IsEmpty && line[^1] == (byte)'\r')
        {
            line = line[..^1];
        }

        if (line.Length > _maxLineBytes)
        {
            lines.Add(new LinePiece(Decode(line[.._maxLineBytes], flush: false), Continues: true));
            line = line[_maxLineBytes..];
        }

        lines.Add(new LinePiece(Decode(line, flush: true), Continues: false));
    }

    private string Decode(ReadOnlySpan<byte> bytes, bool flush)
    {
        var needed = _decoder.GetCharCount(bytes, flush);
        if (needed > _chars.Length)
        {
            _chars = new char[Math.Max(needed, _chars.Length * 2)];
        }

        var count = _decoder.GetChars(bytes, _chars, flush);
        return new string(_chars, 0, count);
    }
}
