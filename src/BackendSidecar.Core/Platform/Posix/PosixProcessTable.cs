using System.Globalization;
using BackendSidecar.Core.Ports;
using BackendSidecar.Core.Processes;
using Native = BackendSidecar.Core.Processes.Interop.Posix;
using BackendSidecar.Core.State;

namespace BackendSidecar.Core.Platform.Posix;

/// <summary>
/// Process identity without /proc: the start time from <c>ps -o lstart=</c> (whole seconds), the name from
/// <c>ps -o comm=</c>, the group from getpgid(2). Leftovers are found by their process group only (no marker scan).
/// </summary>
/// <remarks>Thread-safe. Each lookup runs ps through <see cref="ShortCommand"/> (a few milliseconds, awaited, no thread
/// blocked); a failed one is "unknown", never an error.</remarks>
internal sealed class PosixProcessTable : IProcessTable
{
    /// <summary>How often <see cref="WhenGone"/> looks again: a plain Unix has no exit event for a process that is not
    /// our child (macOS has kqueue EVFILT_PROC; not used, so that CI runs what a Mac runs).</summary>
    private static readonly TimeSpan GoneRecheck = TimeSpan.FromMilliseconds(250);

    // The sidecar's own start time: looked up once (the first caller starts it; later ones share the answer).
    private Task<ulong>? _current;

    /// <inheritdoc/>
    public ValueTask<ulong> GetCurrentStartTimeAsync(CancellationToken cancellationToken = default)
    {
        var current = Volatile.Read(ref _current) ?? Interlocked.CompareExchange(ref _current, LookUpCurrentAsync(), null) ?? _current!;
        if (!current.IsCompleted) return new(current.WaitAsync(cancellationToken));
        // A failed lookup (ps timed out under load) is not kept: the next caller asks again.
        if (current.Result == 0) Interlocked.CompareExchange(ref _current, null, current);
        return new(current.Result);
    }

    private async Task<ulong> LookUpCurrentAsync() => await TryGetStartTimeAsync(Environment.ProcessId).ConfigureAwait(false) ?? 0;

    /// <inheritdoc/>
    public async ValueTask<ulong?> TryGetStartTimeAsync(int pid, CancellationToken cancellationToken = default) =>
        pid <= 0 ? null : ToolOutput.ParseStartTime(
            await ShortCommand.RunAsync("ps", ["-o", "lstart=", "-p", pid.ToString(CultureInfo.InvariantCulture)], cancellationToken).ConfigureAwait(false));

    /// <inheritdoc/>
    public async ValueTask<string?> TryGetNameAsync(int pid, CancellationToken cancellationToken = default) =>
        pid <= 0 ? null : ToolOutput.ParseName(
            await ShortCommand.RunAsync("ps", ["-o", "comm=", "-p", pid.ToString(CultureInfo.InvariantCulture)], cancellationToken).ConfigureAwait(false));

    /// <inheritdoc/>
    public async Task WhenGone(int pid, ulong startTime)
    {
        if (await TryGetStartTimeAsync(pid).ConfigureAwait(false) != startTime) return;
        var isParent = Native.getppid() == pid;
        // Bounded by the process's life; a reparented sidecar sees its parent gone even while a zombie holds its PID.
        while (IsAlive(pid) && (!isParent || Native.getppid() == pid))
            await Task.Delay(GoneRecheck).ConfigureAwait(false);
    }

    /// <inheritdoc/>
    /// <remarks>The owner is the recorded leader (PID and start time), or a member of its group while the group is
    /// provably the recorded one.</remarks>
    public async ValueTask<bool> IsOwnedByAsync(PortOwner owner, BackendStateRecord record, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(owner);
        ArgumentNullException.ThrowIfNull(record);
        if (owner.Pid is not { } pid || !IsAlive(pid)) return false;
        if (pid == record.Pid) return await TryGetStartTimeAsync(pid, cancellationToken).ConfigureAwait(false) == record.StartTimeTicks;
        return Native.getpgid(pid) == record.Pid && await GroupIsRecordedAsync(record, cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc/>
    public async Task<bool?> StopLeftoverAsync(BackendStateRecord record, TimeSpan timeout, TimeProvider time, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(record);
        if (!await GroupIsRecordedAsync(record, cancellationToken).ConfigureAwait(false)) return null;
        var stopper = new PosixGroupStopper(record.Pid, leaderReaped: null);
        if (stopper.IsEmpty()) return null;
        return await stopper.StopAsync(Signals.SIGTERM, timeout, time, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The group is the recorded one: its leader lives with the recorded start time, or no process has the
    /// leader's PID (a PID still in use as a group id is not given to a new process, so the group is the old one).</summary>
    private async ValueTask<bool> GroupIsRecordedAsync(BackendStateRecord record, CancellationToken cancellationToken) =>
        await TryGetStartTimeAsync(record.Pid, cancellationToken).ConfigureAwait(false) is not { } started || started == record.StartTimeTicks;

    private static bool IsAlive(int pid) => Native.kill(pid, 0) == 0 || Native.LastError == Native.EPERM;
}
