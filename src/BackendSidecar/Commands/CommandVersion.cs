using System.ComponentModel;
using System.Text.RegularExpressions;
using CliWrap;
using CliWrap.Buffered;

namespace BackendSidecar.Commands;

/// <summary>
/// The <c>--version</c> line of a backend's resolved command, for <c>check</c>: "python3 found at .venv/bin/python3 (Python 3.11.7)"
/// tells a person at once which interpreter a backend will get.
/// </summary>
/// <remarks>
/// Only well-known runtimes and servers are run, by bare name: a project's own executable or script could do anything with
/// <c>--version</c> (start a server, write files), and <c>check</c> must not start anything.
/// </remarks>
internal static partial class CommandVersion
{
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(2);

    [GeneratedRegex(@"^(python[0-9.]*|pypy[0-9.]*|node|nodejs|deno|bun|uvicorn|gunicorn|hypercorn|java|dotnet|ruby|php|perl|npm|npx|pnpm|yarn|bash|zsh)$")]
    private static partial Regex Probeable();

    /// <summary>True for a bare command name that is a known runtime, safe to run with <c>--version</c>.</summary>
    public static bool IsProbeable(string command) => Probeable().IsMatch(command);

    /// <summary>
    /// The first line <paramref name="path"/> <c>--version</c> prints (stdout, else stderr), or <c>null</c> when it fails, prints
    /// nothing or takes longer than <paramref name="timeout"/> (it is killed then).
    /// </summary>
    public static async Task<string?> ProbeAsync(string path, string workingDirectory, TimeSpan timeout)
    {
        using var timer = new CancellationTokenSource(timeout);
        try
        {
            var result = await CliWrap.Cli.Wrap(path)
                .WithArguments("--version")
                .WithWorkingDirectory(Directory.Exists(workingDirectory) ? workingDirectory : Path.GetTempPath())
                .WithValidation(CommandResultValidation.None)
                .ExecuteBufferedAsync(timer.Token)
                .ConfigureAwait(false);
            if (result.ExitCode != 0) return null;
            var line = FirstLine(result.StandardOutput) ?? FirstLine(result.StandardError);
            return line is { Length: > 100 } ? line[..100] + "…" : line;
        }
        catch (OperationCanceledException)
        {
            return null;
        }
        catch (Exception e) when (e is Win32Exception or InvalidOperationException or IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    private static string? FirstLine(string text) =>
        text.Split('\n', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries).FirstOrDefault();
}
