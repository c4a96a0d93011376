using BackendSidecar.Core.Processes.Interop;

namespace BackendSidecar.Core.Processes;

/// <summary>A backend started by <see cref="PosixProcessLauncher"/>: the leader of its own process group.</summary>
/// <remarks>
/// Thread-safe. The exit is reaped by this object (waitpid on the pidfd event), also after <see cref="Dispose"/>, so no
/// zombie is left. Disposing closes the pipe read ends; it neither kills nor waits.
/// </remarks>
public sealed unsafe class ChildProcess : IChildProcess
{
    private readonly TaskCompletionSource<ProcessExit> _exited = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TimeProvider _time;

    internal ChildProcess(int pid, string instanceMarker, Stream standardOutput, Stream standardError, TimeProvider time)
    {
        Pid = pid;
        InstanceMarker = instanceMarker;
        StandardOutput = standardOutput;
        StandardError = standardError;
        _time = time;
        StartedAt = time.GetUtcNow();
        // Not reaped yet (only we reap it), so /proc/PID/stat is there even if it already exited.
        StartTimeTicks = ProcessInfo.TryGetStartTime(pid) ?? 0;
        PidfdWatcher.Shared.WatchChild(pid, Reap);
    }

    /// <inheritdoc/>
    public int Pid { get; }

    /// <inheritdoc/>
    public int ProcessGroupId => Pid;

    /// <inheritdoc/>
    public DateTimeOffset StartedAt { get; }

    /// <inheritdoc/>
    public ulong StartTimeTicks { get; }

    /// <summary>The value of <see cref="PosixProcessLauncher.InstanceMarkerVariable"/> in this launch's environment,
    /// inherited by every descendant: it finds those that left the group.</summary>
    public string InstanceMarker { get; }

    /// <inheritdoc/>
    public Stream StandardOutput { get; }

    /// <inheritdoc/>
    public Stream StandardError { get; }

    /// <inheritdoc/>
    public Task<ProcessExit> Exited => _exited.Task;

    /// <inheritdoc/>
    public Task<bool> StopGroupAsync(int signal, TimeSpan timeout, TimeProvider time, CancellationToken cancellationToken = default) =>
        Killer().StopAsync(signal, timeout, time, cancellationToken);

    /// <inheritdoc/>
    public Task KillGroupAsync(CancellationToken cancellationToken = default) => Killer().KillAsync(cancellationToken);

    /// <inheritdoc/>
    public void Dispose()
    {
        StandardOutput.Dispose();
        StandardError.Dispose();
    }

    private ProcessGroupKiller Killer() => new(Pid, StartTimeTicks, InstanceMarker, Exited);

    /// <summary>Runs on the watcher thread once the pidfd reports the exit.</summary>
    private void Reap()
    {
        int status = 0, result;
        do result = Posix.waitpid(Pid, &status, Posix.WNOHANG);
        while (result < 0 && Posix.LastError == Posix.EINTR);
        if (result == 0)
        {
            // The pidfd fired, so the status is there; wait for it rather than lose it.
            do result = Posix.waitpid(Pid, &status, 0);
            while (result < 0 && Posix.LastError == Posix.EINTR);
        }
        // ECHILD: someone reaped it for us (only if this process started with SIGCHLD ignored): the status is unknown.
        _exited.TrySetResult(result == Pid ? Decode(status, _time.GetUtcNow()) : new ProcessExit(null, null, _time.GetUtcNow()));
    }

    internal static ProcessExit Decode(int status, DateTimeOffset at)
    {
        var termSignal = status & 0x7f;
        return termSignal == 0
            ? new ProcessExit((status >> 8) & 0xff, null, at)
            : new ProcessExit(null, termSignal, at);
    }
}
