using System.Globalization;
using System.Text.RegularExpressions;

namespace BackendSidecar.Core.Configuration;

/// <summary>Checks and parses health targets: an http(s) URL, a <c>host:port</c>, or a regular expression.</summary>
public static class HealthTargets
{
    /// <summary>True for an absolute <c>http://</c> or <c>https://</c> URL with a host.</summary>
    public static bool IsHttpUrl(string url) =>
        Uri.TryCreate(url, UriKind.Absolute, out var uri)
        && (uri.Scheme == Uri.UriSchemeHttp || uri.Scheme == Uri.UriSchemeHttps)
        && uri.Host.Length > 0;

    /// <summary>
    /// Parses <c>host:port</c> or <c>[v6address]:port</c>; the port must be 1..65535. The host is returned without brackets.
    /// </summary>
    public static bool TryParseHostPort(string target, out string host, out int port)
    {
        host = "";
        port = 0;
        string hostPart, portPart;
        if (target.StartsWith('['))
        {
            var close = target.IndexOf("]:", StringComparison.Ordinal);
            if (close < 0) return false;
            hostPart = target[1..close];
            portPart = target[(close + 2)..];
        }
        else
        {
            var colon = target.LastIndexOf(':');
            if (colon < 0) return false;
            hostPart = target[..colon];
            portPart = target[(colon + 1)..];
            // An unbracketed IPv6 address is ambiguous: "::1:80" could be either.
            if (hostPart.Contains(':', StringComparison.Ordinal)) return false;
        }
        if (hostPart.Length == 0 || hostPart.Any(char.IsWhiteSpace)) return false;
        if (portPart.Length == 0 || !portPart.All(char.IsAsciiDigit)) return false;
        if (!int.TryParse(portPart, NumberStyles.None, CultureInfo.InvariantCulture, out port) || port is < 1 or > 65535) return false;
        host = hostPart;
        return true;
    }

    /// <summary>Null when <paramref name="pattern"/> is a valid .NET regular expression, otherwise the parser's complaint.</summary>
    public static string? RegexProblem(string pattern)
    {
        try
        {
            _ = new Regex(pattern, RegexOptions.CultureInvariant);
            return null;
        }
        catch (ArgumentException e)
        {
            return e.Message;
        }
    }
}
