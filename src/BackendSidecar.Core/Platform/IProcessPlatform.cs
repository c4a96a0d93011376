using BackendSidecar.Core.Insights;
using BackendSidecar.Core.Ports;
using BackendSidecar.Core.Processes;
using BackendSidecar.Core.State;

namespace BackendSidecar.Core.Platform;

/// <summary>
/// Everything the supervisor needs from the operating system, in one place. Above this seam (state machine, health,
/// restarts, logs, protocol) no code asks which OS it runs on; below it, one implementation per family:
/// Linux (pidfd, /proc, parent-death signal), POSIX (posix_spawn, a waitpid thread, lsof and ps, a guard process:
/// macOS and any Unix) and Windows (Job Objects, CTRL_BREAK, the TCP table).
/// </summary>
public interface IProcessPlatform
{
    /// <summary>"linux", "posix" or "windows": for logs and <c>diagnose</c>.</summary>
    string Name { get; }

    /// <summary>Starts a backend in its own group (POSIX process group, Windows job) with its pipes, environment and
    /// working directory; its <see cref="IChildProcess"/> carries the exit event and the stop ladder.</summary>
    IProcessLauncher Launcher { get; }

    /// <summary>Who listens on a local TCP port (pid and process name; pid null when the OS will not say).</summary>
    IPortInspector Ports { get; }

    /// <summary>Process identity that survives PID reuse, and leftovers of an earlier run.</summary>
    IProcessTable Processes { get; }

    /// <summary>
    /// Makes sure the backends die with the sidecar even when it is killed without a chance to clean up (Linux: the
    /// parent-death signal and a guard; POSIX: a guard process; Windows: kill-on-close jobs). Null when none can be had;
    /// leftovers are then reaped at the next start. Disposing it is the clean goodbye.
    /// </summary>
    IAsyncDisposable? StartContainment();

    /// <summary>A backend group's CPU time and memory, for <c>resources</c>; null when it has no live member or the OS
    /// will not say.</summary>
    ValueTask<GroupSample?> SampleGroupAsync(int processGroupId, TimeProvider time, CancellationToken cancellationToken = default);
}

/// <summary>Processes by identity: a PID with its start time, which together tell a process from a later one that
/// reused its PID.</summary>
/// <remarks>The lookups are asynchronous because a platform may have to run a tool for them (ps on macOS); Linux and
/// Windows read the OS directly and answer with completed <see cref="ValueTask{TResult}"/>s. A lookup that cannot say
/// answers null or false and never throws; a cancelled one may answer either way, so the caller checks its token.</remarks>
public interface IProcessTable
{
    /// <summary>The sidecar's own start time, in the same unit as <see cref="TryGetStartTimeAsync"/>; 0 when the OS will
    /// not say. Looked up once, then the same answer.</summary>
    ValueTask<ulong> GetCurrentStartTimeAsync(CancellationToken cancellationToken = default);

    /// <summary>The start time of a live process, null when there is none (or it cannot be seen).</summary>
    ValueTask<ulong?> TryGetStartTimeAsync(int pid, CancellationToken cancellationToken = default);

    /// <summary>The short name of a live process (as ps shows it), null when unknown.</summary>
    ValueTask<string?> TryGetNameAsync(int pid, CancellationToken cancellationToken = default);

    /// <summary>Completes when the process <paramref name="pid"/> that started at <paramref name="startTime"/> is gone
    /// (at once when it already is): from an event where the OS has one.</summary>
    Task WhenGone(int pid, ulong startTime);

    /// <summary>Whether <paramref name="owner"/> (a port's listener) is one of the processes <paramref name="record"/>
    /// started: its leader by PID and start time, or a descendant found through the launch's marker.</summary>
    ValueTask<bool> IsOwnedByAsync(PortOwner owner, BackendStateRecord record, CancellationToken cancellationToken = default);

    /// <summary>Stops what a record's launch left running (leader, group, marked descendants): the graceful signal, then
    /// a hard kill after <paramref name="timeout"/>. Returns null when nothing of it was left, else whether the graceful
    /// step was enough.</summary>
    Task<bool?> StopLeftoverAsync(BackendStateRecord record, TimeSpan timeout, TimeProvider time, CancellationToken cancellationToken = default);
}
