using System.Runtime.Versioning;
using BackendSidecar.Core.Ports;
using BackendSidecar.Core.State;
using Microsoft.Win32.SafeHandles;
using static BackendSidecar.Core.Platform.Windows.Kernel32;

namespace BackendSidecar.Core.Platform.Windows;

/// <summary>
/// Processes by PID and creation time (GetProcessTimes: FILETIME, 100 ns since 1601 UTC). A backend's descendants cannot
/// outlive the sidecar (its job is killed when the handle closes), so leftovers of an earlier run are at most its leader
/// when the job could not be used, and only the leader is matched.
/// </summary>
[SupportedOSPlatform("windows")]
public sealed class WindowsProcessTable : IProcessTable
{
    private readonly ulong _currentStartTime = TryGetStartTime(Environment.ProcessId, requireAlive: false) ?? 0;

    /// <inheritdoc/>
    public ValueTask<ulong> GetCurrentStartTimeAsync(CancellationToken cancellationToken = default) => new(_currentStartTime);

    /// <inheritdoc/>
    /// <remarks>From GetProcessTimes at once: the task is always completed.</remarks>
    public ValueTask<ulong?> TryGetStartTimeAsync(int pid, CancellationToken cancellationToken = default) =>
        new(TryGetStartTime(pid, requireAlive: true));

    /// <inheritdoc/>
    public ValueTask<string?> TryGetNameAsync(int pid, CancellationToken cancellationToken = default) => new(TryGetName(pid));

    internal static unsafe string? TryGetName(int pid)
    {
        using var process = Open(pid, PROCESS_QUERY_LIMITED_INFORMATION);
        if (process is null) return null;
        var buffer = stackalloc char[1024];
        uint size = 1024;
        return QueryFullProcessImageNameW(process, 0, buffer, ref size) ? Path.GetFileName(new string(buffer, 0, (int)size)) : null;
    }

    /// <summary>The working set (the resident memory) of a live process in bytes; null when it cannot be read.</summary>
    internal static unsafe long? TryGetWorkingSet(int pid)
    {
        using var process = Open(pid, PROCESS_QUERY_LIMITED_INFORMATION);
        if (process is null) return null;
        var counters = new PROCESS_MEMORY_COUNTERS { cb = (uint)sizeof(PROCESS_MEMORY_COUNTERS) };
        return K32GetProcessMemoryInfo(process, &counters, counters.cb) ? (long)counters.WorkingSetSize : null;
    }

    /// <inheritdoc/>
    public Task WhenGone(int pid, ulong startTime)
    {
        var process = Open(pid, SYNCHRONIZE | PROCESS_QUERY_LIMITED_INFORMATION);
        if (process is null) return Task.CompletedTask;
        if (StartTimeOf(process, requireAlive: true) != startTime)
        {
            process.Dispose();
            return Task.CompletedTask;
        }
        var gone = ProcessExitWait.WhenExited(process);
        _ = gone.ContinueWith(_ => process.Dispose(), TaskScheduler.Default);
        return gone;
    }

    /// <inheritdoc/>
    public ValueTask<bool> IsOwnedByAsync(PortOwner owner, BackendStateRecord record, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(owner);
        ArgumentNullException.ThrowIfNull(record);
        return new(owner.Pid == record.Pid && TryGetStartTime(record.Pid, requireAlive: true) == record.StartTimeTicks);
    }

    /// <inheritdoc/>
    /// <remarks>No console is shared with a process of an earlier run, so CTRL_BREAK cannot reach it: it is terminated.</remarks>
    public async Task<bool?> StopLeftoverAsync(BackendStateRecord record, TimeSpan timeout, TimeProvider time, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(record);
        using var process = Open(record.Pid, SYNCHRONIZE | PROCESS_TERMINATE | PROCESS_QUERY_LIMITED_INFORMATION);
        if (process is null || StartTimeOf(process, requireAlive: true) != record.StartTimeTicks) return null;
        _ = TerminateProcess(process.DangerousGetHandle(), (uint)WindowsChildProcess.KilledExitCode);
        var gone = ProcessExitWait.WhenExited(process);
        await gone.WaitAsync(WindowsChildProcess.KillWaitLimit, TimeProvider.System, cancellationToken).ConfigureAwait(false);
        return false;
    }

    private static ulong? TryGetStartTime(int pid, bool requireAlive)
    {
        using var process = Open(pid, PROCESS_QUERY_LIMITED_INFORMATION);
        return process is null ? null : StartTimeOf(process, requireAlive);
    }

    /// <summary>The creation time; null when the handle is to a process that has already exited (someone keeps it open).</summary>
    private static ulong? StartTimeOf(SafeProcessHandle process, bool requireAlive)
    {
        if (requireAlive && (!GetExitCodeProcess(process, out var code) || code != STILL_ACTIVE)) return null;
        return GetProcessTimes(process, out var created, out _, out _, out _) ? (ulong)created : null;
    }

    private static SafeProcessHandle? Open(int pid, uint access)
    {
        if (pid <= 0) return null;
        var handle = OpenProcess(access, false, (uint)pid);
        if (!handle.IsInvalid) return handle;
        handle.Dispose();
        return null;
    }
}
