using BackendSidecar.Cli;
using BackendSidecar.Core.Configuration;
using BackendSidecar.Core.Diagnostics;
using BackendSidecar.Core.Ports;

namespace BackendSidecar.Commands;

/// <summary>
/// <c>backend-sidecar check</c>: the preflight report. Every configuration error is listed at once, one line each on stderr;
/// a valid configuration gets a report per backend on stdout. Exit code 1 when an error is found.
/// </summary>
internal static class CheckCommand
{
    public static async Task<int> RunAsync(CommandLine options, TextWriter stdout, TextWriter stderr, bool color)
    {
        var configPath = Path.GetFullPath(options.ConfigPath ?? Hosting.ConfigLocator.DemoConfigPath);
        ConfigCheck report;
        try
        {
            report = ConfigLoader.Check(configPath, options.Profile);
        }
        catch (InvalidOperationException)
        {
            // System.Text.Json parses invalid UTF-8 inside a string (or a lone surrogate escape) and only fails when the
            // string is read; one line rather than a stack trace until the loader refuses such text itself.
            report = new ConfigCheck(null, [new ConfigException("$", "the file holds text that is not valid UTF-8 (or a lone surrogate escape such as \\ud800)", configPath)]);
        }
        if (report.Config is not { } config)
        {
            foreach (var error in report.Errors)
                await stderr.WriteLineAsync($"backend-sidecar: invalid configuration: {error.Message}");
            var count = report.Errors.Count;
            await stderr.WriteLineAsync(count == 1 ? "1 error in the configuration." : $"{count} errors in the configuration.");
            return 1;
        }

        var preflight = new Preflight(Hosting.SidecarServices.Platform.Ports, EnvironmentBuilder.CurrentProcessEnvironment, Hosting.SidecarServices.Platform.Processes);
        // Every backend's checks first, with the version probes in parallel: each may take up to its timeout.
        var reports = await Task.WhenAll(config.Backends.Select(async backend =>
        {
            var checks = await preflight.RunAsync(backend);
            return (Backend: backend, Checks: await WithVersionAsync(backend, checks));
        }));

        var errors = 0;
        await stdout.WriteLineAsync($"{config.SourcePath}: configuration is valid ({config.Backends.Count} {(config.Backends.Count == 1 ? "backend" : "backends")})");
        foreach (var check in ConfigurationChecks.Run(config))
            await WriteAsync(check);
        foreach (var (backend, checks) in reports)
        {
            await stdout.WriteLineAsync(backend.Name);
            foreach (var check in checks)
            {
                if (!check.Ok && check.Severity == CheckSeverity.Error) errors++;
                await WriteAsync(check);
                if (!check.Ok && check.Detail?.GetValueOrDefault("searched") is IReadOnlyList<string> searched)
                    foreach (var path in searched)
                        await stdout.WriteLineAsync($"               searched {path}");
            }
        }

        await stdout.WriteLineAsync(errors == 0
            ? Paint(color, TerminalColors.Green, "No errors found.")
            : Paint(color, TerminalColors.Red, errors == 1 ? "1 error found." : $"{errors} errors found."));
        return errors == 0 ? 0 : 1;

        Task WriteAsync(Check check)
        {
            var mark = check.Ok ? Paint(color, TerminalColors.Green, "ok  ")
                : check.Severity == CheckSeverity.Error ? Paint(color, TerminalColors.Bold + TerminalColors.Red, "FAIL")
                : Paint(color, TerminalColors.Yellow, "warn");
            return stdout.WriteLineAsync($"  {mark} {check.Id,-8} {check.Message}");
        }
    }

    private static string Paint(bool color, string code, string text) => TerminalColors.Paint(color, code, text);

    /// <summary>Adds the resolved command's <c>--version</c> line to its "found at" check, for the runtimes that are safe to ask.</summary>
    private static async Task<IReadOnlyList<Check>> WithVersionAsync(BackendOptions backend, IReadOnlyList<Check> checks)
    {
        var index = checks.ToList().FindIndex(c => c.Id == "command" && c.Ok);
        if (index < 0 || !CommandVersion.IsProbeable(backend.Command)) return checks;
        var command = checks[index];
        if (command.Detail?.GetValueOrDefault("path") is not string path) return checks;
        var cwd = backend.Cwd ?? backend.ConfigDirectory;
        if (await CommandVersion.ProbeAsync(path, cwd, CommandVersion.DefaultTimeout) is not { } version) return checks;

        var shown = path.StartsWith(cwd + Path.DirectorySeparatorChar, StringComparison.Ordinal) ? Path.GetRelativePath(cwd, path) : path;
        var detail = new Dictionary<string, object?>(command.Detail) { ["version"] = version };
        var list = checks.ToList();
        list[index] = command with { Message = $"{backend.Command} found at {shown} ({version})", Detail = detail };
        return list;
    }
}
