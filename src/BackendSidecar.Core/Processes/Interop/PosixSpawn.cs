using System.Runtime.InteropServices;

namespace BackendSidecar.Core.Processes.Interop;

// Overview
// --------
// .NET's Process cannot put a child in a process group of its own, and setpgid after exec is refused (EACCES), so
// backends are started with posix_spawn(3), which does all of the child-side set-up between fork and exec:
//
//   * POSIX_SPAWN_SETPGROUP with pgroup 0: the child leads a new group (pgid == pid), so one kill(-pgid) reaches
//     every wrapper (sh, npm, uv run) and the real server below it.
//   * POSIX_SPAWN_SETSIGDEF for every catchable signal and POSIX_SPAWN_SETSIGMASK with an empty set: the .NET runtime
//     ignores SIGPIPE and blocks signals on some threads, and ignored dispositions and masks survive exec. A Python
//     server that inherits SIG_IGN for SIGPIPE, or a blocked SIGTERM, would not stop when asked. (glibc itself leaves
//     its two internal signals, 32 and 33, ignored in the child; a glibc program installs its own handlers for them.)
//   * file actions: the given descriptors (or /dev/null) on 0, 1 and 2 (dup2 clears their O_CLOEXEC, every other fd of
//     ours is O_CLOEXEC and stays behind), then chdir to the working directory (posix_spawn_file_actions_addchdir_np:
//     glibc 2.29+, macOS 10.15+).
//
// glibc's posix_spawn uses clone(CLONE_VM|CLONE_VFORK) and reports a failed chdir or exec as its return value, so
// "not found" and "permission denied" surface here as errno rather than as an exit code 127 later.
// The caller decides which thread this runs on: the parent-death signal is tied to the spawning thread.

/// <summary>The numbers a spawn depends on that are not the same on every Unix.</summary>
/// <param name="Flags">The posix_spawnattr flags: POSIX_SPAWN_SETPGROUP (a new process group), SETSIGDEF, SETSIGMASK,
/// plus what the OS adds.</param>
/// <param name="MaxSignal">The highest signal number: signals 1 to it are reset to their defaults.</param>
/// <param name="StopSignal">SIGSTOP's number on the OS (like SIGKILL it cannot be caught, so it is not reset).</param>
internal readonly record struct PosixSpawnSignals(short Flags, int MaxSignal, int StopSignal)
{
    /// <summary>Linux's (glibc's) numbers.</summary>
    public static PosixSpawnSignals Linux { get; } = new(
        Posix.POSIX_SPAWN_SETPGROUP | Posix.POSIX_SPAWN_SETSIGDEF | Posix.POSIX_SPAWN_SETSIGMASK, Posix.MaxSignal, Signals.SIGSTOP);
}

