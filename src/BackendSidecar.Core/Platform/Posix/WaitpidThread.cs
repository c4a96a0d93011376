using BackendSidecar.Core.Processes;
using Native = BackendSidecar.Core.Processes.Interop.Posix;

namespace BackendSidecar.Core.Platform.Posix;

/// <summary>
/// Notices a child's exit without polling: one small thread per live child, blocked in waitpid(pid). A shared reaper
/// would need SIGCHLD, which the .NET runtime owns (it reaps its own Process children from its handler), or
/// waitpid(-1), which would steal those children's statuses; a thread per child touches neither. Backends are few (a
/// handful per sidecar) and each thread is a 64 KiB stack asleep in the kernel. macOS has an event for this too (kqueue
/// EVFILT_PROC), not used: the thread works on every Unix and is what CI runs on Linux.
/// </summary>
internal static unsafe class WaitpidThread
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
        int status = 0, result;
        do result = Native.waitpid(pid, &status, 0);
        while (result < 0 && Native.LastError == Native.EINTR);
        // ECHILD: someone else reaped it (only when SIGCHLD was ignored at our start): the status is unknown.
        return result == pid ? Decode(status, time.GetUtcNow()) : new ProcessExit(null, null, time.GetUtcNow());
    }

    /// <summary>The wait status layout is the same on Linux and macOS (&lt;sys/wait.h&gt;); the signal is renumbered to
    /// <see cref="Signals"/>.</summary>
    internal static ProcessExit Decode(int status, DateTimeOffset at)
    {
        var termSignal = status & 0x7f;
        return termSignal == 0
            ? new ProcessExit((status >> 8) & 0xff, null, at)
            : new ProcessExit(null, PosixValues.Current.SignalFromNative(termSignal), at);
    }
}
