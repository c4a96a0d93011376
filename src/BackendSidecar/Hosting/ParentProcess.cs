using BackendSidecar.Core.Processes;

namespace BackendSidecar.Hosting;

/// <summary>Notices the death of the host that spawned the sidecar (<c>--parent-pid</c>, <c>initialize.parentPid</c>).</summary>
internal static class ParentProcess
{
    /// <summary>Completes when process <paramref name="pid"/> is gone (at once if it already is), from a pidfd event, not polling.</summary>
    public static Task WaitForExitAsync(int pid) =>
        ProcessInfo.TryGetStartTime(pid) is { } started ? PidfdWatcher.Shared.WhenGone(pid, started) : Task.CompletedTask;
}
