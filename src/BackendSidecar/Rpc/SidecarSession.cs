using System.Text.Json;
using BackendSidecar.Cli;
using BackendSidecar.Core.Configuration;
using BackendSidecar.Core.Supervision;
using BackendSidecar.Hosting;
using BackendSidecar.JsonRpc;
using BackendSidecar.Rpc.Dtos;
using Microsoft.Extensions.Logging;
using StreamJsonRpc;

namespace BackendSidecar.Rpc;

/// <summary>
/// One host's session with the sidecar: the contract's lifecycle (initialize first, shutdown, exit, end of input, parent
/// death) around one <see cref="Supervisor"/>. This is the wiring between the JSON-RPC layer and the core; neither knows
/// the other.
/// </summary>
internal sealed partial class SidecarSession : ISidecarMethods, IAsyncDisposable
{
    public const string ProtocolVersion = "1.1";

    /// <summary>The lower of the client's version and ours (protocol/README.md): a 1.0 client is answered "1.0".</summary>
    private static string Negotiate(string client) => client == "1.0" ? "1.0" : ProtocolVersion;

    private enum Phase { AwaitingInitialize, Initializing, Ready, ShuttingDown, ShutDown }

    private readonly CommandLine _options;
    private readonly ILoggerFactory _loggerFactory;
    private readonly ILogger _logger;
    private readonly TaskCompletionSource<int> _exit = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly SemaphoreSlim _shutdownGate = new(1, 1);
    private ContractJsonRpc? _rpc;
    private ContractMessageHandler? _handler;
    private Supervisor? _supervisor;
    private StatusNotifier? _statuses;
    private LogNotificationPump? _logs;
    // subscribe {resources: true}: the supervisor samples while this is held.
    private IDisposable? _resourceWatch;
    private Task _parentWatch = Task.CompletedTask;
    private volatile Phase _phase = Phase.AwaitingInitialize;
    private volatile bool _shutdownRequested;

    public SidecarSession(CommandLine options, ILoggerFactory loggerFactory)
    {
        _options = options;
        _loggerFactory = loggerFactory;
        _logger = loggerFactory.CreateLogger("BackendSidecar.Session");
        if (options.ParentPid is { } parent)
            WatchParent(parent);
    }

    /// <summary>Completes with the process exit code once the session is over (exit, end of input, parent death).</summary>
    public Task<int> Exited => _exit.Task;

    public void Attach(ContractJsonRpc rpc, ContractMessageHandler handler)
    {
        _rpc = rpc;
        _handler = handler;
    }

    /// <summary>The lifecycle gate for requests: -32002 before initialize, -32017 after shutdown.</summary>
    /// <remarks>Called on the read loop in arrival order, so marking shutdown here refuses every request read after it,
    /// even while the shutdown handler has not run yet.</remarks>
    public LocalRpcException? GateRequest(string method)
    {
        var refusal = Refusal(method);
        if (refusal is null && method == "shutdown" && _phase == Phase.Ready)
            _phase = Phase.ShuttingDown;
        return refusal;
    }

    private LocalRpcException? Refusal(string method) => _phase switch
    {
        Phase.AwaitingInitialize when method == "initialize" => null,
        Phase.AwaitingInitialize or Phase.Initializing when method == "initialize" =>
            ContractErrors.Error(JsonRpcErrorCodes.InvalidRequest, "initialize was already sent"),
        Phase.AwaitingInitialize or Phase.Initializing =>
            ContractErrors.Error(JsonRpcErrorCodes.ServerNotInitialized, $"not initialized: send initialize before {method}"),
        Phase.ShuttingDown or Phase.ShutDown when method == "shutdown" => null,
        Phase.ShuttingDown or Phase.ShutDown => ContractErrors.Error(ContractErrorCodes.ShuttingDown, $"shutting down: {method} is refused after shutdown"),
        _ when method == "initialize" => ContractErrors.Error(JsonRpcErrorCodes.InvalidRequest, "initialize was already sent"),
        _ => null,
    };

    /// <summary>Before initialize only <c>exit</c> (and cancellation) are taken, as LSP does.</summary>
    public bool GateNotification(string method) =>
        _phase != Phase.AwaitingInitialize || method is "exit" or "$/cancelRequest";

    public async Task<InitializeResult> InitializeAsync(InitializeParams p, CancellationToken cancellationToken)
    {
        _phase = Phase.Initializing;
        try
        {
            if (p.ProtocolVersion.Split('.')[0] != "1")
                throw ContractErrors.InvalidParams("protocolVersion", $"\"{p.ProtocolVersion}\" is not supported; this sidecar speaks {ProtocolVersion}");
            // 0 and below name no process (kill(0) would mean our own group): accepting them made the session end at once.
            if (p.ParentPid is < 1)
                throw ContractErrors.InvalidParams("parentPid", $"must be a process id >= 1, got {p.ParentPid}");
            if (_joinedShare) return Join(_share!, p);

            var config = LoadConfig(p);
            var services = SidecarServices.Create(_loggerFactory, config.SourcePath);
            var supervisor = new Supervisor(config, services);
            _statuses = new StatusNotifier(change => NotifyAsync("statusChanged", change));
            supervisor.StatusChanged += _statuses.Enqueue;
            _logs = new LogNotificationPump(supervisor, batch => NotifyAsync("log", batch));
            _supervisor = supervisor;
            if (p.ParentPid is { } parent)
                WatchParent(parent);

            await supervisor.ReapOrphansAsync().ConfigureAwait(false);
            // End of input may have begun a shutdown meanwhile; that one stands.
            if (_phase == Phase.Initializing) _phase = Phase.Ready;
            _logger.LogInformation("initialized by {Client} {Version}: {Count} backends from {Source}",
                p.ClientInfo.Name, p.ClientInfo.Version ?? "", config.Backends.Count, config.SourcePath ?? "the initialize request");
            return new InitializeResult(Negotiate(p.ProtocolVersion), new ServerInfo("backend-sidecar", Program.Version), DtoMapper.Statuses(supervisor.Status()));
        }
        catch
        {
            // A bad configuration can be fixed and initialize sent again.
            if (_phase == Phase.Initializing) _phase = Phase.AwaitingInitialize;
            throw;
        }
    }

