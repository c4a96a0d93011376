using System.Text;

namespace BackendSidecar.Core.Platform.Windows;

/// <summary>
/// The environment block CreateProcessW takes with CREATE_UNICODE_ENVIRONMENT: <c>NAME=value\0</c> entries sorted by
/// name without regard to case (as Windows expects, and as GetEnvironmentStrings gives them), ending in one more <c>\0</c>.
/// </summary>
/// <remarks>Pure; tested on any OS. Names are case-insensitive on Windows: of two that differ only in case, the first
/// in ordinal order wins, so the result does not depend on dictionary order.</remarks>
public static class WindowsEnvironmentBlock
{
    public static string Build(IReadOnlyDictionary<string, string> environment)
    {
        ArgumentNullException.ThrowIfNull(environment);
        var block = new StringBuilder();
        string? previous = null;
        foreach (var (name, value) in environment.OrderBy(e => e.Key, StringComparer.OrdinalIgnoreCase).ThenBy(e => e.Key, StringComparer.Ordinal))
        {
            // A '=' or NUL in a name would split the entry; such a name cannot be set on Windows.
            if (name.Length == 0 || name.AsSpan(1).Contains('=') || name.Contains('\0') || value.Contains('\0')) continue;
            if (string.Equals(previous, name, StringComparison.OrdinalIgnoreCase)) continue;
            previous = name;
            block.Append(name).Append('=').Append(value).Append('\0');
        }
        // An empty block still needs two NULs.
        if (block.Length == 0) block.Append('\0');
        return block.Append('\0').ToString();
    }
}
