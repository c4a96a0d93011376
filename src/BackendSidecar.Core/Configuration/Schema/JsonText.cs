using System.Globalization;
using System.Text;
using System.Text.Json;

namespace BackendSidecar.Core.Configuration.Schema;

/// <summary>Renders JSON values for one-line error messages.</summary>
internal static class JsonText
{
    private const int MaxShown = 80;

    /// <summary>A JSON string literal, control characters escaped (so a message stays on one line), shortened when long.</summary>
    public static string Quote(string value)
    {
        var shown = value.Length > MaxShown ? value[..MaxShown] + "..." : value;
        var sb = new StringBuilder(shown.Length + 2).Append('"');
        foreach (var c in shown)
        {
            switch (c)
            {
                case '"': sb.Append("\\\""); break;
                case '\\': sb.Append("\\\\"); break;
                case '\n': sb.Append("\\n"); break;
                case '\r': sb.Append("\\r"); break;
                case '\t': sb.Append("\\t"); break;
                default:
                    if (char.IsControl(c)) sb.Append("\\u").Append(((int)c).ToString("x4", CultureInfo.InvariantCulture));
                    else sb.Append(c);
                    break;
            }
        }
        return sb.Append('"').ToString();
    }

    /// <summary>A complete JSON string literal (nothing shortened), for building a document.</summary>
    public static string Encode(string value) => "\"" + JsonEncodedText.Encode(value).ToString() + "\"";

    /// <summary>What a value is, for "got ...": scalars are shown, containers are named.</summary>
    public static string Describe(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.String => "string " + Quote(value.GetString()!),
        JsonValueKind.Number => value.GetRawText(),
        JsonValueKind.True => "true",
        JsonValueKind.False => "false",
        JsonValueKind.Null => "null",
        JsonValueKind.Object => "an object",
        JsonValueKind.Array => "an array",
        _ => value.ValueKind.ToString(),
    };

    /// <summary>An enum value or constant from the schema as written: strings quoted, others raw.</summary>
    public static string Literal(JsonElement value) =>
        value.ValueKind == JsonValueKind.String ? Quote(value.GetString()!) : value.GetRawText();
}
