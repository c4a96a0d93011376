using BackendSidecar.Core.Processes.Interop;

namespace BackendSidecar.Core.Processes;

/// <summary>
/// Stops a backend's process group and the descendants that left it, in two levels (after CliWrap): a graceful signal
/// to the group, a wait bounded by the caller's timeout, then SIGKILL and a bounded final wait that throws rather than hang.
/// Stop is finished when no process is left, not when the leader exits: wrappers (sh, npm, uv run) leave the real
/// server as a grandchild.
/// </summary>
/// <remarks>
/// <para>Members are found in /proc: the group by pgid, the escapees by the marker variable in their environment.
/// Waiting is event-driven (a pidfd per member); when all known members are gone the group is scanned again, because
/// a member may have forked meanwhile.</para>
/// <para>The group is signalled only while it is provably ours: a PID stays allocated while any process uses it as a
/// group id, so when the leader's PID is free or still holds the leader, the group is ours; a process with another
/// start time at that PID means our group is empty and the number now belongs to a stranger.</para>
/// </remarks>
/// <param name="processGroupId">The group, whose id is the leader's PID.</param>
/// <param name="leaderStartTimeTicks">The leader's start time, to tell its PID from a reuse.</param>
/// <param name="marker">The launch's environment marker, or null.</param>
/// <param name="leaderReaped">Completes when the leader is reaped, when we are its parent: waited for as well.</param>
/// <param name="groupIsProven">False when only marked processes may be touched (the leader is gone and the group id
/// alone proves nothing).</param>
internal sealed class ProcessGroupKiller(
    int processGroupId, ulong leaderStartTimeTicks, string? marker, Task? leaderReaped = null, bool groupIsProven = true)
{
    /// <summary>How long SIGKILL may take before a clear <see cref="TimeoutException"/>: it cannot be caught, so only a
    /// process stuck in the kernel (D state) takes longer.</summary>
    public static readonly TimeSpan KillWaitLimit = TimeSpan.FromSeconds(5);

    /// <summary>Sends <paramref name="signal"/>, waits up to <paramref name="timeout"/> on <paramref name="time"/>, then kills.</summary>
    /// <returns>True when the graceful signal was enough.</returns>
    public async Task<bool> StopAsync(int signal, TimeSpan timeout, TimeProvider time, CancellationToken cancellationToken)
    {
        var signalled = SignalAll(signal);
        if (await WaitGoneAsync(timeout, time, resendSignal: null, signalled, cancellationToken).ConfigureAwait(false)) return true;
        await KillAsync(cancellationToken).ConfigureAwait(false);
        return false;
    }

    /// <summary>SIGKILL to the group and the escapees, then waits (bounded by <see cref="KillWaitLimit"/>) until they are gone.</summary>
    public async Task KillAsync(CancellationToken cancellationToken)
    {
        // Nothing found right after the kill, leader reaped: nothing is left that could fork, so no second scan (after a
        // crash the restart waits for this: each scan of /proc reads every process's stat, about a millisecond).
        var signalled = SignalAll(Signals.SIGKILL);
        if (signalled.Count == 0 && (leaderReaped is null || leaderReaped.IsCompleted)) return;
        // The bound is a safety net against a hang, not behaviour under test: measure it on the real clock.
        if (!await WaitGoneAsync(KillWaitLimit, TimeProvider.System, Signals.SIGKILL, signalled, cancellationToken).ConfigureAwait(false))
        {
            var left = string.Join(", ", Remaining().Select(p => $"{p.Pid} ({p.Name}, state {p.State})"));
            throw new TimeoutException(
                $"Process group {processGroupId} was sent SIGKILL but these processes were still there after {KillWaitLimit.TotalSeconds:0} s: {left}.");
        }
    }

    /// <summary>The live processes still to stop: group members (while the group is ours) and marked escapees.</summary>
    public IReadOnlyList<ProcessStat> Remaining()
    {
        var byPid = new Dictionary<int, ProcessStat>();
        if (GroupIsOurs() && GroupHasMembers())
        {
            foreach (var member in ProcessInfo.FindGroupMembers(processGroupId)) byPid[member.Pid] = member;
        }
        if (marker is not null)
        {
            foreach (var escapee in ProcessInfo.FindByEnvironmentMarker(PosixProcessLauncher.InstanceMarkerVariable, marker, leaderStartTimeTicks))
                byPid[escapee.Pid] = escapee;
        }
        byPid.Remove(Environment.ProcessId);
        return [.. byPid.Values];
    }

    /// <summary>
    /// kill(-pgid, 0) answers ESRCH exactly when no process is in the group, in one system call; the scan that lists the
    /// members reads /proc/PID/stat of every process on the machine (about 10 microseconds each in the kernel). An empty
    /// group stays empty: only a member can add a process to it.
    /// </summary>
    private bool GroupHasMembers() => Posix.kill(-processGroupId, 0) == 0 || Posix.LastError != Posix.ESRCH;

    private bool GroupIsOurs() =>
        groupIsProven && (ProcessInfo.TryReadStat(processGroupId) is not { } holder || holder.StartTimeTicks == leaderStartTimeTicks);

    /// <summary>
    /// Signals the group first, then scans for the rest: the group kill needs no scan, and a scan of /proc takes
    /// milliseconds (a stop would otherwise start that much later). Members are never signalled twice: a second SIGTERM
    /// makes some servers (uvicorn) skip their graceful shutdown.
    /// </summary>
    /// <returns>The processes found after the group was signalled (signalled too, those outside the group).</returns>
    private IReadOnlyList<ProcessStat> SignalAll(int signal)
    {
        var groupIsOurs = GroupIsOurs();
        if (groupIsOurs) _ = Posix.kill(-processGroupId, signal); // ESRCH: the group is already empty
        var found = Remaining();
        SignalAll(signal, found, groupIsOurs);
        return found;
    }

    private void SignalAll(int signal, IReadOnlyList<ProcessStat> processes) => SignalAll(signal, processes, groupSignalled: false);

    /// <param name="groupSignalled">The group was signalled already (and was ours then): send it nothing more.</param>
    private void SignalAll(int signal, IReadOnlyList<ProcessStat> processes, bool groupSignalled)
    {
        var groupIsOurs = groupSignalled || GroupIsOurs();
        if (groupIsOurs && !groupSignalled) _ = Posix.kill(-processGroupId, signal); // ESRCH: the group is already empty
        foreach (var process in processes)
        {
            var reachedByGroupKill = groupIsOurs && process.ProcessGroupId == processGroupId;
            if (!reachedByGroupKill && ProcessInfo.IsSameProcess(process.Pid, process.StartTimeTicks))
                _ = Posix.kill(process.Pid, signal);
        }
    }

    /// <summary>Waits until nothing is left and the leader is reaped, or <paramref name="limit"/> passes (false).</summary>
    /// <param name="resendSignal">Sent again to newcomers found by a re-scan (a member that forked before it died).</param>
    /// <param name="signalled">The processes signalled already: each must be gone, whether a re-scan still finds it or not
    /// (a marked process in the middle of its exit has no readable environment any more, so a scan misses it).</param>
    private async Task<bool> WaitGoneAsync(
        TimeSpan limit, TimeProvider time, int? resendSignal, IReadOnlyList<ProcessStat> signalled, CancellationToken cancellationToken)
    {
        using var stopDelay = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var deadline = Task.Delay(limit, time, stopDelay.Token);
        var seen = signalled.ToDictionary(p => p.Pid);
        try
        {
            while (true)
            {
                var remaining = Remaining();
                foreach (var process in remaining) seen[process.Pid] = process;
                var waits = new List<Task>();
                foreach (var process in seen.Values.ToList())
                {
                    var gone = PidfdWatcher.Shared.WhenGone(process.Pid, process.StartTimeTicks);
                    if (gone.IsCompleted) seen.Remove(process.Pid);
                    else waits.Add(gone);
                }
                var leaderDone = leaderReaped is null || leaderReaped.IsCompleted;
                if (remaining.Count == 0 && waits.Count == 0 && leaderDone) return true;
                if (resendSignal is { } signal) SignalAll(signal, remaining);

                if (!leaderDone) waits.Add(leaderReaped!);
                if (await Task.WhenAny(Task.WhenAll(waits), deadline).ConfigureAwait(false) == deadline)
                {
                    cancellationToken.ThrowIfCancellationRequested();
                    return Remaining().Count == 0 && (leaderReaped is null || leaderReaped.IsCompleted);
                }
            }
        }
        finally
        {
            await stopDelay.CancelAsync().ConfigureAwait(false);
        }
    }
}
