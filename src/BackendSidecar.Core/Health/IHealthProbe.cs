namespace BackendSidecar.Core.Health;

/// <summary>One kind of health check against one backend instance.</summary>
/// <remarks>Implementations apply their own request timeout and never throw for a failed check: they return a failed result.</remarks>
public interface IHealthProbe : IDisposable
{
    ValueTask<HealthResult> CheckAsync(CancellationToken cancellationToken);
}

/// <param name="Detail">A short human sentence: "HTTP 200", "connection refused", "body did not match expectJson: status was \"loading\"".</param>
public sealed record HealthResult(bool Ok, string Detail, TimeSpan Latency);