/// <summary>One posix_spawn call with the attributes and file actions every backend needs.</summary>
internal static unsafe class PosixSpawn
{
    /// <summary>Spawns <paramref name="path"/> and returns its PID, or throws <see cref="LaunchException"/> with the errno.</summary>
    /// <param name="argv">The whole argument vector, argv[0] included.</param>
    /// <param name="environment">"NAME=value" entries: the child's whole environment.</param>
    /// <param name="stdinFd">The child's stdin, or -1 for /dev/null.</param>
    /// <param name="stdoutFd">The child's stdout, or -1 for /dev/null.</param>
    /// <param name="stderrFd">The child's stderr, or -1 for /dev/null.</param>
    /// <param name="os">The OS's spawn flags and signal numbers.</param>
    public static int Spawn(string path, IReadOnlyList<string> argv, IReadOnlyList<string> environment,
        string workingDirectory, int stdinFd, int stdoutFd, int stderrFd, PosixSpawnSignals os)
    {
        var attr = (nint)NativeMemory.AllocZeroed(Posix.OpaqueStructBytes);
        var actions = (nint)NativeMemory.AllocZeroed(Posix.OpaqueStructBytes);
        var defaultSignals = (nint)NativeMemory.AllocZeroed(Posix.OpaqueStructBytes);
        var emptyMask = (nint)NativeMemory.AllocZeroed(Posix.OpaqueStructBytes);
        var pathBytes = NativeStringArray.AllocUtf8(path);
        var cwdBytes = NativeStringArray.AllocUtf8(workingDirectory);
        var devNull = NativeStringArray.AllocUtf8("/dev/null");
        using var nativeArgv = new NativeStringArray(argv);
        using var nativeEnvp = new NativeStringArray(environment);
        var attrReady = false;
        var actionsReady = false;
        try
        {
            Check(Posix.posix_spawnattr_init(attr), "posix_spawnattr_init");
            attrReady = true;
            Check(Posix.sigemptyset(defaultSignals) == 0 ? 0 : Posix.LastError, "sigemptyset");
            for (var signal = 1; signal <= os.MaxSignal; signal++)
            {
                // SIGKILL (9 everywhere) and SIGSTOP cannot be caught; glibc refuses its own internal signals. sigaddset
                // refuses what it will not take, and all of those are fine to skip.
                if (signal == Signals.SIGKILL || signal == os.StopSignal) continue;
                _ = Posix.sigaddset(defaultSignals, signal);
            }
            Check(Posix.sigemptyset(emptyMask) == 0 ? 0 : Posix.LastError, "sigemptyset");
            Check(Posix.posix_spawnattr_setsigdefault(attr, defaultSignals), "posix_spawnattr_setsigdefault");
            Check(Posix.posix_spawnattr_setsigmask(attr, emptyMask), "posix_spawnattr_setsigmask");
            Check(Posix.posix_spawnattr_setpgroup(attr, 0), "posix_spawnattr_setpgroup");
            Check(Posix.posix_spawnattr_setflags(attr, os.Flags), "posix_spawnattr_setflags");

            Check(Posix.posix_spawn_file_actions_init(actions), "posix_spawn_file_actions_init");
            actionsReady = true;
            MapOrNull(actions, stdinFd, 0, Posix.O_RDONLY, devNull);
            MapOrNull(actions, stdoutFd, 1, Posix.O_WRONLY, devNull);
            MapOrNull(actions, stderrFd, 2, Posix.O_WRONLY, devNull);
            Check(Posix.posix_spawn_file_actions_addchdir_np(actions, cwdBytes), "posix_spawn_file_actions_addchdir_np");

            int pid;
            var error = Posix.posix_spawn(&pid, pathBytes, actions, attr, nativeArgv.Pointer, nativeEnvp.Pointer);
            if (error != 0)
                throw new LaunchException($"Cannot start '{path}' in '{workingDirectory}': {Posix.ErrorText(error)}", error);
            return pid;
        }
        finally
        {
            if (actionsReady) _ = Posix.posix_spawn_file_actions_destroy(actions);
            if (attrReady) _ = Posix.posix_spawnattr_destroy(attr);
            NativeMemory.Free((void*)attr);
            NativeMemory.Free((void*)actions);
            NativeMemory.Free((void*)defaultSignals);
            NativeMemory.Free((void*)emptyMask);
            NativeMemory.Free(pathBytes);
            NativeMemory.Free(cwdBytes);
            NativeMemory.Free(devNull);
        }
    }

    /// <summary>dup2 of <paramref name="fd"/> onto <paramref name="target"/>, or /dev/null opened there when fd is -1.</summary>
    private static void MapOrNull(nint actions, int fd, int target, int nullFlags, byte* devNull)
    {
        if (fd >= 0)
            Check(Posix.posix_spawn_file_actions_adddup2(actions, fd, target), "posix_spawn_file_actions_adddup2");
        else
            Check(Posix.posix_spawn_file_actions_addopen(actions, target, devNull, nullFlags, 0), "posix_spawn_file_actions_addopen");
    }

    private static void Check(int error, string function)
    {
        if (error != 0) throw new LaunchException($"{function} failed: {Posix.ErrorText(error)}", error);
    }
}
