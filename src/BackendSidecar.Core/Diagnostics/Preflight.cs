using BackendSidecar.Core.Configuration;
using BackendSidecar.Core.Platform;
using BackendSidecar.Core.Ports;
using BackendSidecar.Core.State;

namespace BackendSidecar.Core.Diagnostics;

/// <summary>
/// Checks a backend can start, without starting anything: the command line's <c>check</c> and the protocol's <c>diagnose</c>.
/// </summary>
/// <param name="processes">Tells a port held by a member of the running backend's group from a stranger's.</param>
public sealed class Preflight(IPortInspector ports, Func<IReadOnlyDictionary<string, string>> baseEnvironment, IProcessTable processes)
{
    /// <param name="backend">The backend to check.</param>
    /// <param name="runningPid">The backend's PID (its process group's id) when it is running: a port it holds itself is no conflict.</param>
    public async Task<IReadOnlyList<Check>> RunAsync(BackendOptions backend, int? runningPid = null, CancellationToken cancellationToken = default)
    {
        var checks = new List<Check>();
        var cwd = backend.Cwd ?? backend.ConfigDirectory;
        var cwdExists = Directory.Exists(cwd);
        checks.Add(cwdExists
            ? Ok("cwd", $"working directory {cwd} exists", ("path", cwd))
            : Error("cwd", $"working directory {cwd} does not exist", ("path", cwd)));

        IReadOnlyDictionary<string, string>? envFile = null;
        if (backend.EnvFile is { } file)
        {
            try
            {
                envFile = EnvFile.Read(file);
                checks.Add(Ok("envFile", $"envFile {file} is readable ({envFile.Count} variables)", ("path", file)));
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or ConfigException)
            {
                checks.Add(Error("envFile", $"envFile {file}: {ex.Message}", ("path", file)));
            }
        }

        var environment = EnvironmentBuilder.Build(baseEnvironment(), envFile, backend.Env, null, null);
        environment.TryGetValue("PATH", out var path);
        var command = CommandResolver.Resolve(backend.Command, backend.SearchPaths, cwd, path);
        checks.Add(command.Path is { } found
            ? Ok("command", $"command \"{backend.Command}\" found at {found}", ("path", found), ("searched", command.Searched))
            : NotFound(backend, cwd, path, command.Searched));

        if (backend.Port is { } port)
            checks.Add(await PortCheckAsync(backend, port, runningPid, cancellationToken).ConfigureAwait(false));

        if (backend.Health is { } health)
            checks.Add(new Check("health", true, CheckSeverity.Info, $"health check: {Describe(health)}",
                Detail(("kind", health.Kind.ToString()), ("target", health.Target))));
        else
            checks.Add(new Check("health", true, CheckSeverity.Warning, "no health check: the backend counts as running as soon as it is spawned"));

        return checks;
    }

    private static Check NotFound(BackendOptions backend, string cwd, string? path, IReadOnlyList<string> searched)
    {
        var folders = backend.SearchPaths.Select(f => Path.GetFullPath(f, cwd))
            .Concat((path ?? "").Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
        var suggestion = CommandSuggestions.Closest(backend.Command, folders);
        return suggestion is null
            ? Error("command", $"command \"{backend.Command}\" not found", ("searched", searched))
            : Error("command", $"command \"{backend.Command}\" not found (did you mean \"{suggestion}\"?)", ("searched", searched), ("suggestion", suggestion));
    }

    private async Task<Check> PortCheckAsync(BackendOptions backend, int port, int? runningPid, CancellationToken cancellationToken)
    {
        if (await ports.FindListenerAsync(port, cancellationToken).ConfigureAwait(false) is not { } owner)
            return Ok("port", $"port {port} is free", ("port", port));
        if (await IsTheBackendItselfAsync(owner, runningPid, cancellationToken).ConfigureAwait(false))
            return Ok("port", $"port {port} is held by the backend itself (pid {owner.Pid})", ("port", port), ("pid", owner.Pid));

        var who = owner.Pid is { } pid ? $"pid {pid} ({owner.ProcessName ?? "unknown"})" : "a process this user cannot see";
        var facts = Detail(("port", port), ("pid", owner.Pid), ("processName", owner.ProcessName));
        return backend.OnPortInUse switch
        {
            PortInUsePolicy.Fail => new Check("port", false, CheckSeverity.Error, $"port {port} is in use by {who}", facts),
            PortInUsePolicy.Adopt => new Check("port", false, CheckSeverity.Warning, $"port {port} is in use by {who}; it will be adopted if its health check passes", facts),
            _ => new Check("port", false, CheckSeverity.Warning, $"port {port} is in use by {who}; it will be reclaimed only if the state file proves this sidecar started it", facts),
        };
    }

    /// <summary>The listener is the running backend's leader or a member of its process group (a server under a wrapper).</summary>
    private async Task<bool> IsTheBackendItselfAsync(PortOwner owner, int? runningPid, CancellationToken cancellationToken)
    {
        if (runningPid is not { } leader || owner.Pid is not { } pid) return false;
        if (pid == leader) return true;
        return await processes.TryGetStartTimeAsync(leader, cancellationToken).ConfigureAwait(false) is { } started
            && await processes.IsOwnedByAsync(owner, new BackendStateRecord("", leader, started, 0, 0, null, default), cancellationToken).ConfigureAwait(false);
    }

    private static string Describe(HealthOptions health) => health.Kind switch
    {
        HealthKind.Http => $"GET {health.Target} expecting HTTP {health.ExpectStatus}" + (health.ExpectJson is null ? "" : $" and {health.ExpectJson.ToJsonString()}"),
        HealthKind.Tcp => $"TCP connect to {health.Target}",
        _ => $"a log line matching /{health.Target}/",
    };

    private static Check Ok(string id, string message, params (string, object?)[] detail) => new(id, true, CheckSeverity.Info, message, Detail(detail));

    private static Check Error(string id, string message, params (string, object?)[] detail) => new(id, false, CheckSeverity.Error, message, Detail(detail));

    private static IReadOnlyDictionary<string, object?> Detail(params (string Key, object? Value)[] facts) =>
        facts.ToDictionary(f => f.Key, f => f.Value);
}
