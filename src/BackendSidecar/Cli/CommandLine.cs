namespace BackendSidecar.Cli;

public enum CommandKind { Serve, Run, Check, Help, Version, Status, Logs, Start, Stop, Restart, Diagnose }

public enum FramingOption { Auto, Header, Ndjson }

/// <summary>The parsed command line. A small hand parser: System.CommandLine costs start-up time that hosts pay on every spawn.</summary>
public sealed record CommandLine
{
    public CommandKind Command { get; init; } = CommandKind.Serve;
    public string? ConfigPath { get; init; }
    public string? Profile { get; init; }
    public int? ParentPid { get; init; }
    public FramingOption Framing { get; init; } = FramingOption.Auto;
    public long MaxMessageBytes { get; init; } = 8 * 1024 * 1024;
    public bool All { get; init; }
    public bool NoColor { get; init; }
    public string LogLevel { get; init; } = "information";
    public bool New { get; init; }
    public bool Json { get; init; }
    public bool Follow { get; init; }
    public int Lines { get; init; } = 20;
    /// <summary>The backend named by <c>logs</c>, <c>start</c>, <c>stop</c>, <c>restart</c> or <c>diagnose</c>.</summary>
    public string? Backend { get; init; }

    public const string Usage = """
        backend-sidecar: runs local backends (spawn, health, restart, stop, logs) for desktop and editor apps.

        Usage:
          backend-sidecar [serve] [--config FILE] [--profile P] [--parent-pid N] [--framing auto|header|ndjson]
                                  [--max-message-bytes N] [--log-level LEVEL]
              JSON-RPC 2.0 server on stdin/stdout for hosts (VS Code, Electron, scripts). Protocol: protocol/README.md.
          backend-sidecar run [--config FILE] [--profile P] [--no-color]
              For a person at a terminal: starts the autoStart backends (all, without --config: the demo),
              prints their logs and state changes; Ctrl+C stops everything, a second Ctrl+C forces it.
          backend-sidecar check [--config FILE] [--profile P] [--no-color]
              Lists every configuration error at once, then a preflight report for every backend
              (command found, version, cwd, envFile, port free); exit code 1 when an error is found.
          backend-sidecar status [--config FILE] [--json]
              The backends of the sidecar running for the configuration (a table; --json for scripts).
          backend-sidecar logs [-f] [NAME] [-n N] [--config FILE] [--json]
              The last N lines (default 20) of one backend or all; -f keeps following them.
          backend-sidecar start|stop|restart NAME [--config FILE] [--json]
          backend-sidecar diagnose [NAME] [--config FILE] [--json]
              Control and preflight reports through the running sidecar (see "Attach and the CLI" in README.md).
          backend-sidecar --help | --version

        Options:
          --config FILE           configuration file (protocol/sidecar-config.schema.json); run and check default to the demo
          --profile P             apply each backend's profiles.P (e.g. production: the bundled executable)
          --parent-pid N          stop everything and exit when process N dies (serve)
          --framing F             auto (from the first byte), header (Content-Length, as LSP) or ndjson (one message per line)
          --max-message-bytes N   refuse larger messages without reading them (default 8388608)
          --log-level LEVEL       stderr diagnostics: trace, debug, information, warning, error (default information)
          --all                   run: start every backend, not only those marked autoStart
          --no-color              run, check: no colours (also when NO_COLOR is set or the output is not a terminal)
          --new                   serve, run: start a new sidecar even when one is running for the configuration
                                  (without it they attach to the running one)
          --json                  status, logs, start, stop, restart, diagnose: the protocol's JSON, one document a line
          -f, --follow            logs: keep printing new lines until Ctrl+C
          -n N                    logs: how many of the last lines (default 20)
        """;

    /// <summary>Parses <paramref name="args"/>; a bad command line throws <see cref="UsageException"/> naming the problem.</summary>
    public static CommandLine Parse(IReadOnlyList<string> args)
    {
        var result = new CommandLine();
        var i = 0;
        if (args.Count > 0 && !args[0].StartsWith('-'))
        {
            result = result with
            {
                Command = args[0] switch
                {
                    "serve" => CommandKind.Serve,
                    "run" => CommandKind.Run,
                    "check" => CommandKind.Check,
                    "help" => CommandKind.Help,
                    "status" or "ls" or "ps" => CommandKind.Status,
                    "logs" => CommandKind.Logs,
                    "start" => CommandKind.Start,
                    "stop" => CommandKind.Stop,
                    "restart" => CommandKind.Restart,
                    "diagnose" => CommandKind.Diagnose,
                    _ => throw new UsageException($"unknown command \"{args[0]}\" (commands: serve, run, check, status, logs, start, stop, restart, diagnose)"),
                },
            };
            i = 1;
        }

        for (; i < args.Count; i++)
        {
            var arg = args[i];
            string? inline = null;
            var eq = arg.IndexOf('=');
            if (arg.StartsWith("--") && eq > 0)
            {
                inline = arg[(eq + 1)..];
                arg = arg[..eq];
            }

            string Value() => inline ?? (++i < args.Count ? args[i] : throw new UsageException($"{arg} needs a value"));

            result = arg switch
            {
                "--help" or "-h" => result with { Command = CommandKind.Help },
                "--version" => result with { Command = CommandKind.Version },
                "--config" or "-c" => result with { ConfigPath = Value() },
                "--profile" => result with { Profile = Value() },
                "--parent-pid" => result with { ParentPid = ParseInt(arg, Value(), 1) },
                "--framing" => result with { Framing = ParseFraming(Value()) },
                "--max-message-bytes" => result with { MaxMessageBytes = ParseInt(arg, Value(), 64) },
                "--log-level" => result with { LogLevel = ParseLevel(Value()) },
                "--all" => result with { All = true },
                "--no-color" => result with { NoColor = true },
                "--new" => result with { New = true },
                "--json" => result with { Json = true },
                "--follow" or "-f" => result with { Follow = true },
                "-n" or "--lines" => result with { Lines = ParseInt(arg, Value(), 0) },
                _ when !arg.StartsWith('-') && result.Backend is null && TakesBackend(result.Command) => result with { Backend = arg },
                _ => throw new UsageException($"unknown option \"{arg}\""),
            };
        }

        if (result.Command is CommandKind.Start or CommandKind.Stop or CommandKind.Restart && result.Backend is null)
            throw new UsageException($"{result.Command.ToString().ToLowerInvariant()} needs a backend name");
        return result;
    }

    private static bool TakesBackend(CommandKind command) =>
        command is CommandKind.Logs or CommandKind.Start or CommandKind.Stop or CommandKind.Restart or CommandKind.Diagnose;

    private static int ParseInt(string option, string value, int min) =>
        int.TryParse(value, out var n) && n >= min ? n : throw new UsageException($"{option} takes a whole number >= {min}, got \"{value}\"");

    private static FramingOption ParseFraming(string value) => value switch
    {
        "auto" => FramingOption.Auto,
        "header" => FramingOption.Header,
        "ndjson" => FramingOption.Ndjson,
        _ => throw new UsageException($"--framing takes auto, header or ndjson, got \"{value}\""),
    };

    private static string ParseLevel(string value) => value.ToLowerInvariant() switch
    {
        "trace" or "debug" or "information" or "info" or "warning" or "error" or "none" => value.ToLowerInvariant(),
        _ => throw new UsageException($"--log-level takes trace, debug, information, warning, error or none, got \"{value}\""),
    };
}

public sealed class UsageException(string message) : Exception(message);
