using BackendSidecar.Core.Configuration;
using BackendSidecar.Core.Logging;
using BackendSidecar.Core.Restart;
using Microsoft.Extensions.Logging;

namespace BackendSidecar.Core.Supervision;

/// <summary>
/// Runs one backend: launch, readiness, running, exit, restart policy, backoff, stop.
/// </summary>
/// <remarks>
/// Overview. Every change of state goes through <see cref="BackendTransitions"/> and happens under <see cref="_gate"/>, an
/// async lock held only for short steps; members that need it are named <c>*_NeedsGate</c>. Long waits (readiness polling,
/// liveness checks, backoff, a graceful stop, checking and claiming a port) run outside it and come back through the gate, where they
/// first check that the <see cref="Instance"/> (or the port's claim) they belong to is still the current one: a stop or a
/// restart replaces it, so late results of an old process are ignored instead of racing the new one.
/// <see cref="StatusChanged"/> is raised under the gate, in order; handlers must be quick and must not wait on this supervisor.
/// All time goes through the injected <see cref="TimeProvider"/>.
/// <para>The life of one backend (start -> readiness -> running -> exit -> restart decision -> backoff -> start) reads top
/// to bottom in BackendSupervisor.Lifecycle.cs, one named step per method. A stop (<c>StopAsync</c>, <c>FinishStopAsync</c>)
/// [StopRequested, StopWithoutProcess, StartCancelled, StopCompleted] or a shutdown [ShutdownDuringBackoff, StartCancelled]
/// can end it at any step.</para>
/// </remarks>
public sealed partial class BackendSupervisor : IAsyncDisposable
{
    private readonly SupervisorServices _services;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly SemaphoreSlim _gate = new(1, 1);
    private readonly RestartTracker _restarts;
    private readonly BackendLog _log;

    // Guarded by _gate.
    private BackendState _state = BackendState.Stopped;
    private StartOverrides _overrides = StartOverrides.None;
    private Instance? _instance;
    // Whether a start request waits on _attempt: such an attempt's failure before healthy is reported, not retried.
    private bool _attemptAwaited;
    // The instance being stopped: no longer the current one, but its pid is still the one a host sees while stopping.
    private Instance? _leaving;
    private HealthSnapshot? _health;
    private Processes.ProcessExit? _lastExit;
    private BackendError? _lastError;
    private DateTimeOffset? _nextRestartAt;
    private CancellationTokenSource? _backoff;
    private TaskCompletionSource<BackendStatus>? _attempt;
    private Task _stopping = Task.CompletedTask;
    // The clean-up after an exit (remnants killed, pipes drained): a new process waits for it, a notification does not.
    private Task _cleanUp = Task.CompletedTask;
    private bool _shuttingDown;

    private volatile BackendStatus _status;

    public BackendSupervisor(BackendOptions options, SupervisorServices services)
    {
        Options = options;
        _services = services;
        _time = services.Time;
        _logger = services.LoggerFactory.CreateLogger("BackendSidecar.Backend." + options.Name);
        _restarts = new RestartTracker(options.Restart);
        _log = new BackendLog(options.Name, options.Log, _time);
        _meter = new Insights.ResourceMeter(_time, ResourceInterval, (group, cancellationToken) => services.SampleProcessGroup(group, services.Time, cancellationToken));
        _status = Snapshot_NeedsGate();
    }

    public string Name => Options.Name;

    public BackendOptions Options { get; }

    /// <summary>The backend's output and the sidecar's lines about it.</summary>
    public LogRingBuffer Logs => _log.Buffer;

    public string LogFile => _log.FilePath;

    /// <summary>Raised on every state change, in order, under the supervisor's gate.</summary>
    public event Action<StatusChange>? StatusChanged;

    /// <summary>The current status; uptime is computed at the time of the call. Never blocks.</summary>
    public BackendStatus Status
    {
        get
        {
            var s = _status;
            return s.StartedAt is { } at && s.State is BackendState.Starting or BackendState.Running or BackendState.Unhealthy
                ? s with { Uptime = _time.GetUtcNow() - at, Resources = ResourcesOf(s) }
                : s;
        }
    }

    public BackendState State => _status.State;

    private BackendStatus Snapshot_NeedsGate()
    {
        var i = _instance ?? (_state == BackendState.Stopping ? _leaving : null);
        return new BackendStatus(
            Backend: Options.Name,
            State: _state,
            Pid: i?.Pid,
            StartedAt: i?.StartedAt,
            Uptime: null,
            RestartCount: _restarts.Count,
            External: i?.External ?? false,
            Port: Options.Port,
            HealthUrl: Options.Health is { Kind: HealthKind.Http } h ? h.Target : null,
            Health: _health,
            LastExit: _lastExit,
            LastError: _lastError,
            NextRestartAt: _state == BackendState.Backoff ? _nextRestartAt : null,
            LogFile: _log.FilePath,
            Progress: _state == BackendState.Starting ? _instance?.Progress : null);
    }

    /// <summary>Refreshes the snapshot without a state change (health details, restart count).</summary>
    private void Publish_NeedsGate() => _status = Snapshot_NeedsGate();

    /// <summary>Every change of state goes through here, and through the transition table.</summary>
    /// <param name="detail">The caller's part of the reason; the table's reason text says where it goes.</param>
    private void SetState_NeedsGate(BackendTrigger trigger, string detail)
    {
        var previous = _state;
        var (state, reason) = BackendTransitions.Apply(previous, trigger, detail);
        _state = state;
        _status = Snapshot_NeedsGate();
        _log.WriteSidecarLine($"{previous.ToString().ToLowerInvariant()} -> {state.ToString().ToLowerInvariant()}: {reason}");
        _logger.LogInformation("{Backend}: {Previous} -> {State}: {Reason}", Name, previous, state, reason);
        Raise_NeedsGate(new StatusChange(Status, previous, reason));
    }

    /// <summary>A statusChanged that keeps the state (loading progress, a resources sample): not a transition.</summary>
    private void Announce_NeedsGate(string reason)
    {
        _status = Snapshot_NeedsGate();
        Raise_NeedsGate(new StatusChange(Status, _state, reason));
    }

    private void Raise_NeedsGate(StatusChange change)
    {
        try
        {
            StatusChanged?.Invoke(change);
        }
        catch (Exception ex)
        {
            // A host's handler must not be able to wedge the state machine.
            _logger.LogError(ex, "{Backend}: a StatusChanged handler failed", Name);
        }
    }

    private async Task<Releaser> EnterAsync(CancellationToken cancellationToken = default)
    {
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        return new Releaser(_gate);
    }

    private readonly struct Releaser(SemaphoreSlim gate) : IDisposable
    {
        public void Dispose() => gate.Release();
    }

    public async ValueTask DisposeAsync()
    {
        StopWatchingResources();
        await StopAsync().ConfigureAwait(false);
        await _log.DisposeAsync().ConfigureAwait(false);
    }
}
