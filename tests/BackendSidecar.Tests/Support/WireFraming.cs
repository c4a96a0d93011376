using System.Globalization;
using System.Text;

namespace BackendSidecar.Tests.Support;

/// <summary>The two framings of the contract, written here from the contract alone (not with the product's code).</summary>
public enum WireFraming { Header, Ndjson }

internal static class WireFrames
{
    public static string Name(this WireFraming framing) => framing == WireFraming.Header ? "header" : "ndjson";

    /// <summary>One message as it goes on the wire in <paramref name="framing"/>.</summary>
    public static byte[] Encode(WireFraming framing, string json)
    {
        var body = Encoding.UTF8.GetBytes(json);
        if (framing == WireFraming.Ndjson) return [.. body, (byte)'\n'];
        var header = Encoding.ASCII.GetBytes(string.Create(CultureInfo.InvariantCulture, $"Content-Length: {body.Length}\r\n\r\n"));
        return [.. header, .. body];
    }
}

/// <summary>Reads the sidecar's stdout frame by frame, and says what breaks the framing instead of skipping it.</summary>
internal sealed class WireReader(Stream stream, WireFraming framing)
{
    private readonly byte[] _buffer = new byte[64 * 1024];
    private int _start, _end;

    /// <summary>The next message's bytes, or null at the end of the output.</summary>
    /// <exception cref="InvalidDataException">The output breaks the framing (a blank NDJSON line, a bad header).</exception>
    public async Task<byte[]?> ReadAsync()
    {
        if (framing == WireFraming.Ndjson)
        {
            var line = await ReadLineAsync().ConfigureAwait(false);
            if (line is null) return null;
            if (line.Length == 0 || line.All(b => b is (byte)' ' or (byte)'\t' or (byte)'\r'))
                throw new InvalidDataException("a blank line on stdout: in NDJSON every line must be one message");
            return line;
        }

        int? length = null;
        while (true)
        {
            var line = await ReadLineAsync().ConfigureAwait(false);
            if (line is null)
                return length is null ? null : throw new InvalidDataException("the output ended inside a header");
            var text = Encoding.ASCII.GetString(line);
            if (!text.EndsWith('\r')) throw new InvalidDataException($"a header line not ended by \\r\\n: \"{text}\"");
            text = text[..^1];
            if (text.Length == 0) break;
            var colon = text.IndexOf(':');
            if (colon <= 0) throw new InvalidDataException($"not a header: \"{text}\"");
            var name = text[..colon].Trim();
            if (name.Equals("Content-Length", StringComparison.OrdinalIgnoreCase))
                length = int.Parse(text[(colon + 1)..].Trim(), CultureInfo.InvariantCulture);
            else if (!name.Equals("Content-Type", StringComparison.OrdinalIgnoreCase))
                throw new InvalidDataException($"an unexpected header: \"{text}\"");
        }

        if (length is not { } n) throw new InvalidDataException("a header without Content-Length");
        var body = new byte[n];
        var read = 0;
        while (read < n)
        {
            if (_start == _end && !await FillAsync().ConfigureAwait(false))
                throw new InvalidDataException($"the output ended after {read} of {n} body bytes");
            var take = Math.Min(n - read, _end - _start);
            Array.Copy(_buffer, _start, body, read, take);
            _start += take;
            read += take;
        }
        return body;
    }

    /// <summary>Bytes up to (not including) the next '\n'; null at the end of the output with nothing pending.</summary>
    private async Task<byte[]?> ReadLineAsync()
    {
        var line = new List<byte>();
        while (true)
        {
            if (_start == _end && !await FillAsync().ConfigureAwait(false))
            {
                if (line.Count == 0) return null;
                throw new InvalidDataException("the output ended in the middle of a line");
            }
            var newline = Array.IndexOf(_buffer, (byte)'\n', _start, _end - _start);
            if (newline < 0)
            {
                line.AddRange(_buffer.AsSpan(_start, _end - _start));
                _start = _end;
                continue;
            }
            line.AddRange(_buffer.AsSpan(_start, newline - _start));
            _start = newline + 1;
            return [.. line];
        }
    }

    private async Task<bool> FillAsync()
    {
        _start = 0;
        _end = await stream.ReadAsync(_buffer).ConfigureAwait(false);
        return _end > 0;
    }
}
