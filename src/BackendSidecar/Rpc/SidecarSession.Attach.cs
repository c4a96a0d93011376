using BackendSidecar.Cli;
using BackendSidecar.JsonRpc;
using BackendSidecar.Rpc.Dtos;
using Microsoft.Extensions.Logging;

namespace BackendSidecar.Rpc;

/// <summary>Sessions that share one supervisor: the stdio host's and each endpoint client's (protocol/README.md "Attach").</summary>
internal sealed partial class SidecarSession
{
    private SharedSupervisor? _share;
    private bool _joinedShare; // false for the session that created the supervisor
    private int _left;

    /// <summary>A client of the endpoint: its initialize attaches to <paramref name="share"/> instead of loading a configuration.</summary>
    public SidecarSession(CommandLine options, ILoggerFactory loggerFactory, SharedSupervisor share)
        : this(options, loggerFactory)
    {
        _share = share;
        _joinedShare = true;
    }

    /// <summary>The supervisor this session created, once initialized; null before, or for an endpoint client.</summary>
    public Core.Supervision.Supervisor? OwnSupervisor => _joinedShare ? null : _supervisor;

    /// <summary>The stdio host's session: from now on it is one of the sessions of <paramref name="share"/>.</summary>
    public void Share(SharedSupervisor share)
    {
        if (!share.TryJoin()) throw new InvalidOperationException("the shared supervisor has already ended");
        _share = share;
    }

    private InitializeResult Join(SharedSupervisor share, InitializeParams p)
    {
        if (p.Config is { ValueKind: not System.Text.Json.JsonValueKind.Null })
            throw ContractErrors.InvalidParams("config", $"this sidecar serves {share.ConfigPath}; attach with configPath or without a configuration");
        if (p.ConfigPath is { } path && !string.Equals(Path.GetFullPath(path), share.ConfigPath, StringComparison.Ordinal))
            throw ContractErrors.InvalidParams("configPath", $"this sidecar serves {share.ConfigPath}, not {Path.GetFullPath(path)}");
        if (!share.TryJoin())
            throw ContractErrors.Error(ContractErrorCodes.ShuttingDown, "this sidecar is stopping; start a new one");

        var supervisor = share.Supervisor;
        _statuses = new StatusNotifier(change => NotifyAsync("statusChanged", change));
        supervisor.StatusChanged += _statuses.Enqueue;
        _logs = new LogNotificationPump(supervisor, batch => NotifyAsync("log", batch));
        _supervisor = supervisor;
        if (p.ParentPid is { } parent)
            WatchParent(parent);
        if (_phase == Phase.Initializing) _phase = Phase.Ready;
        _logger.LogInformation("{Client} {Version} attached ({Count} sessions)", p.ClientInfo.Name, p.ClientInfo.Version ?? "", share.Sessions);
        return new InitializeResult(ProtocolVersion, new ServerInfo("backend-sidecar", Program.Version), DtoMapper.Statuses(supervisor.Status()));
    }

    /// <summary>
    /// Whether this session's shutdown stops the backends: always without a share (the sole host, as in 1.0); with one, when
    /// it asks to (<paramref name="stopBackends"/>) or it is the last session of a sidecar that serves only sessions.
    /// Otherwise it only detaches: no more notifications to it.
    /// </summary>
    private bool LeaveStopsBackends(bool stopBackends)
    {
        if (_share is not { } share) return true;
        if (Interlocked.Exchange(ref _left, 1) == 1) return stopBackends;
        if (share.Leave(stopBackends)) return true;
        if (_statuses is { } statuses && _supervisor is { } supervisor) supervisor.StatusChanged -= statuses.Enqueue;
        _logs?.Subscribe(all: false, names: null);
        _logger.LogInformation("a client detached; the backends keep running for the {Count} other session(s)", share.Sessions);
        return false;
    }

    /// <summary>After the backends stopped for good: the share ends (the whole sidecar ends with it).</summary>
    private void EndShare() => _share?.End(this);
}
