namespace BackendSidecar.Core.Logging;

/// <summary>Replaces every occurrence of a secret value in a log line with <c>***</c>.</summary>
/// <remarks>
/// Every non-empty secret is masked, however short: a one-character secret masks that character everywhere, which
/// garbles the log but leaks nothing (config validation is the place to refuse such secrets). Overlapping or adjacent
/// occurrences of several secrets are masked as one <c>***</c>, so no fragment of either shows. A secret that spans
/// lines is masked line by line (each of its lines is also a secret). A line cut into pieces because it exceeded the
/// longest line (<see cref="LineSplitter"/>) may show the parts of a secret that straddles a cut. Immutable and
/// thread-safe.
/// </remarks>
public sealed class SecretMasker
{
    /// <summary>What a secret is replaced with.</summary>
    public const string Replacement = "***";

    /// <summary>A masker with no secrets: <see cref="Mask"/> returns its argument.</summary>
    public static readonly SecretMasker None = new([]);

    private readonly string[] _secrets;

    public SecretMasker(IEnumerable<string> secrets)
    {
        ArgumentNullException.ThrowIfNull(secrets);
        _secrets = secrets
            .Where(s => !string.IsNullOrEmpty(s))
            .SelectMany(s => s.Contains('\n') ? [s, .. s.Split('\n').Select(part => part.TrimEnd('\r'))] : new[] { s })
            .Where(s => s.Length > 0)
            .Distinct(StringComparer.Ordinal)
            .OrderByDescending(s => s.Length)
            .ToArray();
    }

    /// <summary>True when there is nothing to mask.</summary>
    public bool IsEmpty => _secrets.Length == 0;

    /// <summary>The text with every occurrence of every secret replaced by <see cref="Replacement"/>.</summary>
    public string Mask(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        if (_secrets.Length == 0)
        {
            return text;
        }

        List<(int Start, int End)>? ranges = null;
        foreach (var secret in _secrets)
        {
            for (var at = text.IndexOf(secret, StringComparison.Ordinal); at >= 0; at = text.IndexOf(secret, at + 1, StringComparison.Ordinal))
            {
                (ranges ??= []).Add((at, at + secret.Length));
            }
        }

        return ranges is null ? text : Replace(text, ranges);
    }

    private static string Replace(string text, List<(int Start, int End)> ranges)
    {
        ranges.Sort((a, b) => a.Start.CompareTo(b.Start));
        var builder = new System.Text.StringBuilder(text.Length);
        var copied = 0;
        var i = 0;
        while (i < ranges.Count)
        {
            var (start, end) = ranges[i++];
            while (i < ranges.Count && ranges[i].Start <= end)
            {
                end = Math.Max(end, ranges[i++].End);
            }

            builder.Append(text, copied, start - copied).Append(Replacement);
            copied = end;
        }

        return builder.Append(text, copied, text.Length - copied).ToString();
    }
}
