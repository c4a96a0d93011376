using BackendSidecar.Core.Configuration;
using BackendSidecar.Core.Configuration.Schema;

namespace BackendSidecar.Core.Diagnostics;

/// <summary>"Did you mean" for a command that was not found: the closest executable name in the folders searched.</summary>
public static class CommandSuggestions
{
    /// <summary>A PATH with a folder like /usr/bin holds a few thousand names; this bounds the work on unusual machines.</summary>
    private const int MaxNames = 20_000;

    /// <summary>The executable closest to <paramref name="command"/> in <paramref name="folders"/>, or <c>null</c> when none is plausibly meant.</summary>
    /// <param name="command">A bare command name (with a <c>/</c>, there is nothing to suggest).</param>
    /// <param name="folders">The folders searched, in order (searchPaths, then PATH).</param>
    public static string? Closest(string command, IEnumerable<string> folders)
    {
        var searched = folders.Distinct(StringComparer.Ordinal).ToList();
        if (command.Contains('/', StringComparison.Ordinal)) return null;
        // A name is a couple of edits from a typo; longer names tolerate a few more (as Suggestions.Closest).
        var limit = Math.Max(2, command.Length / 3);
        var names = new List<string>();
        var seen = 0;
        foreach (var folder in searched)
        {
            IEnumerable<string> entries;
            try
            {
                entries = Directory.EnumerateFiles(folder);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException)
            {
                continue;
            }
            try
            {
                foreach (var entry in entries)
                {
                    if (++seen > MaxNames) break;
                    var name = Path.GetFileName(entry);
                    if (Math.Abs(name.Length - command.Length) <= limit && name != command) names.Add(name);
                }
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                // A folder that vanishes or refuses listing midway simply offers no names.
            }
            if (seen > MaxNames) break;
        }

        // Closest first, so the first executable one wins.
        return names.Distinct(StringComparer.Ordinal)
            .Select(n => (Name: n, Distance: Suggestions.Distance(command.ToLowerInvariant(), n.ToLowerInvariant())))
            .Where(c => c.Distance <= limit)
            .OrderBy(c => c.Distance).ThenBy(c => c.Name, StringComparer.Ordinal)
            .Select(c => c.Name)
            .FirstOrDefault(n => searched.Any(f => CommandResolver.IsExecutableFile(Path.Combine(f, n))));
    }
}
