namespace BackendSidecar.Hosting;

/// <summary>Notices the death of the host that spawned the sidecar (<c>--parent-pid</c>, <c>initialize.parentPid</c>).</summary>
internal static class ParentProcess
{
    /// <summary>Completes when process <paramref name="pid"/> is gone (at once if it already is), from the platform's exit
    /// event (a pidfd on Linux), not polling.</summary>
    public static async Task WaitForExitAsync(int pid)
    {
        var processes = SidecarServices.Platform.Processes;
        if (await processes.TryGetStartTimeAsync(pid).ConfigureAwait(false) is { } started)
            await processes.WhenGone(pid, started).ConfigureAwait(false);
    }
}
