using BackendSidecar.Bench.Measure;

namespace BackendSidecar.Bench.Report;

/// <summary>One line of the results table: a measure with its samples (or a single derived value) and its target.</summary>
/// <param name="Met">Null when the row has no target of its own.</param>
internal sealed record ResultRow(
    string Scenario, string Measure, string Unit, IReadOnlyList<double> Samples, double Median, double? P90, double? Max,
    string? Target, bool? Met, string? Note)
{
    public static ResultRow FromSamples(string scenario, string measure, string unit, IReadOnlyList<double> samples,
        string? target = null, Func<Stats, bool>? met = null, string? note = null)
    {
        var stats = Stats.Of(samples.ToArray());
        return new ResultRow(scenario, measure, unit, samples, stats.Median, stats.P90, stats.Max, target, met?.Invoke(stats), note);
    }

    /// <summary>A value computed from other rows (a difference, a ratio, a count): no distribution of its own.</summary>
    public static ResultRow Single(string scenario, string measure, string unit, double value,
        string? target = null, bool? met = null, string? note = null) =>
        new(scenario, measure, unit, [value], value, null, null, target, met, note);
}
