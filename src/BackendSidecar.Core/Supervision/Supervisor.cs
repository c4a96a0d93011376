using BackendSidecar.Core.Configuration;
using BackendSidecar.Core.State;
using Microsoft.Extensions.Logging;

namespace BackendSidecar.Core.Supervision;

/// <summary>
/// All backends of one configuration: lookup by name, <c>dependsOn</c> order (start after the dependency is running, stop in
/// reverse), clean-up of our own leftovers, and shutdown.
/// </summary>
public sealed class Supervisor : IAsyncDisposable
{
    private readonly Dictionary<string, BackendSupervisor> _byName = new(StringComparer.Ordinal);
    private readonly ILogger _logger;
    private readonly SupervisorServices _services;
    private int _shuttingDown;
    // Dependencies before their dependents: the order of starts (and, reversed, of stops).
    private readonly BackendSupervisor[] _dependencyOrder;

    public Supervisor(SidecarConfig config, SupervisorServices services)
    {
        Config = config;
        _services = services;
        _logger = services.LoggerFactory.CreateLogger("BackendSidecar.Supervisor");
        foreach (var configured in config.Backends)
        {
            var options = configured.Log.File is null
                ? configured with { Log = configured.Log with { File = DefaultLogFile(config, configured.Name) } }
                : configured;
            var backend = new BackendSupervisor(options, services);
            backend.StatusChanged += change => StatusChanged?.Invoke(change);
            _byName.Add(options.Name, backend);
        }

        Backends = config.Backends.Select(o => _byName[o.Name]).ToArray();
        _dependencyOrder = DependencyOrder.Sort(config.Backends).Select(o => _byName[o.Name]).ToArray();
    }

    public SidecarConfig Config { get; }

    /// <summary>
    /// One folder per configuration, so two sidecars (two editor windows, two projects) with a backend of the same name
    /// never write, or rotate, each other's log file.
    /// </summary>
    private static string DefaultLogFile(SidecarConfig config, string backend) => SidecarFolders.DefaultLogFile(config.SourcePath, backend);

    /// <summary>Every backend, in the configuration's order (the contract's order for status listings).</summary>
    public IReadOnlyList<BackendSupervisor> Backends { get; }

    public bool IsShuttingDown => Volatile.Read(ref _shuttingDown) != 0;

    /// <summary>Every state change of every backend.</summary>
    public event Action<StatusChange>? StatusChanged;

    /// <summary>
    /// The named backend; <paramref name="name"/> may be left out only when exactly one backend is configured.
    /// </summary>
    public BackendSupervisor Get(string? name)
    {
        if (name is null)
        {
            return Backends.Count == 1
                ? Backends[0]
                : throw new SupervisorException(BackendErrorKind.BackendNotSpecified,
                    Backends.Count == 0 ? "no backend is configured" : $"backend must be given: {Backends.Count} backends are configured");
        }

        return _byName.TryGetValue(name, out var backend)
            ? backend
            : throw new SupervisorException(BackendErrorKind.UnknownBackend, $"unknown backend \"{name}\"", name) { Known = [.. _byName.Keys] };
    }

    public IReadOnlyList<BackendStatus> Status() => Backends.Select(b => b.Status).ToArray();

    /// <summary>Every status with a resources sample (see <see cref="BackendSupervisor.StatusWithResourcesAsync"/>).</summary>
    /// <remarks>Completes at once, without an allocation beyond the list, where sampling does (Linux, Windows).</remarks>
    public ValueTask<IReadOnlyList<BackendStatus>> StatusWithResourcesAsync(CancellationToken cancellationToken = default)
    {
        var statuses = new BackendStatus[Backends.Count];
        for (var i = 0; i < statuses.Length; i++)
        {
            var status = Backends[i].StatusWithResourcesAsync(cancellationToken);
            if (!status.IsCompletedSuccessfully) return new(RestOfStatusesAsync(statuses, i, status, cancellationToken));
            statuses[i] = status.Result;
        }
        return new(statuses);
    }

    private async Task<IReadOnlyList<BackendStatus>> RestOfStatusesAsync(BackendStatus[] statuses, int from, ValueTask<BackendStatus> pending,
        CancellationToken cancellationToken)
    {
        statuses[from] = await pending.ConfigureAwait(false);
        for (var i = from + 1; i < statuses.Length; i++)
            statuses[i] = await Backends[i].StatusWithResourcesAsync(cancellationToken).ConfigureAwait(false);
        return statuses;
    }

    /// <summary>Samples every backend's resources every interval while the handle lives (statusChanged "resources sampled").</summary>
    public IDisposable WatchResources() => new Watches(Backends.Select(b => b.WatchResources()).ToArray());

    private sealed class Watches(IDisposable[] watches) : IDisposable
    {
        public void Dispose()
        {
            foreach (var watch in watches) watch.Dispose();
        }
    }

