namespace BackendSidecar.Core.Processes;

/// <summary>
/// A started backend process: the leader of its own process group.
/// </summary>
/// <remarks>Thread-safe. Disposing does not kill the process; it releases the handles.</remarks>
public interface IChildProcess : IDisposable
{
    /// <summary>The backend's own PID (never a launcher around it).</summary>
    int Pid { get; }

    /// <summary>The process group the child leads (equal to <see cref="Pid"/>).</summary>
    int ProcessGroupId { get; }

    DateTimeOffset StartedAt { get; }

    /// <summary>The kernel's start time of the process (/proc/PID/stat field 22), which with the PID identifies it across PID reuse.</summary>
    ulong StartTimeTicks { get; }

    /// <summary>Completes once <see cref="StartTimeTicks"/> is known: at once where the launch reads it from the OS; a
    /// little after the launch where a tool must be run for it (ps on macOS), 0 until then.</summary>
    Task StartTimeKnown => Task.CompletedTask;

    /// <summary>
    /// A value unique to this launch, set in the child's environment (inherited by its descendants) so that descendants
    /// which left the group can be found; store it in the state record. Null when the launcher sets none.
    /// </summary>
    string? InstanceMarker => null;

    /// <summary>The read ends of the child's stdout and stderr pipes.</summary>
    Stream StandardOutput { get; }
    Stream StandardError { get; }

    /// <summary>Completes when the leader exits (from the exit event, not by polling).</summary>
    Task<ProcessExit> Exited { get; }

    /// <summary>
    /// Stops the whole group: <paramref name="signal"/> to the group, then after <paramref name="timeout"/> SIGKILL to the
    /// group and to descendants that left it. Completes when no process of the group (nor those descendants) is left.
    /// Returns true when the graceful signal was enough, false when SIGKILL was needed.
    /// </summary>
    Task<bool> StopGroupAsync(int signal, TimeSpan timeout, TimeProvider time, CancellationToken cancellationToken = default);

    /// <summary>SIGKILL to the group and its escaped descendants at once; completes when they are gone.</summary>
    Task KillGroupAsync(CancellationToken cancellationToken = default);

    /// <summary>What the graceful step of <see cref="StopGroupAsync"/> sends for <paramref name="signal"/>, as the backend's
    /// log names it ("SIGTERM"; on Windows "CTRL_BREAK", whatever the signal).</summary>
    string GracefulStepName(int signal) => Signals.Name(signal);

    /// <summary>The hard kill of the ladder, as the backend's log names it ("SIGKILL"; on Windows the job's termination).</summary>
    string HardKillName => "SIGKILL";
}

/// <summary>How the leader ended: an exit code, or the signal that killed it.</summary>
/// <remarks>
/// <see cref="Cause"/> and <see cref="Hint"/> (protocol 1.1) are set by the supervisor from <see cref="Insights.ExitCauseRules"/>;
/// the process layer leaves them null.
/// </remarks>
public sealed record ProcessExit(int? Code, int? Signal, DateTimeOffset At, Insights.ExitCause? Cause = null, string? Hint = null)
{
    public string? SignalName => Signal is { } s ? Signals.Name(s) : null;

    public override string ToString() =>
        Signal is not null ? $"killed by {SignalName}" : Code is not null ? $"exited with code {Code}" : "exited (status unknown)";
}
