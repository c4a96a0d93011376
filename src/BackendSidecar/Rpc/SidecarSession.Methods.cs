using System.Text.Json;
using BackendSidecar.Core.Diagnostics;
using BackendSidecar.Core.Configuration;
using BackendSidecar.Core.Logging;
using BackendSidecar.Core.Supervision;
using BackendSidecar.Hosting;
using BackendSidecar.Rpc.Dtos;

namespace BackendSidecar.Rpc;

internal sealed partial class SidecarSession
{
    private const int MaxTail = 100_000;

    private static SidecarJsonContext Json => SidecarJsonContext.Default;

    public Task<BackendStatusDto> StartAsync(StartParams p, CancellationToken cancellationToken) => StartAsync(p, restart: false, cancellationToken);

    public Task<BackendStatusDto> RestartAsync(StartParams p, CancellationToken cancellationToken) => StartAsync(p, restart: true, cancellationToken);

    public Task<StatusResult> StatusAsync(BackendParams p) => StatusOfAsync(p);

    public Task<LogsResult> LogsAsync(LogsParams p) => Task.FromResult(Logs(p));

    public Task<EmptyResult> SubscribeAsync(SubscribeParams p) => Task.FromResult(Subscribe(p));

    public Task<DiagnoseResult> DiagnoseAsync(BackendParams p) => DiagnoseOfAsync(p);

    private Supervisor Supervisor => _supervisor ?? throw new InvalidOperationException("not initialized");

    private async Task<BackendStatusDto> StartAsync(StartParams p, bool restart, CancellationToken ct)
    {
        if (p.Args?.Any(a => a is null) == true) throw ContractErrors.InvalidParams("args", "must not contain null");
        if (p.Env?.Keys.Any(string.IsNullOrEmpty) == true) throw ContractErrors.InvalidParams("env", "names must not be empty");
        if (p.SecretEnv?.Any(kv => kv.Key.Length == 0 || kv.Value is null) == true)
            throw ContractErrors.InvalidParams("secretEnv", "names must not be empty and values must be strings");

        var overrides = new StartOverrides(p.Args, p.Env, p.SecretEnv, p.ResetOverrides);
        try
        {
            var status = restart
                ? await Supervisor.RestartAsync(p.Backend, overrides, p.Wait, ct).ConfigureAwait(false)
                : await Supervisor.StartAsync(p.Backend, overrides, p.Wait, ct).ConfigureAwait(false);
            return DtoMapper.Status(status);
        }
        finally
        {
            // An error answer too: the statusChanged to failed must reach the client before the -32012 that caused it.
            await FlushStatusChangesAsync().ConfigureAwait(false);
        }
    }

    public async Task<BackendStatusDto> StopAsync(StopParams p, CancellationToken ct)
    {
        if (p.TimeoutMs is < 1) throw ContractErrors.InvalidParams("timeoutMs", $"must be >= 1, got {p.TimeoutMs}");
        var timeout = p.TimeoutMs is { } ms ? TimeSpan.FromMilliseconds(ms) : (TimeSpan?)null;
        try
        {
            return DtoMapper.Status(await Supervisor.StopAsync(p.Backend, timeout, p.Wait, ct).ConfigureAwait(false));
        }
        finally
        {
            await FlushStatusChangesAsync().ConfigureAwait(false);
        }
    }

    /// <summary>Lets the statusChanged notifications of a transition go out before the answer that reports its end.</summary>
    private Task FlushStatusChangesAsync() => _statuses?.FlushAsync() ?? Task.CompletedTask;

    // A status call samples resources (protocol 1.1); the supervisor keeps it to once per interval.
    private async Task<StatusResult> StatusOfAsync(BackendParams p) =>
        new(p.Backend is null
            ? DtoMapper.Statuses(await Supervisor.StatusWithResourcesAsync().ConfigureAwait(false))
            : [DtoMapper.Status(await Supervisor.Get(p.Backend).StatusWithResourcesAsync().ConfigureAwait(false))]);

    private LogsResult Logs(LogsParams p)
    {
        if (p.Tail is < 0 or > MaxTail) throw ContractErrors.InvalidParams("tail", $"must be between 0 and {MaxTail}, got {p.Tail}");
        if (p.AfterSeq is < 0) throw ContractErrors.InvalidParams("afterSeq", $"must be >= 0, got {p.AfterSeq}");
        LogStream? stream = p.Stream switch
        {
            "all" => null,
            "stdout" => LogStream.Stdout,
            "stderr" => LogStream.Stderr,
            _ => throw ContractErrors.InvalidParams("stream", $"must be \"stdout\", \"stderr\" or \"all\", got \"{p.Stream}\""),
        };
        var backend = Supervisor.Get(p.Backend);
        var snapshot = backend.Logs.Read(p.Tail, p.AfterSeq, stream);
        return new LogsResult(backend.Name, snapshot.Entries.Select(DtoMapper.Entry).ToArray(), snapshot.NextSeq, snapshot.Truncated);
    }

    private EmptyResult Subscribe(SubscribeParams p)
    {
        switch (p.Logs.ValueKind)
        {
            case JsonValueKind.True or JsonValueKind.False:
                _logs!.Subscribe(p.Logs.GetBoolean(), names: null);
                break;
            case JsonValueKind.Array:
                var names = new List<string>();
                foreach (var item in p.Logs.EnumerateArray())
                {
                    if (item.ValueKind != JsonValueKind.String)
                        throw ContractErrors.InvalidParams("logs", "must be true, false or a list of backend names");
                    names.Add(Supervisor.Get(item.GetString()!).Name); // unknown names get -32010
                }

                _logs!.Subscribe(all: false, names);
                break;
            default:
                throw ContractErrors.InvalidParams("logs", "must be true, false or a list of backend names");
        }

        SubscribeResources(p.Resources);
        return new EmptyResult();
    }

    /// <summary>Replaces the previous subscription's resources part: absent or false ends the sampling.</summary>
    private void SubscribeResources(bool on)
    {
        if (on)
        {
            var watch = Supervisor.WatchResources();
            Interlocked.Exchange(ref _resourceWatch, watch)?.Dispose();
        }
        else
        {
            Interlocked.Exchange(ref _resourceWatch, null)?.Dispose();
        }
    }

    private async Task<DiagnoseResult> DiagnoseOfAsync(BackendParams p)
    {
        var backend = Supervisor.Get(p.Backend);
        var checks = await new Preflight(Hosting.SidecarServices.Platform.Ports, EnvironmentBuilder.CurrentProcessEnvironment, Hosting.SidecarServices.Platform.Processes)
            .RunAsync(backend.Options, backend.Status.Pid).ConfigureAwait(false);
        var ok = checks.All(c => c.Ok || c.Severity != CheckSeverity.Error);
        return new DiagnoseResult(backend.Name, ok, checks.Select(DtoMapper.Check).ToArray());
    }
}
