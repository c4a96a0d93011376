namespace BackendSidecar.Hosting;

/// <summary>Notices the death of the host that spawned the sidecar (<c>--parent-pid</c>, <c>initialize.parentPid</c>).</summary>
internal static class ParentProcess
{
    /// <summary>Completes when process <paramref name="pid"/> is gone (at once if it already is), from the platform's exit
    /// event (a pidfd on Linux), not polling.</summary>
    public static Task WaitForExitAsync(int pid)
    {
        var processes = SidecarServices.Platform.Processes;
        return processes.TryGetStartTime(pid) is { } started ? processes.WhenGone(pid, started) : Task.CompletedTask;
    }
}
