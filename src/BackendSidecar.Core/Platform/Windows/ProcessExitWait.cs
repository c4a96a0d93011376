using System.Runtime.Versioning;
using Microsoft.Win32.SafeHandles;

namespace BackendSidecar.Core.Platform.Windows;

/// <summary>Completes a task when a process handle is signalled (the process ended): one thread-pool wait, no polling.</summary>
[SupportedOSPlatform("windows")]
internal static class ProcessExitWait
{
    /// <summary>Runs <paramref name="onExit"/> once, on a pool thread, when <paramref name="process"/> ends. The handle must
    /// stay open until then.</summary>
    public static void Register(SafeProcessHandle process, Action onExit)
    {
        var wait = new ProcessWaitHandle(process);
        RegisteredWaitHandle? registration = null;
        var gate = new Lock();
        var fired = false;
        var registered = ThreadPool.RegisterWaitForSingleObject(wait, (_, _) =>
        {
            lock (gate)
            {
                fired = true;
                registration?.Unregister(null);
            }
            wait.Dispose();
            onExit();
        }, null, Timeout.Infinite, executeOnlyOnce: true);
        lock (gate)
        {
            if (fired) registered.Unregister(null);
            else registration = registered;
        }
    }

    /// <summary>Completes when <paramref name="process"/> ends (at once when it has).</summary>
    public static Task WhenExited(SafeProcessHandle process)
    {
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        Register(process, () => done.TrySetResult());
        return done.Task;
    }

    /// <summary>A WaitHandle over a process handle it does not own.</summary>
    private sealed class ProcessWaitHandle : WaitHandle
    {
        public ProcessWaitHandle(SafeProcessHandle process)
        {
            bool added = false;
            process.DangerousAddRef(ref added);
            SafeWaitHandle = new SafeWaitHandle(process.DangerousGetHandle(), ownsHandle: false);
            _process = process;
        }

        private readonly SafeProcessHandle _process;

        protected override void Dispose(bool explicitDisposing)
        {
            base.Dispose(explicitDisposing);
            if (explicitDisposing) _process.DangerousRelease();
        }
    }
}
