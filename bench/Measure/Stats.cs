namespace BackendSidecar.Bench.Measure;

/// <summary>Median, p90 and max of a set of samples (nearest-rank percentiles: every figure is a value that was measured).</summary>
internal sealed record Stats(int Count, double Median, double P90, double Max, double Min)
{
    public static Stats Of(IReadOnlyCollection<double> samples)
    {
        if (samples.Count == 0) throw new ArgumentException("no samples", nameof(samples));
        var sorted = samples.Order().ToArray();
        return new Stats(sorted.Length, Percentile(sorted, 0.5), Percentile(sorted, 0.9), sorted[^1], sorted[0]);
    }

    private static double Percentile(double[] sorted, double p) =>
        sorted[Math.Clamp((int)Math.Ceiling(p * sorted.Length) - 1, 0, sorted.Length - 1)];
}