    /// <summary>Runs once the initialize response is written: statusChanged may flow from now on, then autoStart.</summary>
    public void OnReplied(string method)
    {
        if (method != "initialize" || _supervisor is not { } supervisor || _phase is Phase.AwaitingInitialize or Phase.Initializing) return;
        // Released even when a shutdown came in first (a client may send it the moment it reads the answer, before this
        // runs): that shutdown waits for the notifications queued before it.
        _statuses?.Release();
        if (_phase == Phase.Ready && !_joinedShare)
            _ = StartAutoStartAsync(supervisor);
    }

    private async Task StartAutoStartAsync(Supervisor supervisor)
    {
        foreach (var failure in await supervisor.StartAutoStartAsync().ConfigureAwait(false))
            _logger.LogWarning("{Backend} did not start: {Message}", failure.Backend, failure.Message);
    }

    private SidecarConfig LoadConfig(InitializeParams p)
    {
        var profile = p.Profile ?? _options.Profile;
        try
        {
            if (p.Config is { ValueKind: not JsonValueKind.Null } inline)
            {
                if (p.ConfigPath is not null)
                    throw ContractErrors.InvalidParams("config", "give config or configPath, not both");
                // An inline config has no file: ${configDir} is the sidecar's working directory, which the host chooses.
                return ConfigLoader.Parse(inline, Directory.GetCurrentDirectory(), profile);
            }

            var file = p.ConfigPath ?? _options.ConfigPath;
            return file is null ? SidecarConfig.Empty : ConfigLoader.Load(Path.GetFullPath(file), profile);
        }
        catch (ConfigException ex)
        {
            throw ContractErrors.InvalidConfiguration(ex);
        }
    }

    public async Task ShutdownAsync(ShutdownParams? p = null)
    {
        _shutdownRequested = true;
        await _shutdownGate.WaitAsync().ConfigureAwait(false);
        try
        {
            if (_phase == Phase.ShutDown) return;
            _phase = Phase.ShuttingDown;
            Interlocked.Exchange(ref _resourceWatch, null)?.Dispose();
            if (_supervisor is { } supervisor && LeaveStopsBackends(p?.StopBackends == true))
            {
                await supervisor.ShutdownAsync().ConfigureAwait(false);
                EndShare();
            }
            // The last statusChanged (each backend's "stopped") goes out before the answer, as for stop.
            await FlushStatusChangesAsync().ConfigureAwait(false);
            _phase = Phase.ShutDown;
        }
        finally
        {
            _shutdownGate.Release();
        }
    }

    /// <summary>The exit notification: exit code 0 after shutdown, 1 otherwise (backends are stopped either way).</summary>
    public async Task ExitAsync()
    {
        // A shutdown still stopping backends counts: exit waits for it.
        var clean = _shutdownRequested || _phase is Phase.ShuttingDown or Phase.ShutDown;
        if (!clean)
            _logger.LogWarning("exit without shutdown: stopping every backend before exiting with code 1");
        await ShutdownAsync().ConfigureAwait(false);

        _handler?.StopReading();
        _exit.TrySetResult(clean ? 0 : 1);
    }

    /// <summary>End of input, or the parent died: the contract treats it as shutdown + exit, with exit code 0.</summary>
    public async Task EndAsync(string why)
    {
        if (_exit.Task.IsCompleted) return;
        _logger.LogInformation("{Why}: stopping every backend and exiting", why);
        await ShutdownAsync().ConfigureAwait(false);
        _handler?.StopReading();
        _exit.TrySetResult(0);
    }

    private void WatchParent(int pid)
    {
        _parentWatch = Task.Run(async () =>
        {
            await ParentProcess.WaitForExitAsync(pid).ConfigureAwait(false);
            await EndAsync($"parent process {pid} is gone").ConfigureAwait(false);
        });
    }

    private async Task NotifyAsync<T>(string method, T value)
    {
        if (_rpc is not { IsDisposed: false } rpc) return;
        try
        {
            await rpc.NotifyAsync(method, value).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is ConnectionLostException or ObjectDisposedException or IOException)
        {
            // The host is gone: there is nobody left to tell.
        }
    }

    public async ValueTask DisposeAsync()
    {
        // A client that leaves without shutdown no longer asks for resource samples either.
        Interlocked.Exchange(ref _resourceWatch, null)?.Dispose();
        if (_supervisor is { } supervisor)
        {
            if (_statuses is { } detach) supervisor.StatusChanged -= detach.Enqueue;
            if (!_joinedShare) await supervisor.DisposeAsync().ConfigureAwait(false);
        }
        if (_statuses is { } statuses) await statuses.DisposeAsync().ConfigureAwait(false);
        if (_logs is { } logs) await logs.DisposeAsync().ConfigureAwait(false);
    }
}
