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
/// <remarks>Thread-safe. Each lookup runs ps (a few milliseconds); a failed one is "unknown", never an error.</remarks>
internal sealed class PosixProcessTable : IProcessTable
{
    /// <summary>How often <see cref="WhenGone"/> looks again: a plain Unix has no exit event for a process that is not
    /// our child (macOS has kqueue EVFILT_PROC; not used, so that CI runs what a Mac runs).</summary>
    private static readonly TimeSpan GoneRecheck = TimeSpan.FromMilliseconds(250);

    private readonly Lazy<ulong> _current;

    public PosixProcessTable() =>
        _current = new(() => TryGetStartTime(Environment.ProcessId) ?? 0);

    /// <inheritdoc/>
    public ulong CurrentStartTime => _current.Value;

    /// <inheritdoc/>
    public ulong? TryGetStartTime(int pid) =>
        pid <= 0 ? null : ToolOutput.ParseStartTime(ShortCommand.Run("ps", ["-o", "lstart=", "-p", pid.ToString(CultureInfo.InvariantCulture)]));

    /// <inheritdoc/>
    public string? TryGetName(int pid) =>
        pid <= 0 ? null : ToolOutput.ParseName(ShortCommand.Run("ps", ["-o", "comm=", "-p", pid.ToString(CultureInfo.InvariantCulture)]));

    /// <inheritdoc/>
    public async Task WhenGone(int pid, ulong startTime)
    {
        if (TryGetStartTime(pid) != startTime) return;
        var isParent = Native.getppid() == pid;
        // Bounded by the process's life; a reparented sidecar sees its parent gone even while a zombie holds its PID.
        while (IsAlive(pid) && (!isParent || Native.getppid() == pid))
            await Task.Delay(GoneRecheck).ConfigureAwait(false);
    }

    /// <inheritdoc/>
    /// <remarks>The owner is the recorded leader (PID and start time), or a member of its group while the group is
    /// provably the recorded one.</remarks>
    public bool IsOwnedBy(PortOwner owner, BackendStateRecord record)
    {
        ArgumentNullException.ThrowIfNull(owner);
        ArgumentNullException.ThrowIfNull(record);
        if (owner.Pid is not { } pid || !IsAlive(pid)) return false;
        if (pid == record.Pid) return TryGetStartTime(pid) == record.StartTimeTicks;
        return Native.getpgid(pid) == record.Pid && GroupIsRecorded(record);
    }

    /// <inheritdoc/>
    public async Task<bool?> StopLeftoverAsync(BackendStateRecord record, TimeSpan timeout, TimeProvider time, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(record);
        if (!GroupIsRecorded(record)) return null;
        var stopper = new PosixGroupStopper(record.Pid, leaderReaped: null);
        if (stopper.IsEmpty()) return null;
        return await stopper.StopAsync(Signals.SIGTERM, timeout, time, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The group is the recorded one: its leader lives with the recorded start time, or no process has the
    /// leader's PID (a PID still in use as a group id is not given to a new process, so the group is the old one).</summary>
    private bool GroupIsRecorded(BackendStateRecord record) =>
        TryGetStartTime(record.Pid) is not { } started || started == record.StartTimeTicks;

    private static bool IsAlive(int pid) => Native.kill(pid, 0) == 0 || Native.LastError == Native.EPERM;
}
