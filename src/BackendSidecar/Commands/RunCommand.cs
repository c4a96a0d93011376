using System.Runtime.InteropServices;
using BackendSidecar.Cli;
using BackendSidecar.Core.Configuration;
using BackendSidecar.Core.Supervision;
using BackendSidecar.Hosting;
using Microsoft.Extensions.Logging;

namespace BackendSidecar.Commands;

/// <summary>
/// <c>backend-sidecar run</c>: for a person at a terminal. Starts the backends, shows their logs and state changes,
/// and on Ctrl+C or SIGTERM stops everything gracefully and exits 0.
/// </summary>
internal static class RunCommand
{
    public static async Task<int> RunAsync(CommandLine options, TextWriter stdout, TextWriter stderr)
    {
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
        var color = !options.NoColor && !Console.IsOutputRedirected && Environment.GetEnvironmentVariable("NO_COLOR") is null;
        // The terminal shows state changes itself; stderr keeps only warnings and errors.
        using var loggerFactory = SidecarLogging.Create(options.LogLevel == "information" ? "warning" : options.LogLevel);
        var services = SidecarServices.Create(loggerFactory, config.SourcePath);
        await using var terminal = new TerminalOutput(stdout, color, config.Backends.Select(b => b.Name));
        await using var supervisor = new Supervisor(config, services);

        using var stopping = new CancellationTokenSource();
        using var sigint = PosixSignalRegistration.Create(PosixSignal.SIGINT, OnSignal);
        using var sigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, OnSignal);
        void OnSignal(PosixSignalContext context)
        {
            context.Cancel = true; // we stop the backends first, then exit 0
            stopping.Cancel();
        }

        supervisor.StatusChanged += terminal.State;
        foreach (var backend in supervisor.Backends)
        {
            var name = backend.Name;
            backend.Logs.Subscribe(entry => terminal.Log(name, entry));
        }

        terminal.Info($"backend-sidecar {Program.Version}: {config.Backends.Count} backend(s) from {config.SourcePath}. Ctrl+C stops them all.");
        if (demo)
            terminal.Info("This is the demo. Try: curl http://127.0.0.1:8882/  then  curl http://127.0.0.1:8882/crash  and watch it come back.");

        if (await supervisor.ReapOrphansAsync() is { Stopped.Count: > 0 } reaped)
            terminal.Info(reaped.ToString());

        var failures = await supervisor.StartAutoStartAsync(all: demo || options.All, stopping.Token).ContinueWith(
            t => t.IsCompletedSuccessfully ? t.Result : [], TaskScheduler.Default);
        foreach (var failure in failures)
            terminal.Error($"{failure.Backend}: {Describe(failure)}");

        if (!stopping.IsCancellationRequested && supervisor.Backends.Count > 0 &&
            supervisor.Status().All(s => s.State is BackendState.Failed or BackendState.Stopped))
        {
            terminal.Error("Nothing is running. Run `backend-sidecar check" + (demo ? "" : $" --config {options.ConfigPath}") + "` for a preflight report.");
            await supervisor.ShutdownAsync();
            return 1;
        }

        try
        {
            await Task.Delay(Timeout.Infinite, stopping.Token);
        }
        catch (OperationCanceledException)
        {
        }

        terminal.Info("Stopping every backend…");
        await supervisor.ShutdownAsync();
        var left = supervisor.Status().Where(s => s.Pid is not null).ToArray();
        terminal.Info(left.Length == 0 ? "All stopped. Bye." : $"Still running: {string.Join(", ", left.Select(s => s.Backend))}");
        return 0;
    }

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
