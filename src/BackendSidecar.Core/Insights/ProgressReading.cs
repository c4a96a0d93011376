namespace BackendSidecar.Core.Insights;

/// <summary>What one output line said about loading progress: a percent (0..100), a message, or both.</summary>
public readonly record struct ProgressReading(double? Percent, string? Message)
{
    /// <summary>"40% (Loading 40%)", "40%" or "Loading model", for error messages and logs.</summary>
    public override string ToString() => (Percent, Message) switch
    {
        ({ } p, { } m) => $"{FormatPercent(p)} ({m})",
        ({ } p, null) => FormatPercent(p),
        (null, { } m) => m,
        _ => "no progress",
    };

    private static string FormatPercent(double percent) =>
        percent.ToString("0.#", System.Globalization.CultureInfo.InvariantCulture) + "%";
}

/// <summary>A reading with the time its line was read: the contract's <c>BackendStatus.progress</c>.</summary>
public sealed record ProgressReport(double? Percent, string? Message, DateTimeOffset At)
{
    public ProgressReading Reading => new(Percent, Message);

    public static ProgressReport From(ProgressReading reading, DateTimeOffset at) => new(reading.Percent, reading.Message, at);
}
