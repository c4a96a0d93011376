using System.Text;
using System.Text.Json;

namespace BackendSidecar.Core.Configuration.Schema;

/// <summary>
/// Text that cannot become a .NET string: invalid UTF-8 in a file, or a lone surrogate escape (<c>"\ud800"</c>) in a name
/// or value. System.Text.Json accepts both while parsing and throws only when the text is read, far from the file and
/// the path; checked up front, the error is a <see cref="ConfigException"/> naming the place.
/// </summary>
internal static class UnicodeCheck
{
    private const string LoneSurrogate = "is not valid Unicode text (a \\u escape of half a surrogate pair, such as \\ud800, without its other half)";

    /// <summary>Throws at the 1-based line and byte column of the first byte that is not UTF-8.</summary>
    public static void EnsureUtf8(ReadOnlySpan<byte> utf8, string? file)
    {
        if (System.Text.Unicode.Utf8.IsValid(utf8)) return;
        var at = 0;
        while (Rune.DecodeFromUtf8(utf8[at..], out _, out var consumed) == System.Buffers.OperationStatus.Done) at += consumed;
        var before = utf8[..at];
        var line = before.Count((byte)'\n') + 1;
        var column = at - (before.LastIndexOf((byte)'\n') + 1) + 1;
        throw new ConfigException(JsonPath.Root, $"invalid UTF-8 (byte 0x{utf8[at]:X2}); save the file as UTF-8", file, line, column);
    }

    /// <summary>Throws at the JSON path of the first name or string value that cannot be read as text.</summary>
    public static void EnsureReadable(JsonElement element, string path)
    {
        switch (element.ValueKind)
        {
            case JsonValueKind.Object:
                foreach (var property in element.EnumerateObject())
                {
                    string name;
                    try { name = property.Name; }
                    catch (InvalidOperationException) { throw new ConfigException(path, "has a property name that " + LoneSurrogate); }
                    EnsureReadable(property.Value, JsonPath.Property(path, name));
                }
                break;
            case JsonValueKind.Array:
                var index = 0;
                foreach (var item in element.EnumerateArray()) EnsureReadable(item, JsonPath.Index(path, index++));
                break;
            case JsonValueKind.String:
                try { _ = element.GetString(); }
                catch (InvalidOperationException) { throw new ConfigException(path, LoneSurrogate); }
                break;
        }
    }
}
