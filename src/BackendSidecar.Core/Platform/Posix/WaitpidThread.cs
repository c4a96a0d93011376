using BackendSidecar.Core.Processes;
using BackendSidecar.Core.Processes.Interop;

namespace BackendSidecar.Core.Platform.Posix;

/// <summary>
/// Notices a child's exit without polling: one small thread per live child, blocked in waitpid(pid). A shared reaper
/// would need SIGCHLD, which the .NET runtime owns (it reaps its own Process children from its handler), or
/// waitpid(-1), which would steal those children's statuses; a thread per child touches neither. Backends are few (a
/// handful per sidecar) and each thread is a 64 KiB stack asleep in the kernel. macOS has an event for this too (kqueue
/// EVFILT_PROC), not used: the thread works on every Unix and is what CI runs on Linux.
/// </summary>
internal static class WaitpidThread
{
    /// <summary>Starts the wait once <paramref name="notBefore"/> has completed (a reaped child's PID is gone, so what
    /// must still see it comes first); the task completes with the decoded status once the child is reaped.</summary>
    public static Task<ProcessExit> Watch(int pid, TimeProvider time, Task? notBefore = null)
    {
        var exited = new TaskCompletionSource<ProcessExit>(TaskCreationOptions.RunContinuationsAsynchronously);
        void Start() => new Thread(() => exited.TrySetResult(Reap(pid, time)), maxStackSize: 64 * 1024)
        {
            IsBackground = true,
            Name = $"waitpid-{pid}",
        }.Start();
        if (notBefore is null || notBefore.IsCompleted) Start();
        else _ = notBefore.ContinueWith(_ => Start(), CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
        return exited.Task;
    }

    private static ProcessExit Reap(int pid, TimeProvider time)
    {
        var result = WaitStatus.Wait(pid, 0, out var status);
        return WaitStatus.ToExit(result, pid, status, time.GetUtcNow(), PosixValues.Current.SignalFromNative);
    }

    /// <summary>The status decoded with the signal renumbered to <see cref="Signals"/>.</summary>
    internal static ProcessExit Decode(int status, DateTimeOffset at) =>
        WaitStatus.Decode(status, at, PosixValues.Current.SignalFromNative);
}
