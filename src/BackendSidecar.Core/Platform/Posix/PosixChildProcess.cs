using BackendSidecar.Core.Processes;

namespace BackendSidecar.Core.Platform.Posix;

/// <summary>A backend started by <see cref="PosixLauncher"/>: the leader of its own process group, reaped by its own
/// <see cref="WaitpidThread"/> (also after <see cref="UnixChildProcess.Dispose"/>, so no zombie is left).</summary>
internal sealed class PosixChildProcess : UnixChildProcess
{
    private readonly PosixGroupStopper _stopper;

    /// <param name="startTime">The read of the child's start time (ps), under way: the child is not reaped before it ends,
    /// so ps still sees a child that exited at once.</param>
    public PosixChildProcess(int pid, Task<ulong?> startTime, string instanceMarker, Stream standardOutput, Stream standardError,
        TimeProvider time, Action<int>? groupGone)
        : base(pid, 0, instanceMarker, standardOutput, standardError, time, () => WaitpidThread.Watch(pid, time, notBefore: startTime))
    {
        StartTimeKnown = KeepStartTimeAsync(startTime);
        _stopper = new PosixGroupStopper(pid, Exited);
        if (groupGone is not null) _ = ForgetWhenEmptyAsync(groupGone);
    }

    /// <inheritdoc/>
    public override Task StartTimeKnown { get; }

    public override Task<bool> StopGroupAsync(int signal, TimeSpan timeout, TimeProvider time, CancellationToken cancellationToken = default) =>
        _stopper.StopAsync(signal, timeout, time, cancellationToken);

    public override Task KillGroupAsync(CancellationToken cancellationToken = default) => _stopper.KillAsync(cancellationToken);

    private async Task KeepStartTimeAsync(Task<ulong?> startTime)
    {
        // ShortCommand answers null on any failure, never throws: the start time then stays 0 (unknown).
        if (await startTime.ConfigureAwait(false) is { } known) StartTimeTicks = known;
    }

    /// <summary>Tells the guard to forget the group once it is empty (its id may then go to a stranger): at the leader's
    /// exit if nothing else is left, else when a stop has emptied it.</summary>
    private async Task ForgetWhenEmptyAsync(Action<int> groupGone)
    {
        await Exited.ConfigureAwait(false);
        var recheck = TimeSpan.FromMilliseconds(10);
        // Bounded: members outliving the leader are stopped by the supervisor, or by the guard if the sidecar dies first.
        for (var attempt = 0; attempt < 600 && !_stopper.IsEmpty(); attempt++)
        {
            await Task.Delay(recheck).ConfigureAwait(false);
            recheck = TimeSpan.FromMilliseconds(Math.Min(recheck.TotalMilliseconds * 2, 1000));
        }
        if (_stopper.IsEmpty()) groupGone(Pid);
    }
}
