using BackendSidecar.Core.Processes.Interop;

namespace BackendSidecar.Core.Processes;

/// <summary>A backend started by <see cref="PosixProcessLauncher"/>: the leader of its own process group.</summary>
/// <remarks>
/// Thread-safe. The exit is reaped by this object (waitpid on the pidfd event), also after <see cref="UnixChildProcess.Dispose"/>,
/// so no zombie is left. Disposing closes the pipe read ends; it neither kills nor waits.
/// </remarks>
public sealed class ChildProcess : UnixChildProcess
{
    /// <exception cref="IOException">The pidfd cannot be opened (the caller still owns the unreaped child).</exception>
    internal ChildProcess(int pid, ulong startTimeTicks, string instanceMarker, Stream standardOutput, Stream standardError,
        TimeProvider time)
        : base(pid, startTimeTicks, instanceMarker, standardOutput, standardError, time, () => WatchExit(pid, time))
    {
    }

    /// <inheritdoc/>
    public override Task<bool> StopGroupAsync(int signal, TimeSpan timeout, TimeProvider time, CancellationToken cancellationToken = default) =>
        Killer().StopAsync(signal, timeout, time, cancellationToken);

    /// <inheritdoc/>
    public override Task KillGroupAsync(CancellationToken cancellationToken = default) => Killer().KillAsync(cancellationToken);

    private ProcessGroupKiller Killer() => new(Pid, StartTimeTicks, InstanceMarker, Exited);

    private static Task<ProcessExit> WatchExit(int pid, TimeProvider time)
    {
        var exited = new TaskCompletionSource<ProcessExit>(TaskCreationOptions.RunContinuationsAsynchronously);
        PidfdWatcher.Shared.WatchChild(pid, () => exited.TrySetResult(Reap(pid, time)));
        return exited.Task;
    }

    /// <summary>Runs on the watcher thread once the pidfd reports the exit.</summary>
    private static ProcessExit Reap(int pid, TimeProvider time)
    {
        var result = WaitStatus.Wait(pid, Posix.WNOHANG, out var status);
        // The pidfd fired, so the status is there; wait for it rather than lose it.
        if (result == 0) result = WaitStatus.Wait(pid, 0, out status);
        return WaitStatus.ToExit(result, pid, status, time.GetUtcNow(), signal => signal);
    }
}
