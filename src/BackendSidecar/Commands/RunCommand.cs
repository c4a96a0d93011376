using System.Diagnostics;
using BackendSidecar.Cli;
using BackendSidecar.Core.Configuration;
using BackendSidecar.Core.Supervision;
using BackendSidecar.Hosting;

namespace BackendSidecar.Commands;

/// <summary>
/// <c>backend-sidecar run</c>: for a person at a terminal. Starts the backends, shows their logs and state changes,
/// and on Ctrl+C or SIGTERM stops everything gracefully and exits 0; a second Ctrl+C kills what is still running.
/// </summary>
internal static class RunCommand
{
    public static async Task<int> RunAsync(CommandLine options, TextWriter stdout, TextWriter stderr)
    {
        var configPath = Path.GetFullPath(options.ConfigPath ?? ConfigLocator.DemoConfigPath);
        if (!options.New && await TryAttachAsync(configPath, stderr) is var (client, initialized))
            return await RunAttached.RunAsync(client, initialized, configPath, stdout);

        SidecarConfig config;
        try
        {
            config = ConfigLocator.Load(options.ConfigPath, options.Profile);
        }
        catch (ConfigException ex)
        {
            await stderr.WriteLineAsync($"backend-sidecar: invalid configuration: {ex.Message}");
            return 1;
        }

        var demo = options.ConfigPath is null;
        // The terminal shows state changes itself; stderr keeps only warnings and errors.
        using var loggerFactory = SidecarLogging.Create(options.LogLevel == "information" ? "warning" : options.LogLevel);
        var services = SidecarServices.Create(loggerFactory, config.SourcePath);
        await using var terminal = new TerminalOutput(stdout, TerminalColors.ForStdout(options.NoColor), !Console.IsOutputRedirected, config.Backends.Select(b => b.Name));
        await using var supervisor = new Supervisor(config, services);

        using var signals = new RunSignals();
        // Other terminals and windows attach here (status, logs, restart...); the backends stay this terminal's.
        var share = new Rpc.SharedSupervisor(supervisor, config.SourcePath!, endsWithLastSession: false);
        await using var endpoint = EndpointServer.TryStart(share, options, loggerFactory);
        supervisor.StatusChanged += new StatusLines(terminal).Show;
        foreach (var backend in supervisor.Backends)
        {
            var name = backend.Name;
            backend.Logs.Subscribe(entry => terminal.Log(name, entry));
        }

        terminal.Info($"backend-sidecar {Program.Version}: {config.Backends.Count} backend(s) from {config.SourcePath}. Ctrl+C stops them all.");
        ShowLogFiles(terminal, supervisor);
        if (demo)
            terminal.Info("This is the demo. Try: curl http://127.0.0.1:8882/  then  curl http://127.0.0.1:8882/crash  and watch it come back.");

        if (await supervisor.ReapOrphansAsync() is { Stopped.Count: > 0 } reaped)
            terminal.Info(reaped.ToString());

        var all = demo || options.All;
        var failures = await supervisor.StartAutoStartAsync(all, signals.Stopping).ContinueWith(
            t => t.IsCompletedSuccessfully ? t.Result : [], TaskScheduler.Default);
        ShowStartFailures(terminal, supervisor, failures, all);

        if (!signals.Stopping.IsCancellationRequested && supervisor.Backends.Count > 0 &&
            supervisor.Status().All(s => s.State is BackendState.Failed or BackendState.Stopped))
        {
            terminal.Error("Nothing is running. Run `backend-sidecar check" + (demo ? "" : $" --config {options.ConfigPath}") + "` for a preflight report.");
            await supervisor.ShutdownAsync();
            return 1;
        }

        try
        {
            await Task.WhenAny(Task.Delay(Timeout.Infinite, signals.Stopping), share.Ended);
        }
        catch (OperationCanceledException)
        {
        }

        await StopAsync(terminal, supervisor, signals);
        var left = supervisor.Status().Where(s => s.Pid is not null).ToArray();
        terminal.Info(left.Length == 0 ? "All stopped. Bye." : $"Still running: {string.Join(", ", left.Select(s => s.Backend))}");
        return 0;
    }

    private static async Task<(EndpointClient, System.Text.Json.Nodes.JsonObject)?> TryAttachAsync(string configPath, TextWriter stderr)
    {
        try
        {
            return await EndpointClient.AttachAsync(configPath, "backend-sidecar-run");
        }
        catch (Exception ex) when (ex is IOException or EndpointErrorException or System.Net.Sockets.SocketException or UnauthorizedAccessException)
        {
            await stderr.WriteLineAsync($"backend-sidecar: not attaching: {ex.Message}");
            return null;
        }
    }

    /// <summary>Where to look afterwards (or with <c>tail -f</c> now): the output stays in these files when the terminal scrolls.</summary>
    private static void ShowLogFiles(TerminalOutput terminal, Supervisor supervisor)
    {
        var files = supervisor.Backends.Select(b => (b.Name, File: b.LogFile)).ToList();
        var folders = files.Select(f => Path.GetDirectoryName(f.File)).Distinct(StringComparer.Ordinal).ToList();
        if (folders.Count == 1)
            terminal.Info($"Log files: {folders[0]}{Path.DirectorySeparatorChar} ({string.Join(", ", files.Select(f => Path.GetFileName(f.File)))})");
        else
            foreach (var (name, file) in files)
                terminal.Info($"Log file of {name}: {file}");
    }

