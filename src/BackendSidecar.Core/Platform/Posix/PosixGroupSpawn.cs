using System.IO.Pipes;
using System.Runtime.InteropServices;
using BackendSidecar.Core.Processes;
using BackendSidecar.Core.Processes.Interop;
using Native = BackendSidecar.Core.Processes.Interop.Posix;
using Microsoft.Win32.SafeHandles;

namespace BackendSidecar.Core.Platform.Posix;

/// <summary>
/// posix_spawn into a new process group (POSIX_SPAWN_SETPGROUP, pgroup 0), every catchable signal reset to its default
/// and an empty mask (the .NET runtime ignores SIGPIPE, and ignored dispositions survive exec), stdin from a given
/// descriptor or /dev/null, stdout and stderr on pipes, then chdir (posix_spawn_file_actions_addchdir_np: glibc 2.29,
/// macOS 10.15). No setpriv and no spawner thread: without a parent-death signal the spawning thread does not matter.
/// </summary>
internal static unsafe class PosixGroupSpawn
{
    private const int OpaqueStructBytes = 1024;

    /// <summary>Spawns <paramref name="path"/>; returns its PID or throws <see cref="LaunchException"/> with the errno.</summary>
    /// <param name="stdinFd">The child's stdin, or -1 for /dev/null.</param>
    /// <param name="stdoutFd">The child's stdout, or -1 for /dev/null (stderr follows it).</param>
    public static int Spawn(string path, IReadOnlyList<string> argv, IReadOnlyList<string> environment, string workingDirectory,
        int stdinFd, int stdoutFd, int stderrFd)
    {
        var values = PosixValues.Current;
        var attr = (nint)NativeMemory.AllocZeroed(OpaqueStructBytes);
        var actions = (nint)NativeMemory.AllocZeroed(OpaqueStructBytes);
        var defaultSignals = (nint)NativeMemory.AllocZeroed(OpaqueStructBytes);
        var emptyMask = (nint)NativeMemory.AllocZeroed(OpaqueStructBytes);
        var pathBytes = NativeStringArray.AllocUtf8(path);
        var cwdBytes = NativeStringArray.AllocUtf8(workingDirectory);
        var devNull = NativeStringArray.AllocUtf8("/dev/null");
        using var nativeArgv = new NativeStringArray(argv);
        using var nativeEnvp = new NativeStringArray(environment);
        var attrReady = false;
        var actionsReady = false;
        try
        {
            Check(Native.posix_spawnattr_init(attr), "posix_spawnattr_init");
            attrReady = true;
            _ = Native.sigemptyset(defaultSignals);
            for (var signal = 1; signal <= values.MaxSignal; signal++)
            {
                // SIGKILL (9 everywhere) and SIGSTOP cannot be caught; sigaddset refuses what it will not take.
                if (signal == Signals.SIGKILL || signal == values.NativeSignal(Signals.SIGSTOP)) continue;
                _ = Native.sigaddset(defaultSignals, signal);
            }
            _ = Native.sigemptyset(emptyMask);
            Check(Native.posix_spawnattr_setsigdefault(attr, defaultSignals), "posix_spawnattr_setsigdefault");
            Check(Native.posix_spawnattr_setsigmask(attr, emptyMask), "posix_spawnattr_setsigmask");
            Check(Native.posix_spawnattr_setpgroup(attr, 0), "posix_spawnattr_setpgroup");
            Check(Native.posix_spawnattr_setflags(attr, values.SpawnFlags), "posix_spawnattr_setflags");

            Check(Native.posix_spawn_file_actions_init(actions), "posix_spawn_file_actions_init");
            actionsReady = true;
            MapOrNull(actions, stdinFd, 0, Native.O_RDONLY, devNull);
            MapOrNull(actions, stdoutFd, 1, Native.O_WRONLY, devNull);
            MapOrNull(actions, stderrFd, 2, Native.O_WRONLY, devNull);
            Check(Native.posix_spawn_file_actions_addchdir_np(actions, cwdBytes), "posix_spawn_file_actions_addchdir_np");

            int pid;
            var error = Native.posix_spawn(&pid, pathBytes, actions, attr, nativeArgv.Pointer, nativeEnvp.Pointer);
            if (error != 0)
                throw new LaunchException($"Cannot start '{path}' in '{workingDirectory}': {Native.ErrorText(error)}", error);
            return pid;
        }
        finally
        {
            if (actionsReady) _ = Native.posix_spawn_file_actions_destroy(actions);
            if (attrReady) _ = Native.posix_spawnattr_destroy(attr);
            NativeMemory.Free((void*)attr);
            NativeMemory.Free((void*)actions);
            NativeMemory.Free((void*)defaultSignals);
            NativeMemory.Free((void*)emptyMask);
            NativeMemory.Free(pathBytes);
            NativeMemory.Free(cwdBytes);
            NativeMemory.Free(devNull);
        }
    }

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

    private static void MapOrNull(nint actions, int fd, int target, int nullFlags, byte* devNull) =>
        Check(fd >= 0
            ? Native.posix_spawn_file_actions_adddup2(actions, fd, target)
            : Native.posix_spawn_file_actions_addopen(actions, target, devNull, nullFlags, 0), "posix_spawn_file_actions");

    private static void Check(int error, string function)
    {
        if (error != 0) throw new LaunchException($"{function} failed: {Native.ErrorText(error)}", error);
    }
}
