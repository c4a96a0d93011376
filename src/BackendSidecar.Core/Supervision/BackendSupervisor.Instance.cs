using BackendSidecar.Core.Health;
using BackendSidecar.Core.Processes;

namespace BackendSidecar.Core.Supervision;

public sealed partial class BackendSupervisor
{
    /// <summary>
    /// One run of the backend: a process we started, or an external one we adopted. Replaced on every start, so work that
    /// outlives it (its probes, its exit) can tell it is stale by comparing with <see cref="_instance"/>.
    /// </summary>
    private sealed class Instance : IDisposable
    {
        private readonly CancellationTokenSource _cts = new();

        public Instance(IChildProcess? child, int? pid, bool external, DateTimeOffset startedAt, IHealthProbe? probe, Task output)
        {
            Child = child;
            Pid = pid;
            External = external;
            StartedAt = startedAt;
            Probe = probe;
            Output = output;
        }

        public IChildProcess? Child { get; }
        public int? Pid { get; }
        public bool External { get; }
        public DateTimeOffset StartedAt { get; }
        public IHealthProbe? Probe { get; }

        /// <summary>Completes when both output pipes reached their end and every line is written.</summary>
        public Task Output { get; }

        /// <summary>The first log sequence number of this run's output.</summary>
        public long FromSeq { get; init; }

        /// <summary>The latest loading progress published while starting (guarded by the gate).</summary>
        public Insights.ProgressReport? Progress { get; set; }

        /// <summary>Why the sidecar signalled it; null while it has sent nothing (an exit is then the backend's own).</summary>
        public Insights.SidecarStopReason? StoppedBy { get; set; }

        /// <summary>Out-of-memory evidence begun just before the launch; null for an adopted backend.</summary>
        public Insights.OomWatch? Oom { get; init; }

        public bool BecameHealthy { get; set; }
        public HealthResult? LastProbe { get; set; }
        public int ConsecutiveFailures { get; set; }

        /// <summary>Cancelled when the instance is replaced: ends its readiness and liveness loops.</summary>
        public CancellationToken Token => _cts.Token;

        public void Retire() => _cts.Cancel();

        /// <summary>Waits for the output to be read to its end, but not forever: a descendant that escaped every kill
        /// could hold the pipe open.</summary>
        public async Task DrainAsync()
        {
            try
            {
                await Output.WaitAsync(TimeSpan.FromSeconds(2)).ConfigureAwait(false);
            }
            catch (TimeoutException)
            {
            }
        }

        /// <summary>Waits up to <paramref name="grace"/> (real time: a bound against a hang, not behaviour) for the output to end.</summary>
        public async Task OutputEndsAsync(TimeSpan grace)
        {
            try
            {
                await Output.WaitAsync(grace).ConfigureAwait(false);
            }
            catch (TimeoutException)
            {
            }
        }

        public void Dispose()
        {
            _cts.Cancel();
            _cts.Dispose();
            Probe?.Dispose();
            Child?.Dispose();
        }
    }
}
