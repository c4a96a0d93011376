namespace BackendSidecar.Core.Logging;

/// <summary>Replaces every occurrence of a secret value in a log line with <c>***</c>.</summary>
/// <remarks>
/// Every non-empty secret is masked, however short: a one-character secret masks that character everywhere, which
/// garbles the log but leaks nothing (config validation is the place to refuse such secrets). Overlapping or adjacent
/// occurrences of several secrets are masked as one <c>***</c>, so no fragment of either shows. A secret that spans
/// lines is masked line by line (each of its lines is also a secret). A line cut into pieces because it exceeded the
/// longest line (<see cref="LineSplitter"/>) is masked across the cuts: the recorder moves each cut to
/// <see cref="SafeCut"/> and puts the rest in front of the next piece. Immutable and thread-safe.
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

        var ranges = Occurrences(text);
        return ranges is null ? text : Replace(text, ranges);
    }

    /// <summary>
    /// Where <paramref name="text"/>, a piece of a line that goes on in the next piece, may end so that no secret is split
    /// between the two: before a tail that could be the start of a secret, and never inside an occurrence.
    /// </summary>
    /// <returns>How much of <paramref name="text"/> can be masked and recorded now; the rest goes in front of the next
    /// piece. Everything when nothing needs holding back, and also when holding back would keep the whole piece (a
    /// chain of overlapping occurrences as long as the piece: all of it is masked anyway).</returns>
    public int SafeCut(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var cut = text.Length;
        foreach (var secret in _secrets)
        {
            // The longest proper prefix of this secret that ends the text.
            for (var length = Math.Min(secret.Length - 1, text.Length); length > 0 && text.Length - length < cut; length--)
            {
                if (text.AsSpan(text.Length - length).SequenceEqual(secret.AsSpan(0, length)))
                {
                    cut = text.Length - length;
                    break;
                }
            }
        }

        if (cut == text.Length)
        {
            return cut;
        }

        if (Occurrences(text) is { } ranges)
        {
            ranges.Sort((a, b) => a.Start.CompareTo(b.Start));
            var (start, end) = (-1, -1);
            foreach (var range in ranges)
            {
                if (range.Start > end) (start, end) = range;
                else end = Math.Max(end, range.End);
                if (start < cut && cut < end) cut = start;
            }
        }

        return cut == 0 ? text.Length : cut;
    }

    private List<(int Start, int End)>? Occurrences(string text)
    {
        List<(int Start, int End)>? ranges = null;
        foreach (var secret in _secrets)
        {
            for (var at = text.IndexOf(secret, StringComparison.Ordinal); at >= 0; at = text.IndexOf(secret, at + 1, StringComparison.Ordinal))
            {
                (ranges ??= []).Add((at, at + secret.Length));
            }
        }

        return ranges;
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
