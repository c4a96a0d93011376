namespace BackendSidecar.Core.Configuration.Schema;

/// <summary>
/// Says a JSON syntax error in words a person edits by ("a comma before `}` is not allowed"), from the text and the
/// position System.Text.Json stopped at.
/// </summary>
/// <remarks>
/// The words come from the bytes around the position, not from the parser's message: that message is written for
/// programmers ("Change the reader options"), and the sidecar is built with <c>UseSystemResourceKeys</c>, which replaces
/// it with a resource key. Anything not recognised keeps the parser's message.
/// </remarks>
internal static class JsonSyntaxWords
{
    /// <summary>The problem in words, or <paramref name="fallback"/> for a case not recognised.</summary>
    /// <param name="utf8">The whole document, without a byte order mark.</param>
    /// <param name="line">0-based line of the error, as <c>JsonException.LineNumber</c>.</param>
    /// <param name="bytePositionInLine">0-based byte in that line, as <c>JsonException.BytePositionInLine</c>.</param>
    /// <param name="fallback">The parser's own message.</param>
    public static string Describe(ReadOnlySpan<byte> utf8, long line, long bytePositionInLine, string fallback)
    {
        var offset = Offset(utf8, line, bytePositionInLine);
        if (offset < 0) return fallback;

        // One pass up to the error: are we inside a string, and what was the last thing outside strings?
        var inString = false;
        var escaped = false;
        var stringStart = -1;
        var lastSignificant = -1;
        for (var i = 0; i < offset && i < utf8.Length; i++)
        {
            var b = utf8[i];
            if (inString)
            {
                if (escaped) escaped = false;
                else if (b == '\\') escaped = true;
                else if (b == '"') { inString = false; lastSignificant = i; }
                continue;
            }
            if (b == '"') { inString = true; stringStart = i; }
            else if (!IsWhitespace(b)) lastSignificant = i;
        }

        var atEnd = offset >= utf8.Length || utf8[offset..].Trim(" \t\r\n"u8).IsEmpty;
        var here = offset < utf8.Length ? utf8[offset] : (byte)0;
        var previous = lastSignificant >= 0 ? utf8[lastSignificant] : (byte)0;

        if (inString)
        {
            var (startLine, startColumn) = Position(utf8, stringStart);
            if (here is (byte)'\n' or (byte)'\r')
                return $"the string that starts at {startLine}:{startColumn} is not closed before the end of the line (a missing `\"`)";
            if (atEnd)
                return $"the string that starts at {startLine}:{startColumn} is not closed (a missing `\"`)";
            if (escaped)
                return $"`\\{(char)here}` is not a valid escape in a string (write `\\\\` for a backslash)";
            if (here < 0x20)
                return "a control character (e.g. a tab) inside a string must be written as an escape such as \\t";
            return fallback;
        }

        if (here == '/' && offset + 1 < utf8.Length && utf8[offset + 1] is (byte)'/' or (byte)'*')
            return "comments are not allowed in JSON (remove the `" + (utf8[offset + 1] == '/' ? "//" : "/*") + "` comment)";
        if (here is (byte)'}' or (byte)']' && previous == ',')
            return $"a comma before `{(char)here}` is not allowed";
        if (utf8.Trim(" \t\r\n"u8).IsEmpty)
            return "the file is empty (a configuration is an object: {\"backends\": {...}})";
        if (atEnd)
            return "the text ends before the JSON is complete (a missing `}` or `]`?)";
        if (previous is (byte)'}' or (byte)']' && OnlyCloses(utf8[..offset]))
            return $"`{Token(utf8, offset)}` after the end of the JSON is not allowed (one object per file)";
        if (EndsValue(previous) && StartsValue(here))
            return $"a comma is missing before `{Token(utf8, offset)}`";
        const string literals = "is not a JSON value (text needs double quotes; the literals are true, false and null)";
        if (IsNameStart(previous) && Word(utf8, lastSignificant) is { } word && word is not ("true" or "false" or "null"))
            return $"`{word}` {literals}";
        if (IsNameStart(here) && previous is (byte)':' or (byte)'[')
            return $"`{Token(utf8, offset)}` {literals}";
        if (here == '\'')
            return "strings and names must be in double quotes (\"), not single quotes";
        if (here == ',' && previous is (byte)',' or (byte)'{' or (byte)'[')
            return "a comma with nothing before it is not allowed";
        if (previous is (byte)'{' or (byte)',' && IsNameStart(here))
            return $"a property name must be in double quotes: `\"{Token(utf8, offset)}\"`";
        return $"unexpected `{Token(utf8, offset)}`";
    }

