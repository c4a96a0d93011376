using BackendSidecar.Core.Processes.Interop;

namespace BackendSidecar.Core.Processes;

// Overview
// --------
// Exits are detected from kernel events, never by polling the process table. A pidfd (pidfd_open(2), Linux 5.3+) becomes
// readable when its process has exited, whether it is our child or not, and a zombie counts as exited. One background
// thread poll()s on all watched pidfds plus an eventfd that wakes it when a watch is added; it closes a pidfd when it
// fires and runs the watch's callback, which only reaps (waitpid WNOHANG) or completes a task, so the thread never blocks
// for long. Nothing here reaps on its own: .NET's SIGCHLD handler reaps only children in its Process table, so the
// children we posix_spawn are reaped by their ChildProcess callback (no zombie is left behind).

/// <summary>One thread that turns process exits into task completions, through pidfds.</summary>
/// <remarks>Thread-safe. A watch lives until its process exits; its callback runs on the watcher thread.</remarks>
public sealed unsafe class PidfdWatcher
{
    private sealed record Watch(int Pidfd, int Pid, Action OnExit);

    private readonly Lock _lock = new();
    private readonly List<Watch> _watches = [];
    private readonly Dictionary<int, Task> _goneByPid = [];
    private readonly int _wakeFd;

    public static PidfdWatcher Shared { get; } = new();

    private PidfdWatcher()
    {
        _wakeFd = Posix.eventfd(0, Posix.EFD_CLOEXEC | Posix.EFD_NONBLOCK);
        if (_wakeFd < 0) throw new IOException($"eventfd failed: {Posix.ErrorText(Posix.LastError)}");
        new Thread(Run, maxStackSize: 256 * 1024) { IsBackground = true, Name = "pidfd-watcher" }.Start();
    }

    /// <summary>Runs <paramref name="onExit"/> on the watcher thread once child <paramref name="pid"/> has exited (not yet reaped).</summary>
    /// <exception cref="IOException">The pidfd cannot be opened (the caller still owns the unreaped child).</exception>
    public void WatchChild(int pid, Action onExit)
    {
        var pidfd = Posix.PidfdOpen(pid);
        if (pidfd < 0)
        {
            var errno = Posix.LastError;
            throw new IOException(errno == Posix.ENOSYS
                ? "pidfd_open is not available: Linux 5.3 or later is required."
                : $"pidfd_open({pid}) failed: {Posix.ErrorText(errno)}");
        }
        Add(new Watch(pidfd, pid, onExit));
    }

    /// <summary>
    /// Completes when process <paramref name="pid"/>, started at <paramref name="startTimeTicks"/>, has exited. Completes at
    /// once when it is already gone, a zombie, or a different process now holds the PID.
    /// </summary>
    public Task WhenGone(int pid, ulong startTimeTicks)
    {
        Task task;
        lock (_lock)
        {
            if (_goneByPid.TryGetValue(pid, out var pending)) return pending;
            var pidfd = Posix.PidfdOpen(pid);
            if (pidfd < 0)
            {
                var errno = Posix.LastError;
                if (errno == Posix.ESRCH) return Task.CompletedTask;
                throw new IOException($"pidfd_open({pid}) failed: {Posix.ErrorText(errno)}");
            }
            // The PID may have been reused between the caller's scan and pidfd_open: then this pidfd is a stranger's.
            if (ProcessInfo.TryReadStat(pid) is not { IsZombie: false } stat || stat.StartTimeTicks != startTimeTicks)
            {
                _ = Posix.close(pidfd);
                return Task.CompletedTask;
            }
            var gone = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            task = _goneByPid[pid] = gone.Task;
            _watches.Add(new Watch(pidfd, pid, () =>
            {
                lock (_lock) _goneByPid.Remove(pid);
                gone.TrySetResult();
            }));
        }
        Wake();
        return task;
    }

    private void Add(Watch watch)
    {
        lock (_lock) _watches.Add(watch);
        Wake();
    }

    private void Wake()
    {
        ulong one = 1;
        _ = Posix.write(_wakeFd, &one, sizeof(ulong));
    }

    private void Run()
    {
        var fds = new Posix.PollFd[16];
        while (true)
        {
            Watch[] watches;
            lock (_lock) watches = [.. _watches];
            if (fds.Length < watches.Length + 1) fds = new Posix.PollFd[(watches.Length + 1) * 2];
            fds[0] = new Posix.PollFd { Fd = _wakeFd, Events = Posix.POLLIN };
            for (var i = 0; i < watches.Length; i++) fds[i + 1] = new Posix.PollFd { Fd = watches[i].Pidfd, Events = Posix.POLLIN };

            int ready;
            fixed (Posix.PollFd* pollFds = fds) ready = Posix.poll(pollFds, (nuint)(watches.Length + 1), -1);
            if (ready <= 0) continue; // EINTR; nothing else is expected with valid descriptors

            if (fds[0].REvents != 0)
            {
                ulong count;
                _ = Posix.read(_wakeFd, &count, sizeof(ulong));
            }
            for (var i = 0; i < watches.Length; i++)
            {
                if (fds[i + 1].REvents != 0) Fire(watches[i]);
            }
        }
    }

    private void Fire(Watch watch)
    {
        lock (_lock) _watches.Remove(watch);
        _ = Posix.close(watch.Pidfd);
        try { watch.OnExit(); }
        catch (Exception) { /* a callback only completes tasks; never let it stop the watcher */ }
    }
}
