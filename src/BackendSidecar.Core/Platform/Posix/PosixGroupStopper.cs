using BackendSidecar.Core.Processes;
using Native = BackendSidecar.Core.Processes.Interop.Posix;

namespace BackendSidecar.Core.Platform.Posix;

/// <summary>
/// The stop ladder on any Unix: a graceful signal to the whole process group (killpg), a wait bounded by the caller's
/// timeout, then SIGKILL to the group and a bounded final wait. Done when the group is empty: kill(-pgid, 0) fails with
/// ESRCH, one system call, no /proc.
/// </summary>
/// <remarks>
/// <para>The leader's exit is an event (<see cref="WaitpidThread"/>); the rest of the group has none on a plain Unix,
/// so once the leader is gone the group is checked again on a short backoff (1 ms doubling to 50 ms), bounded by the
/// deadline. That is the only polling here, and it lasts only while a stop waits.</para>
/// <para>The group id is signalled only while it is provably ours: until the leader is reaped its PID cannot be reused,
/// and afterwards a PID still used as a group id is not reused either; once the group was seen empty it is never
/// signalled again. Descendants that left the group (setsid) are not found: without /proc there is no marker scan.</para>
/// </remarks>
internal sealed class PosixGroupStopper(int processGroupId, Task? leaderReaped)
{
    private static readonly TimeSpan KillWaitLimit = TimeSpan.FromSeconds(5);
    private static readonly TimeSpan MaxRecheck = TimeSpan.FromMilliseconds(50);
    private volatile bool _seenEmpty;

    /// <summary>True when no process is left in the group (and it is then never signalled again).</summary>
    public bool IsEmpty()
    {
        if (_seenEmpty) return true;
        if (Native.kill(-processGroupId, 0) == 0 || Native.LastError != Native.ESRCH) return false;
        _seenEmpty = true;
        return true;
    }

    /// <returns>True when the graceful signal was enough.</returns>
    public async Task<bool> StopAsync(int signal, TimeSpan timeout, TimeProvider time, CancellationToken cancellationToken)
    {
        Signal(signal);
        if (await WaitEmptyAsync(timeout, time, cancellationToken).ConfigureAwait(false)) return true;
        await KillAsync(cancellationToken).ConfigureAwait(false);
        return false;
    }

    public async Task KillAsync(CancellationToken cancellationToken)
    {
        Signal(Signals.SIGKILL);
        // A safety net against a hang (a process stuck in the kernel), not behaviour under test: the real clock.
        if (!await WaitEmptyAsync(KillWaitLimit, TimeProvider.System, cancellationToken).ConfigureAwait(false))
            throw new TimeoutException(
                $"Process group {processGroupId} was sent SIGKILL but was not empty after {KillWaitLimit.TotalSeconds:0} s.");
    }

    /// <summary>killpg with the signal renumbered for this OS; nothing once the group was seen empty.</summary>
    public void Signal(int signal)
    {
        if (IsEmpty()) return;
        _ = Native.kill(-processGroupId, PosixValues.Current.NativeSignal(signal)); // ESRCH: emptied meanwhile
    }

    private async Task<bool> WaitEmptyAsync(TimeSpan limit, TimeProvider time, CancellationToken cancellationToken)
    {
        using var stopDelay = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var deadline = Task.Delay(limit, time, stopDelay.Token);
        var recheck = TimeSpan.FromMilliseconds(1);
        try
        {
            while (true)
            {
                var leaderDone = leaderReaped is null || leaderReaped.IsCompleted;
                if (leaderDone && IsEmpty()) return true;
                // While the leader lives, its exit is the event to wait for; then the group, on the backoff.
                var next = leaderDone ? Task.Delay(recheck, stopDelay.Token) : leaderReaped!;
                if (leaderDone) recheck = TimeSpan.FromTicks(Math.Min(recheck.Ticks * 2, MaxRecheck.Ticks));
                if (await Task.WhenAny(next, deadline).ConfigureAwait(false) == deadline)
                {
                    cancellationToken.ThrowIfCancellationRequested();
                    return (leaderReaped is null || leaderReaped.IsCompleted) && IsEmpty();
                }
            }
        }
        finally
        {
            await stopDelay.CancelAsync().ConfigureAwait(false);
        }
    }
}
