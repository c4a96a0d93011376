namespace BackendSidecar.Core.Configuration;

/// <summary>
/// How an OS family finds a command: POSIX (an execute bit, PATH split on <c>:</c>) or Windows (an extension from
/// PATHEXT, PATH split on <c>;</c>, a venv's <c>Scripts</c> beside its <c>bin</c>). A value, not an OS check, so that
/// both are tested on any machine.
/// </summary>
/// <param name="Windows">Windows rules.</param>
/// <param name="Extensions">The extensions tried, in order, lower case with the dot (Windows); empty for POSIX.</param>
/// <param name="PathListSeparator">The separator of PATH's entries.</param>
public sealed record CommandLookupRules(bool Windows, IReadOnlyList<string> Extensions, char PathListSeparator)
{
    /// <summary>What cmd.exe uses when PATHEXT is not set.</summary>
    public const string DefaultPathExt = ".COM;.EXE;.BAT;.CMD";

    public static CommandLookupRules Posix { get; } = new(false, [], ':');

    /// <summary>This OS's rules (Windows: with the sidecar's PATHEXT).</summary>
    public static CommandLookupRules Current =>
        OperatingSystem.IsWindows() ? ForWindows(Environment.GetEnvironmentVariable("PATHEXT")) : Posix;

    /// <summary>Windows rules with the extensions of <paramref name="pathExt"/> (null or blank: <see cref="DefaultPathExt"/>).</summary>
    public static CommandLookupRules ForWindows(string? pathExt)
    {
        var extensions = (string.IsNullOrWhiteSpace(pathExt) ? DefaultPathExt : pathExt)
            .Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Where(e => e.Length > 1 && e[0] == '.')
            .Select(e => e.ToLowerInvariant())
            .Distinct(StringComparer.Ordinal)
            .ToArray();
        return new CommandLookupRules(true, extensions, ';');
    }

    /// <summary>The file names to try for <paramref name="path"/>: itself (POSIX, or Windows when it already ends in one of
    /// the extensions), else itself with each extension.</summary>
    internal IEnumerable<string> NamesFor(string path)
    {
        if (!Windows) return [path];
        var extension = Path.GetExtension(path);
        return extension.Length > 0 && Extensions.Contains(extension, StringComparer.OrdinalIgnoreCase)
            ? [path]
            : Extensions.Select(e => path + e);
    }

    /// <summary>The search folders; by Windows rules each one named <c>bin</c> is followed by its sibling <c>Scripts</c>.</summary>
    internal IEnumerable<string> Folders(IReadOnlyList<string> searchPaths)
    {
        foreach (var folder in searchPaths)
        {
            yield return folder;
            if (!Windows) continue;
            var trimmed = folder.TrimEnd('/', '\\');
            var slash = trimmed.LastIndexOfAny(['/', '\\']);
            if (string.Equals(trimmed[(slash + 1)..], "bin", StringComparison.OrdinalIgnoreCase))
                yield return trimmed[..(slash + 1)] + "Scripts";
        }
    }
}
