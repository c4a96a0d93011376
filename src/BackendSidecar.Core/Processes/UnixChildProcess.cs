namespace BackendSidecar.Core.Processes;

/// <summary>
/// A backend started with posix_spawn, by either Unix launcher: the leader of its own process group, stdout and stderr
/// on pipes, its exit reaped by the watch the subclass starts (also after <see cref="Dispose"/>, so no zombie is left).
/// Subclasses differ only in that watch and in the stop ladder.
/// </summary>
/// <remarks>Thread-safe. Disposing closes the pipe read ends; it neither kills nor waits.</remarks>
public abstract class UnixChildProcess : IChildProcess
{
    /// <param name="startTimeTicks">Read by the launcher before the exit watch starts: until the child is reaped, its
    /// PID is still there to read it from even if it already exited. 0 when a subclass learns it later.</param>
    /// <param name="watchExit">Starts the exit watch (run once <see cref="StartedAt"/> is set); its task completes with the
    /// reaped status.</param>
    private protected UnixChildProcess(int pid, ulong startTimeTicks, string instanceMarker, Stream standardOutput,
        Stream standardError, TimeProvider time, Func<Task<ProcessExit>> watchExit)
    {
        Pid = pid;
        StartTimeTicks = startTimeTicks;
        InstanceMarker = instanceMarker;
        StandardOutput = standardOutput;
        StandardError = standardError;
        StartedAt = time.GetUtcNow();
        Exited = watchExit();
    }

    /// <inheritdoc/>
    public int Pid { get; }

    /// <inheritdoc/>
    public int ProcessGroupId => Pid;

    /// <inheritdoc/>
    public DateTimeOffset StartedAt { get; }

    private long _startTimeTicks;

    /// <inheritdoc/>
    public ulong StartTimeTicks
    {
        get => (ulong)Interlocked.Read(ref _startTimeTicks);
        private protected set => Interlocked.Exchange(ref _startTimeTicks, (long)value);
    }

    /// <inheritdoc/>
    public virtual Task StartTimeKnown => Task.CompletedTask;

    /// <summary>The value of <see cref="PosixProcessLauncher.InstanceMarkerVariable"/> in this launch's environment,
    /// inherited by every descendant: it finds those that left the group.</summary>
    public string InstanceMarker { get; }

    /// <inheritdoc/>
    public Stream StandardOutput { get; }

    /// <inheritdoc/>
    public Stream StandardError { get; }

    /// <inheritdoc/>
    public Task<ProcessExit> Exited { get; }

    /// <inheritdoc/>
    public abstract Task<bool> StopGroupAsync(int signal, TimeSpan timeout, TimeProvider time, CancellationToken cancellationToken = default);

    /// <inheritdoc/>
    public abstract Task KillGroupAsync(CancellationToken cancellationToken = default);

    /// <inheritdoc/>
    public void Dispose()
    {
        StandardOutput.Dispose();
        StandardError.Dispose();
    }
}
