namespace BackendSidecar.Core.Configuration.Schema;

/// <summary>
/// Builds the JSON paths used in error messages: <c>$.backends.api.args[2]</c>. Names that are not plain
/// identifiers use brackets (<c>$.backends['my.app']</c>) so that a path always reads back unambiguously.
/// </summary>
internal static class JsonPath
{
    public const string Root = "$";

    public static string Property(string parent, string name) =>
        IsPlainName(name) ? $"{parent}.{name}" : $"{parent}['{Escape(name)}']";

    public static string Index(string parent, int index) => $"{parent}[{index}]";

    /// <summary>Backslash escapes for quotes and control characters, so that a path never spans lines.</summary>
    private static string Escape(string name)
    {
        var sb = new System.Text.StringBuilder(name.Length);
        foreach (var c in name)
        {
            switch (c)
            {
                case '\'': sb.Append("\\'"); break;
                case '\\': sb.Append("\\\\"); break;
                case '\n': sb.Append("\\n"); break;
                case '\r': sb.Append("\\r"); break;
                case '\t': sb.Append("\\t"); break;
                default:
                    if (char.IsControl(c)) sb.Append("\\u").Append(((int)c).ToString("x4", System.Globalization.CultureInfo.InvariantCulture));
                    else sb.Append(c);
                    break;
            }
        }
        return sb.ToString();
    }

    private static bool IsPlainName(string name)
    {
        if (name.Length == 0 || !(char.IsAsciiLetter(name[0]) || name[0] == '_')) return false;
        foreach (var c in name)
        {
            if (!(char.IsAsciiLetterOrDigit(c) || c == '_' || c == '-')) return false;
        }
        return true;
    }
}
