using BackendSidecar.Core.Configuration;
using BackendSidecar.Core.Health;
using BackendSidecar.Core.Logging;

namespace BackendSidecar.Core.Tests.Supervision.Fakes;

/// <summary>Probes whose answer the test sets: <see cref="Healthy"/> applies to every probe of the factory.</summary>
internal sealed class FakeHealthProbes : IHealthProbeFactory
{
    private int _checks;

    public volatile bool Healthy;

    public int Checks => Volatile.Read(ref _checks);

    public IHealthProbe Create(HealthOptions options, LogRingBuffer logs, long fromSeq) => new Probe(this);

    private sealed class Probe(FakeHealthProbes owner) : IHealthProbe
    {
        public ValueTask<HealthResult> CheckAsync(CancellationToken cancellationToken)
        {
            cancellationToken.ThrowIfCancellationRequested();
            Interlocked.Increment(ref owner._checks);
            return ValueTask.FromResult(owner.Healthy
                ? new HealthResult(true, "HTTP 200", TimeSpan.FromMilliseconds(1))
                : new HealthResult(false, "connection refused", TimeSpan.FromMilliseconds(1)));
        }

        public void Dispose()
        {
        }
    }
}
