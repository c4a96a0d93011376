using System.IO.Pipes;
using BackendSidecar.Core.Processes;
using BackendSidecar.Core.Processes.Interop;
using Native = BackendSidecar.Core.Processes.Interop.Posix;
using Microsoft.Win32.SafeHandles;

namespace BackendSidecar.Core.Platform.Posix;

/// <summary>
/// <see cref="PosixSpawn"/> with this OS's numbers (<see cref="PosixValues"/>): a new process group, every catchable
/// signal reset to its default and an empty mask, the given stdio descriptors (-1: /dev/null), then chdir. No setpriv
/// and no spawner thread: without a parent-death signal the spawning thread does not matter.
/// </summary>
internal static unsafe class PosixGroupSpawn
{
    private static readonly PosixSpawnSignals s_os = new(
        PosixValues.Current.SpawnFlags, PosixValues.Current.MaxSignal, PosixValues.Current.NativeSignal(Signals.SIGSTOP));

    /// <summary>Spawns <paramref name="path"/>; returns its PID or throws <see cref="LaunchException"/> with the errno.</summary>
    /// <param name="stdinFd">The child's stdin, or -1 for /dev/null.</param>
    /// <param name="stdoutFd">The child's stdout, or -1 for /dev/null.</param>
    /// <param name="stderrFd">The child's stderr, or -1 for /dev/null.</param>
    public static int Spawn(string path, IReadOnlyList<string> argv, IReadOnlyList<string> environment, string workingDirectory,
        int stdinFd, int stdoutFd, int stderrFd) =>
        PosixSpawn.Spawn(path, argv, environment, workingDirectory, stdinFd, stdoutFd, stderrFd, s_os);

    /// <summary>A pipe whose two ends are close-on-exec (the spawn's dup2 clears it on the child's copy only).</summary>
    public static (int Read, int Write) CreatePipe()
    {
        var fds = stackalloc int[2];
        var failed = PosixValues.Current.HasPipe2 ? Native.pipe2(fds, Native.O_CLOEXEC) != 0 : Native.pipe(fds) != 0;
        if (failed)
        {
            var errno = Native.LastError;
            throw new LaunchException($"Cannot create a pipe: {Native.ErrorText(errno)}", errno);
        }
        if (!PosixValues.Current.HasPipe2)
        {
            _ = Native.fcntl(fds[0], Native.F_SETFD, Native.FD_CLOEXEC);
            _ = Native.fcntl(fds[1], Native.F_SETFD, Native.FD_CLOEXEC);
        }
        return (fds[0], fds[1]);
    }

    /// <summary>An unbuffered stream over a pipe end, read in the runtime's event loop (as the Linux launcher does).</summary>
    public static Stream OpenStream(int fd, PipeDirection direction) =>
        direction == PipeDirection.In
            ? new AnonymousPipeClientStream(PipeDirection.In, new SafePipeHandle(fd, ownsHandle: true))
            : new AnonymousPipeClientStream(PipeDirection.Out, new SafePipeHandle(fd, ownsHandle: true));
}
