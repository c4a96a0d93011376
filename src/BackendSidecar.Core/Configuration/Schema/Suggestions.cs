namespace BackendSidecar.Core.Configuration.Schema;

/// <summary>"Did you mean" for misspelt property names, enum values, variables and backend names.</summary>
internal static class Suggestions
{
    /// <summary>The candidate closest to <paramref name="given"/>, or <c>null</c> when none is plausibly meant.</summary>
    public static string? Closest(string given, IEnumerable<string> candidates)
    {
        string? best = null;
        var bestDistance = int.MaxValue;
        // A typo is a couple of edits; longer names tolerate a few more.
        var limit = Math.Max(2, given.Length / 3);
        foreach (var candidate in candidates)
        {
            var d = Distance(given.ToLowerInvariant(), candidate.ToLowerInvariant());
            if (d <= limit && d < bestDistance)
            {
                best = candidate;
                bestDistance = d;
            }
        }
        return best;
    }

    /// <summary><c> (did you mean "x"?)</c>, or an empty string.</summary>
    public static string DidYouMean(string given, IEnumerable<string> candidates) =>
        Closest(given, candidates) is { } s ? $" (did you mean {JsonText.Quote(s)}?)" : "";

    /// <summary>Levenshtein distance.</summary>
    internal static int Distance(string a, string b)
    {
        var previous = new int[b.Length + 1];
        var current = new int[b.Length + 1];
        for (var j = 0; j <= b.Length; j++) previous[j] = j;
        for (var i = 1; i <= a.Length; i++)
        {
            current[0] = i;
            for (var j = 1; j <= b.Length; j++)
            {
                var cost = a[i - 1] == b[j - 1] ? 0 : 1;
                current[j] = Math.Min(Math.Min(current[j - 1] + 1, previous[j] + 1), previous[j - 1] + cost);
            }
            (previous, current) = (current, previous);
        }
        return previous[b.Length];
    }
}
