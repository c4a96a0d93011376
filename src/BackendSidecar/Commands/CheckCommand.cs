using BackendSidecar.Cli;
using BackendSidecar.Core.Configuration;
using BackendSidecar.Core.Diagnostics;
using BackendSidecar.Core.Ports;

namespace BackendSidecar.Commands;

/// <summary><c>backend-sidecar check</c>: the preflight report. Exit code 1 when an error is found.</summary>
internal static class CheckCommand
{
    public static async Task<int> RunAsync(CommandLine options, TextWriter stdout, TextWriter stderr)
    {
        SidecarConfig config;
        try
        {
            config = Hosting.ConfigLocator.Load(options.ConfigPath, options.Profile);
        }
        catch (ConfigException ex)
        {
            await stderr.WriteLineAsync($"backend-sidecar: invalid configuration: {ex.Message}");
            return 1;
        }

        var preflight = new Preflight(new LinuxPortInspector(), EnvironmentBuilder.CurrentProcessEnvironment);
        var errors = 0;
        await stdout.WriteLineAsync($"{config.SourcePath}: configuration is valid ({config.Backends.Count} {(config.Backends.Count == 1 ? "backend" : "backends")})");
        foreach (var backend in config.Backends)
        {
            await stdout.WriteLineAsync(backend.Name);
            foreach (var check in preflight.Run(backend))
            {
                var mark = check.Ok ? "ok  " : check.Severity == CheckSeverity.Error ? "FAIL" : "warn";
                if (!check.Ok && check.Severity == CheckSeverity.Error) errors++;
                await stdout.WriteLineAsync($"  {mark} {check.Id,-8} {check.Message}");
                if (!check.Ok && check.Detail?.GetValueOrDefault("searched") is IReadOnlyList<string> searched)
                    foreach (var path in searched)
                        await stdout.WriteLineAsync($"               searched {path}");
            }
        }

        await stdout.WriteLineAsync(errors == 0 ? "No errors found." : $"{errors} error(s) found.");
        return errors == 0 ? 0 : 1;
    }
}
