using System.Text.RegularExpressions;
using BackendSidecar.Core.Processes;

namespace BackendSidecar.Core.Insights;

/// <summary>
/// The table that turns <see cref="ExitEvidence"/> into <c>lastExit.cause</c> and <c>hint</c> (protocol/README.md, Exit
/// causes). The first rule that gives a hint wins, so the order is the priority: what the sidecar did itself, then the
/// kernel, then what the backend printed (most specific first), then the bare exit status.
/// </summary>
/// <remarks>Every pattern is matched against REAL output kept in tests/BackendSidecar.Core.Tests/Insights/ExitOutputs.</remarks>
public static partial class ExitCauseRules
{
    private sealed record Rule(ExitCause Cause, Func<ExitEvidence, string?> Hint);

    private static readonly Rule[] s_rules =
    [
        new(ExitCause.StoppedBySidecar, StoppedBySidecar),
        new(ExitCause.OutOfMemory, OutOfMemory),
        new(ExitCause.PortInUse, PortInUse),
        new(ExitCause.MissingModule, MissingModule),
        new(ExitCause.CommandNotFound, CommandNotFound),
        new(ExitCause.PermissionDenied, PermissionDenied),
        new(ExitCause.PythonException, PythonException),
        new(ExitCause.Signal, e => e.Signal is { } s ? $"killed by {Signals.Name(s)}, which the sidecar did not send" : null),
        new(ExitCause.ExitCode, e => e.Code is { } c and not 0 ? $"exited with code {c}{LastLine(e)}" : null),
        new(ExitCause.Exited, e => "exited with code 0"),
    ];

    public static ExitDiagnosis Diagnose(ExitEvidence evidence)
    {
        foreach (var rule in s_rules)
        {
            if (rule.Hint(evidence) is { } hint) return new ExitDiagnosis(rule.Cause, hint);
        }
        throw new InvalidOperationException("the last rule always applies");
    }

    private static string? StoppedBySidecar(ExitEvidence e) => e.StoppedBy switch
    {
        null => null,
        SidecarStopReason.Requested => $"stopped on request ({e.ExitText})",
        SidecarStopReason.Shutdown => $"stopped as the sidecar shut down ({e.ExitText})",
        SidecarStopReason.HealthCheckFailed => $"stopped by the sidecar because its health check kept failing ({e.ExitText})",
        SidecarStopReason.StartupTimeout => $"stopped by the sidecar because it was not healthy within the startup timeout ({e.ExitText})",
        SidecarStopReason.StartStalled => $"stopped by the sidecar because its loading progress stalled ({e.ExitText})",
        _ => $"stopped by the sidecar ({e.ExitText})",
    };

    /// <summary>
    /// The OOM killer sends SIGKILL; a shell or launcher around the victim reports it as exit 137 (128 + 9). Where the
    /// kernel's counters cannot be read, a SIGKILL nobody here sent is most often the OOM killer: say "probably".
    /// </summary>
    private static string? OutOfMemory(ExitEvidence e)
    {
        var killed = e.Signal == Signals.SIGKILL || (e.Signal is null && e.Code == 128 + Signals.SIGKILL);
        if (!killed) return null;
        return e.Oom switch
        {
            OomIndication.Seen => "killed by the kernel's out-of-memory killer: give it more memory, or make it use less (a smaller model, fewer workers)",
            OomIndication.Unknown when e.Signal is not null => "probably killed by the kernel's out-of-memory killer (SIGKILL, which the sidecar did not send)",
            _ => null,
        };
    }

    private static string? PortInUse(ExitEvidence e)
    {
        if (!e.IsAbnormal) return null;
        var port = e.Port is { } p ? $"port {p}" : "its port";
        // Node prints the words once and then the error's fields (code: 'EADDRINUSE'); the words are the better hint.
        if ((FindLast(e, AddressInUseWords()) ?? FindLast(e, PortInUsePattern())) is { } line) return $"{port} is already in use: {line}";
        return e.PortHeldByOther ? $"{port} is held by another process" : null;
    }

