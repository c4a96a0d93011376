using System.Globalization;
using System.Text.RegularExpressions;

namespace BackendSidecar.Core.Insights;

/// <summary>
/// <c>health.progress</c>: a regular expression over output lines with a named group <c>percent</c> and/or
/// <c>message</c>. Turns a line into a <see cref="ProgressReading"/>, or null when the line says nothing about progress.
/// </summary>
public sealed class ProgressPattern
{
    public const string PercentGroup = "percent";
    public const string MessageGroup = "message";

    /// <summary>
    /// Every output line of a loading backend goes through the pattern, so a pattern that backtracks badly must not
    /// stall the reader: a line that takes longer than this is treated as not matching.
    /// </summary>
    public static readonly TimeSpan MatchTimeout = TimeSpan.FromMilliseconds(100);

    private readonly Regex _regex;
    private readonly bool _hasPercent;
    private readonly bool _hasMessage;

    private ProgressPattern(Regex regex)
    {
        _regex = regex;
        var names = regex.GetGroupNames();
        _hasPercent = names.Contains(PercentGroup, StringComparer.Ordinal);
        _hasMessage = names.Contains(MessageGroup, StringComparer.Ordinal);
    }

    /// <summary>The pattern as configured (after variable expansion).</summary>
    public string Pattern => _regex.ToString();

    /// <summary>Compiles <paramref name="pattern"/>; <paramref name="problem"/> says why it cannot be used.</summary>
    public static bool TryCreate(string pattern, out ProgressPattern? result, out string? problem)
    {
        result = null;
        Regex regex;
        try
        {
            regex = new Regex(pattern, RegexOptions.CultureInvariant, MatchTimeout);
        }
        catch (ArgumentException e)
        {
            problem = $"is not a valid regular expression: {e.Message}";
            return false;
        }
        var candidate = new ProgressPattern(regex);
        if (!candidate._hasPercent && !candidate._hasMessage)
        {
            problem = $"needs a named group (?<{PercentGroup}>...) or (?<{MessageGroup}>...)";
            return false;
        }
        result = candidate;
        problem = null;
        return true;
    }

    /// <summary>
    /// The progress in <paramref name="line"/>, or null when the line does not match, or matches without a usable
    /// percent (a number 0..100; larger values are capped at 100) nor a non-empty message.
    /// </summary>
    public ProgressReading? Match(string line)
    {
        Match match;
        try
        {
            match = _regex.Match(line);
        }
        catch (RegexMatchTimeoutException)
        {
            return null;
        }
        if (!match.Success) return null;

        double? percent = null;
        if (_hasPercent && match.Groups[PercentGroup] is { Success: true } p
            && double.TryParse(p.ValueSpan.Trim(), NumberStyles.Float, CultureInfo.InvariantCulture, out var value)
            && double.IsFinite(value) && value >= 0)
        {
            percent = Math.Min(value, 100);
        }
        string? message = null;
        if (_hasMessage && match.Groups[MessageGroup] is { Success: true } m && m.Value.Trim() is { Length: > 0 } text)
            message = text;

        return percent is null && message is null ? null : new ProgressReading(percent, message);
    }

    public override string ToString() => Pattern;

    /// <summary>Same pattern text, same pattern: keeps <see cref="Configuration.HealthOptions"/> a value, as the other options are.</summary>
    public override bool Equals(object? obj) => obj is ProgressPattern other && other.Pattern == Pattern;

    public override int GetHashCode() => Pattern.GetHashCode(StringComparison.Ordinal);
}