    private static bool IsWhitespace(byte b) => b is (byte)' ' or (byte)'\t' or (byte)'\r' or (byte)'\n';

    private static bool EndsValue(byte b) => b is (byte)'"' or (byte)'}' or (byte)']' or (byte)'e' or (byte)'l' || b is >= (byte)'0' and <= (byte)'9';

    private static bool StartsValue(byte b) => b is (byte)'"' or (byte)'{' or (byte)'[' or (byte)'-' or (byte)'t' or (byte)'f' or (byte)'n' || b is >= (byte)'0' and <= (byte)'9';

    private static bool IsNameStart(byte b) => b is (>= (byte)'a' and <= (byte)'z') or (>= (byte)'A' and <= (byte)'Z') or (byte)'_' or (byte)'$';

    /// <summary>The bare word (letters, digits, _) that ends at <paramref name="last"/>.</summary>
    private static string? Word(ReadOnlySpan<byte> utf8, int last)
    {
        var start = last;
        while (start > 0 && (IsNameStart(utf8[start - 1]) || utf8[start - 1] is >= (byte)'0' and <= (byte)'9')) start--;
        return last - start < 40 ? System.Text.Encoding.UTF8.GetString(utf8[start..(last + 1)]) : null;
    }

    /// <summary>True when the brackets before this point are all closed: a second value after a complete document, not a missing comma.</summary>
    private static bool OnlyCloses(ReadOnlySpan<byte> before)
    {
        var depth = 0;
        var inString = false;
        var escaped = false;
        foreach (var b in before)
        {
            if (inString)
            {
                if (escaped) escaped = false;
                else if (b == '\\') escaped = true;
                else if (b == '"') inString = false;
            }
            else if (b == '"') inString = true;
            else if (b is (byte)'{' or (byte)'[') depth++;
            else if (b is (byte)'}' or (byte)']') depth--;
        }
        return depth <= 0;
    }

    /// <summary>The word at <paramref name="offset"/> (up to 20 characters), for quoting in the message.</summary>
    private static string Token(ReadOnlySpan<byte> utf8, int offset)
    {
        var end = offset;
        if (utf8[offset] == '"')
        {
            end++;
            while (end < utf8.Length && end - offset < 20 && utf8[end] is not ((byte)'"' or (byte)'\n')) end++;
            if (end < utf8.Length && utf8[end] == '"') end++;
        }
        else
        {
            while (end < utf8.Length && end - offset < 20 && !IsWhitespace(utf8[end]) && utf8[end] is not ((byte)',' or (byte)':' or (byte)'}' or (byte)']' or (byte)'{' or (byte)'[') ) end++;
            if (end == offset) end++;
        }
        return System.Text.Encoding.UTF8.GetString(utf8[offset..end]);
    }

    private static int Offset(ReadOnlySpan<byte> utf8, long line, long bytePositionInLine)
    {
        var offset = 0;
        for (var l = 0L; l < line; l++)
        {
            var next = utf8[offset..].IndexOf((byte)'\n');
            if (next < 0) return -1;
            offset += next + 1;
        }
        var result = offset + bytePositionInLine;
        return result <= utf8.Length ? (int)result : -1;
    }

    /// <summary>1-based line and column (in bytes, as the parser's positions) of <paramref name="offset"/>.</summary>
    private static (int Line, int Column) Position(ReadOnlySpan<byte> utf8, int offset)
    {
        var before = utf8[..offset];
        var line = before.Count((byte)'\n') + 1;
        var lineStart = before.LastIndexOf((byte)'\n') + 1;
        return (line, offset - lineStart + 1);
    }
}