    private static string? MissingModule(ExitEvidence e)
    {
        if (!e.IsAbnormal || FindLast(e, MissingModulePattern()) is not { } line) return null;
        return line.Contains("Cannot find module", StringComparison.Ordinal)
            ? $"{line}: install it (npm install) where the backend runs"
            : $"{line}: install it in the backend's Python environment, or point searchPaths at the environment that has it";
    }

    private static string? CommandNotFound(ExitEvidence e)
    {
        if (!e.IsAbnormal) return null;
        if (FindLast(e, CommandNotFoundPattern()) is { } line)
        {
            var name = CommandNotFoundPattern().Match(line).Groups["command"].Value;
            return $"command not found: {name} (is it installed, and on PATH or in searchPaths?)";
        }
        return e.Code == 127 ? $"exit 127: a command was not found{LastLine(e)}" : null;
    }

    private static string? PermissionDenied(ExitEvidence e)
    {
        if (!e.IsAbnormal) return null;
        if (FindLast(e, PermissionDeniedPattern()) is { } line) return line;
        return e.Code == 126 ? $"exit 126: a command could not be run (permission denied, or not executable){LastLine(e)}" : null;
    }

    /// <summary>The traceback's last line: the exception and its message, which is what a person needs first.</summary>
    private static string? PythonException(ExitEvidence e)
    {
        if (!e.IsAbnormal) return null;
        var lines = e.LastLines;
        var start = -1;
        for (var i = lines.Count - 1; i >= 0; i--)
        {
            if (lines[i].StartsWith("Traceback (most recent call last)", StringComparison.Ordinal)) { start = i; break; }
        }
        if (start < 0) return null;
        for (var i = start + 1; i < lines.Count; i++)
        {
            // Frames and source lines are indented; the exception line is the first one that is not.
            if (lines[i].Length > 0 && !char.IsWhiteSpace(lines[i][0])) return lines[i].TrimEnd();
        }
        return null;
    }

    private static string? FindLast(ExitEvidence e, Regex pattern)
    {
        for (var i = e.LastLines.Count - 1; i >= 0; i--)
        {
            if (pattern.IsMatch(e.LastLines[i])) return e.LastLines[i].Trim();
        }
        return null;
    }

    private static string LastLine(ExitEvidence e)
    {
        for (var i = e.LastLines.Count - 1; i >= 0; i--)
        {
            if (e.LastLines[i].Trim() is { Length: > 0 } line) return $"; last line: {line}";
        }
        return "";
    }

    // Python/uvicorn "[Errno 98] ... address already in use" (48 on macOS), Node "EADDRINUSE", Go "bind: address already
    // in use", Windows "WinError 10048".
    [GeneratedRegex(@"address already in use|EADDRINUSE|WinError 10048|only one usage of each socket address", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex PortInUsePattern();

    [GeneratedRegex("address already in use", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex AddressInUseWords();

    // Python "ModuleNotFoundError: No module named 'x'", "python3: No module named x", Node "Error: Cannot find module 'x'".
    [GeneratedRegex(@"No module named|Cannot find module '", RegexOptions.CultureInvariant)]
    private static partial Regex MissingModulePattern();

    // bash "bash: line 1: x: command not found", dash "sh: 1: x: not found", zsh "zsh: command not found: x".
    [GeneratedRegex(@"(?:(?<command>[^\s:]+): command not found|^\S*sh: \d+: (?<command>[^\s:]+): not found|command not found: (?<command>\S+))", RegexOptions.CultureInvariant)]
    private static partial Regex CommandNotFoundPattern();

    // bash "x: Permission denied", Python "PermissionError: [Errno 13] Permission denied", Node "EACCES".
    [GeneratedRegex(@"Permission denied|PermissionError|EACCES", RegexOptions.CultureInvariant)]
    private static partial Regex PermissionDeniedPattern();
}
