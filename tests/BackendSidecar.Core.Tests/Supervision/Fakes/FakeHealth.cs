using BackendSidecar.Core.Configuration;
using BackendSidecar.Core.Health;
using BackendSidecar.Core.Logging;
using BackendSidecar.Testing;

namespace BackendSidecar.Core.Tests.Supervision.Fakes;

/// <summary>Probes whose answer the test sets: <see cref="Healthy"/> applies to every probe of the factory.</summary>
internal sealed class FakeHealthProbes : IHealthProbeFactory
{
    private int _checks;

    public volatile bool Healthy;

    /// <summary>Completes when a probe is first disposed (its owner is done with it).</summary>
    public TaskCompletionSource FirstDisposed { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>While set, every check waits for it before it answers: a slow probe, as slow as the test wants.</summary>
    public volatile TaskCompletionSource? Hold;

    private readonly List<(int Count, TaskCompletionSource Done)> _waiters = [];

    public int Checks => Volatile.Read(ref _checks);

    /// <summary>Completes once <paramref name="count"/> checks have been made (bounded by <see cref="TestTimeouts.Unexpected"/>).</summary>
    public Task ChecksReachedAsync(int count)
    {
        lock (_waiters)
        {
            if (Checks >= count) return Task.CompletedTask;
            var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            _waiters.Add((count, done));
            return done.Task.WaitAsync(TestTimeouts.Unexpected);
        }
    }

    private void OnCheck()
    {
        var count = Interlocked.Increment(ref _checks);
        lock (_waiters)
        {
            foreach (var w in _waiters.Where(w => w.Count <= count).ToArray())
            {
                _waiters.Remove(w);
                w.Done.TrySetResult();
            }
        }
    }

    public IHealthProbe Create(HealthOptions options, LogRingBuffer logs, long fromSeq) => new Probe(this);

    private sealed class Probe(FakeHealthProbes owner) : IHealthProbe
    {
        public ValueTask<HealthResult> CheckAsync(CancellationToken cancellationToken)
        {
            cancellationToken.ThrowIfCancellationRequested();
            owner.OnCheck();
            return owner.Hold is { } hold ? AnswerAfterAsync(hold.Task, cancellationToken) : ValueTask.FromResult(Answer());
        }

        private async ValueTask<HealthResult> AnswerAfterAsync(Task hold, CancellationToken cancellationToken)
        {
            await hold.WaitAsync(cancellationToken);
            return Answer();
        }

        private HealthResult Answer() => owner.Healthy
            ? new HealthResult(true, "HTTP 200", TimeSpan.FromMilliseconds(1))
            : new HealthResult(false, "connection refused", TimeSpan.FromMilliseconds(1));

        public void Dispose() => owner.FirstDisposed.TrySetResult();
    }
}