    /// <summary>Starts a backend after its dependencies are running (each started and waited for first).</summary>
    public async Task<BackendStatus> StartAsync(string? name, StartOverrides? overrides = null, bool wait = true, CancellationToken cancellationToken = default)
    {
        ThrowIfShuttingDown();
        var backend = Get(name);
        await StartDependenciesAsync(backend, cancellationToken).ConfigureAwait(false);
        return await backend.StartAsync(overrides, wait, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Starts (and waits for) each dependency of <paramref name="backend"/>. One that cannot be started fails the start with
    /// its own error, and <paramref name="backend"/> says in its status why it was not started.
    /// </summary>
    private async Task StartDependenciesAsync(BackendSupervisor backend, CancellationToken cancellationToken)
    {
        foreach (var dependency in backend.Options.DependsOn)
        {
            try
            {
                await StartAsync(dependency, overrides: null, wait: true, cancellationToken).ConfigureAwait(false);
            }
            catch (SupervisorException ex) when (ex.Kind != BackendErrorKind.ShuttingDown)
            {
                await backend.DependencyFailedAsync(dependency, ex).ConfigureAwait(false);
                throw;
            }
        }
    }

    /// <remarks><paramref name="cancellationToken"/> ends only the caller's wait: a restart that has begun goes on to start.</remarks>
    public Task<BackendStatus> RestartAsync(string? name, StartOverrides? overrides = null, bool wait = true, CancellationToken cancellationToken = default)
    {
        ThrowIfShuttingDown();
        var backend = Get(name);
        return BackendSupervisor.Detached(async () =>
        {
            await backend.StopAsync(wait: true).ConfigureAwait(false);
            return await StartAsync(name, overrides, wait).ConfigureAwait(false);
        }, cancellationToken);
    }

    public Task<BackendStatus> StopAsync(string? name, TimeSpan? timeout = null, bool wait = true, CancellationToken cancellationToken = default) =>
        Get(name).StopAsync(timeout, wait, cancellationToken);

    /// <summary>
    /// Starts every backend marked autoStart (or all of them), each after its dependencies. A backend that fails does not stop
    /// the others; failures are in the statuses and in the returned list.
    /// </summary>
    public async Task<IReadOnlyList<SupervisorException>> StartAutoStartAsync(bool all = false, CancellationToken cancellationToken = default)
    {
        var failures = new List<SupervisorException>();
        var started = new Dictionary<string, Task>(StringComparer.Ordinal);
        foreach (var backend in _dependencyOrder.Where(b => all || b.Options.AutoStart))
            started[backend.Name] = StartInOrderAsync(backend, started, failures, cancellationToken);
        await Task.WhenAll(started.Values).ConfigureAwait(false);
        return failures;
    }

    private async Task StartInOrderAsync(BackendSupervisor backend, Dictionary<string, Task> started, List<SupervisorException> failures, CancellationToken ct)
    {
        try
        {
            // In dependency order, so a dependency that is auto-started has its task already.
            foreach (var dependency in backend.Options.DependsOn)
            {
                if (started.TryGetValue(dependency, out var task)) await task.ConfigureAwait(false);
                try
                {
                    await Get(dependency).StartAsync(wait: true, cancellationToken: ct).ConfigureAwait(false);
                }
                catch (SupervisorException ex) when (ex.Kind != BackendErrorKind.ShuttingDown)
                {
                    await backend.DependencyFailedAsync(dependency, ex).ConfigureAwait(false);
                    throw;
                }
            }

            await backend.StartAsync(wait: true, cancellationToken: ct).ConfigureAwait(false);
        }
        catch (SupervisorException ex)
        {
            lock (failures) failures.Add(ex);
        }
    }

    /// <summary>Stops every backend, dependents before their dependencies; those without relations in parallel.</summary>
    public async Task StopAllAsync()
    {
        var stopped = new Dictionary<string, Task>(StringComparer.Ordinal);
        foreach (var backend in _dependencyOrder.Reverse())
            stopped[backend.Name] = StopAfterDependentsAsync(backend, stopped);
        await Task.WhenAll(stopped.Values).ConfigureAwait(false);
    }

    private async Task StopAfterDependentsAsync(BackendSupervisor backend, Dictionary<string, Task> stopped)
    {
        // Reverse dependency order: every dependent already has its stop task.
        var dependents = Backends.Where(b => b.Options.DependsOn.Contains(backend.Name)).Select(b => stopped[b.Name]);
        await Task.WhenAll(dependents).ConfigureAwait(false);
        await backend.StopAsync().ConfigureAwait(false);
    }

    /// <summary>Refuses new starts, then stops every backend gracefully.</summary>
    public async Task ShutdownAsync()
    {
        Interlocked.Exchange(ref _shuttingDown, 1);
        foreach (var backend in Backends)
            await backend.BeginShutdownAsync().ConfigureAwait(false);
        await StopAllAsync().ConfigureAwait(false);
    }

    /// <summary>Stops leftovers that our state files prove were started by a sidecar that is gone.</summary>
    public async Task<OrphanReapResult?> ReapOrphansAsync()
    {
        if (_services.StateStore is not { } store || _services.Processes is not { } processes) return null;
        var result = await OrphanReaper.ReapAsync(store, processes, time: _services.Time).ConfigureAwait(false);
        if (result.Stopped.Count > 0)
            _logger.LogWarning("{Result}", result);
        return result;
    }

    private void ThrowIfShuttingDown()
    {
        if (IsShuttingDown)
            throw new SupervisorException(BackendErrorKind.ShuttingDown, "the sidecar is shutting down");
    }

    public async ValueTask DisposeAsync()
    {
        await ShutdownAsync().ConfigureAwait(false);
        foreach (var backend in Backends)
            await backend.DisposeAsync().ConfigureAwait(false);
    }
}
