using System.Globalization;
using BackendSidecar.Core.Processes;
using Native = BackendSidecar.Core.Processes.Interop.Posix;

namespace BackendSidecar.Core.Platform.Posix;

/// <summary>
/// The guard process's side (<c>backend-sidecar __guard</c>): reads <c>+PGID</c> / <c>-PGID</c> lines from stdin
/// until <c>bye</c> (exit, touching nothing) or end of file without it (the sidecar died): then SIGTERM to every group
/// still announced, SIGKILL to those not empty after <see cref="GraceTime"/>.
/// </summary>
/// <remarks>It blocks in read(2) on the pipe: no polling while the sidecar lives. Only the clean-up after a death
/// checks the groups again on a short backoff, for at most <see cref="GraceTime"/> plus the kill.</remarks>
public static class PosixGuard
{
    /// <summary>The hidden command-line argument that runs <see cref="Run"/>.</summary>
    public const string Argument = "__guard";

    internal const string Goodbye = "bye";

    /// <summary>How long the groups get between SIGTERM and SIGKILL.</summary>
    public static readonly TimeSpan GraceTime = TimeSpan.FromSeconds(2);

    /// <summary>Runs the guard over <paramref name="input"/>; returns the process exit code.</summary>
    public static int Run(Stream input)
    {
        ArgumentNullException.ThrowIfNull(input);
        var groups = new HashSet<int>();
        using (var reader = new StreamReader(input))
        {
            // Bounded by the pipe: it ends when the sidecar closes it or dies.
            while (reader.ReadLine() is { } line)
            {
                if (line == Goodbye) return 0;
                if (line.Length < 2 || !int.TryParse(line.AsSpan(1), NumberStyles.None, CultureInfo.InvariantCulture, out var group) || group <= 1)
                    continue;
                if (line[0] == '+') groups.Add(group);
                else if (line[0] == '-') groups.Remove(group);
            }
        }
        StopAll(groups);
        return 0;
    }

    internal static void StopAll(IReadOnlyCollection<int> groups)
    {
        var stoppers = groups.Select(g => new PosixGroupStopper(g, leaderReaped: null)).ToList();
        var stops = stoppers.Select(s => s.StopAsync(Signals.SIGTERM, GraceTime, TimeProvider.System, CancellationToken.None)
            .ContinueWith(_ => { }, TaskScheduler.Default)).ToArray();
        Task.WaitAll(stops);
    }
}