    /// <summary>
    /// Each failure once: a backend whose dependency failed reports the dependency's own failure again (and the state change
    /// already said it), so lines already shown are not repeated, and the dependent says why it did not start.
    /// </summary>
    private static void ShowStartFailures(TerminalOutput terminal, Supervisor supervisor, IReadOnlyList<SupervisorException> failures, bool all)
    {
        var said = new HashSet<string>(StringComparer.Ordinal);
        foreach (var failure in failures)
        {
            var described = Describe(failure);
            // The state change said it already, unless the failure has more to say (what was searched, the last output).
            if (failure.Backend is { } name && described == failure.Message && terminal.Said(name, failure.Message)) continue;
            var line = $"{failure.Backend}: {described}";
            if (said.Add(line)) terminal.Error(line);
        }

        foreach (var backend in supervisor.Backends.Where(b => all || b.Options.AutoStart))
        {
            if (backend.State != BackendState.Stopped) continue;
            var blocking = FailedDependencies(supervisor, backend.Name, []);
            if (blocking.Count > 0)
                terminal.Error($"{backend.Name}: not started because {string.Join(" and ", blocking)} failed");
        }
    }

    /// <summary>The failed backends that <paramref name="name"/> waits on, directly or through a dependency that did not start.</summary>
    private static List<string> FailedDependencies(Supervisor supervisor, string name, HashSet<string> visited)
    {
        var failed = new List<string>();
        if (!visited.Add(name)) return failed;
        foreach (var dependency in supervisor.Get(name).Options.DependsOn)
        {
            var state = supervisor.Get(dependency).State;
            if (state == BackendState.Failed) failed.Add(dependency);
            else if (state == BackendState.Stopped) failed.AddRange(FailedDependencies(supervisor, dependency, visited));
        }
        return failed.Distinct(StringComparer.Ordinal).ToList();
    }

    /// <summary>
    /// Stops every backend gracefully, saying what it waits for; the second Ctrl+C kills what is still running (the process
    /// trees this run started, not adopted ones), as docker compose does.
    /// </summary>
    private static async Task StopAsync(TerminalOutput terminal, Supervisor supervisor, RunSignals signals)
    {
        var running = supervisor.Status().Where(s => s.Pid is not null && !s.External).ToList();
        var longest = TimeSpan.Zero;
        foreach (var status in running)
        {
            var stop = supervisor.Get(status.Backend).Options.Stop;
            longest = stop.Timeout > longest ? stop.Timeout : longest;
            terminal.Info($"stopping {status.Backend} ({stop.Signal}, {Seconds(stop.Timeout)} before SIGKILL)... press Ctrl+C again to force");
        }
        if (running.Count == 0) terminal.Info("Stopping every backend…");

        var shutdown = supervisor.ShutdownAsync();
        var started = Stopwatch.StartNew();
        var forced = false;
        while (!shutdown.IsCompleted)
        {
            await Task.WhenAny(shutdown, Task.Delay(TimeSpan.FromSeconds(1)), signals.Forced);
            if (signals.Forced.IsCompleted && !forced)
            {
                forced = true;
                Force(terminal, supervisor);
            }
            else if (!shutdown.IsCompleted && !forced)
            {
                var waiting = supervisor.Status().Where(s => s.Pid is not null && !s.External).Select(s => s.Backend).ToList();
                var left = longest - started.Elapsed;
                if (waiting.Count > 0 && left > TimeSpan.Zero)
                    terminal.Progress($"waiting for {string.Join(", ", waiting)}: {Seconds(left)} before SIGKILL... press Ctrl+C again to force");
            }
        }
        await shutdown;
    }

    private static void Force(TerminalOutput terminal, Supervisor supervisor)
    {
        foreach (var status in supervisor.Status().Where(s => s.Pid is not null && !s.External))
        {
            try
            {
                using var process = Process.GetProcessById(status.Pid!.Value);
                terminal.Error($"{status.Backend}: forced: SIGKILL to pid {status.Pid} and its children");
                process.Kill(entireProcessTree: true);
            }
            catch (Exception e) when (e is ArgumentException or InvalidOperationException or System.ComponentModel.Win32Exception)
            {
                // Gone between the status and the kill: nothing left to force.
            }
        }
    }

    /// <summary>
    /// State changes as lines, plus what protocol 1.1 adds: loading progress as one line per change, and after an exit
    /// the hint of its cause (unless the sidecar ended it, which the state change says already).
    /// </summary>
    private sealed class StatusLines(TerminalOutput terminal)
    {
        private readonly Dictionary<string, DateTimeOffset> _exitsShown = new(StringComparer.Ordinal);

        public void Show(StatusChange change)
        {
            var s = change.Status;
            if (change.Reason == "resources sampled") return;
            if (change.Reason == "loading progress" && s.Progress is { } progress)
            {
                terminal.State(change with { Reason = $"loading {progress.Reading}" });
                return;
            }
            terminal.State(change);
            if (s.LastExit is not { Hint: { } hint, Cause: { } cause } exit
                || cause is Core.Insights.ExitCause.StoppedBySidecar or Core.Insights.ExitCause.Exited) return;
            lock (_exitsShown)
            {
                if (_exitsShown.TryGetValue(s.Backend, out var shown) && shown == exit.At) return;
                _exitsShown[s.Backend] = exit.At;
            }
            terminal.Error($"{s.Backend}: {hint}");
        }
    }

    private static string Seconds(TimeSpan t) => $"{Math.Ceiling(t.TotalSeconds):0} s";

    /// <summary>One line a person can act on, with the facts of the failure.</summary>
    public static string Describe(SupervisorException ex) => ex.Kind switch
    {
        BackendErrorKind.CannotStart when ex.Searched is { Count: > 0 } searched =>
            $"{ex.Message} (searched: {string.Join(", ", searched)})",
        BackendErrorKind.ExitedBeforeHealthy when ex.LastLines is { Count: > 0 } lines =>
            $"{ex.Message}; last output:\n    " + string.Join("\n    ", lines),
        _ => ex.Message,
    };
}
