using BackendSidecar.Core.Insights;

namespace BackendSidecar.Core.Supervision;

public sealed partial class BackendSupervisor
{
    private readonly ResourceMeter _meter;
    private readonly Lock _watchLock = new();
    // The latest sample and the process it is of: shown only while that process is the one the status names.
    private volatile ResourceSample? _resources;
    private int _resourceWatchers;
    private CancellationTokenSource? _resourceLoop;

    private sealed record ResourceSample(int Pid, ResourceUsage Usage);

    /// <summary>How often resources may be sampled: the health interval, or 1 s without a health check (protocol 1.1).</summary>
    private TimeSpan ResourceInterval => Options.Health?.Interval ?? Configuration.ConfigDefaults.HealthInterval;

    private ResourceUsage? ResourcesOf(BackendStatus status) =>
        _resources is { } r && r.Pid == status.Pid && !status.External ? r.Usage : null;

    /// <summary>
    /// The status with a resources sample of the backend's process group: a fresh one when the last is at least the
    /// interval old. The contract's <c>status</c> call; other readers get the last sample through <see cref="Status"/>.
    /// </summary>
    /// <remarks>Asynchronous because a platform may run a tool for the sample (ps on macOS); never under the gate.</remarks>
    public async ValueTask<BackendStatus> StatusWithResourcesAsync(CancellationToken cancellationToken = default)
    {
        var s = _status;
        if (s is { Pid: { } pid, External: false, State: BackendState.Starting or BackendState.Running or BackendState.Unhealthy })
            _resources = await _meter.ReadAsync(pid, cancellationToken).ConfigureAwait(false) is { } usage ? new ResourceSample(pid, usage) : null;
        return Status;
    }

    /// <summary>
    /// Samples every interval while the returned handle lives (a <c>subscribe</c> with <c>resources: true</c>), each sample a
    /// <see cref="StatusChanged"/> with reason "resources sampled". Handles count: sampling stops when the last one is disposed.
    /// </summary>
    public IDisposable WatchResources()
    {
        lock (_watchLock)
        {
            if (_resourceWatchers++ == 0)
            {
                _resourceLoop = new CancellationTokenSource();
                _ = SampleResourcesAsync(_resourceLoop.Token);
            }
        }
        return new ResourceWatch(this);
    }

    private void Unwatch()
    {
        lock (_watchLock)
        {
            if (--_resourceWatchers == 0) StopWatchingResources();
        }
    }

    private void StopWatchingResources()
    {
        lock (_watchLock)
        {
            // Cancelled, not disposed: the loop may still be about to look at its token.
            _resourceLoop?.Cancel();
            _resourceLoop = null;
        }
    }

    private async Task SampleResourcesAsync(CancellationToken cancellationToken)
    {
        try
        {
            // Ends when the last watch is disposed.
            while (true)
            {
                await Task.Delay(ResourceInterval, _time, cancellationToken).ConfigureAwait(false);
                var sampled = await StatusWithResourcesAsync(cancellationToken).ConfigureAwait(false);
                if (sampled.Resources is null) continue;
                using (await EnterAsync(cancellationToken).ConfigureAwait(false))
                {
                    if (_status.Pid != sampled.Pid || _state != sampled.State) continue;
                    Announce_NeedsGate("resources sampled");
                }
            }
        }
        catch (OperationCanceledException)
        {
        }
    }

    private sealed class ResourceWatch(BackendSupervisor owner) : IDisposable
    {
        private int _disposed;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _disposed, 1) == 0) owner.Unwatch();
        }
    }
}
