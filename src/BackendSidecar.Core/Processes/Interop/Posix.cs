using System.Runtime.InteropServices;

namespace BackendSidecar.Core.Processes.Interop;

/// <summary>
/// The libc entry points the process layer needs, with blittable signatures (source-generated marshalling only).
/// Constants are the Linux values shared by x86_64 and arm64.
/// </summary>
/// <remarks>
/// posix_spawn* functions return an errno value directly; the others return -1 and set errno
/// (read it with <see cref="Marshal.GetLastPInvokeError"/>).
/// </remarks>
internal static unsafe partial class Posix
{
    private const string Libc = "libc";

    public const int EPERM = 1, ENOENT = 2, ESRCH = 3, EINTR = 4, ECHILD = 10, EAGAIN = 11, EACCES = 13, ENOSYS = 38;
    public const int O_RDONLY = 0, O_WRONLY = 1, O_CREAT = 0x40, O_APPEND = 0x400, O_NONBLOCK = 0x800, O_CLOEXEC = 0x80000;
    public const int ELOOP = 40;

    /// <summary>One of the few flags whose value differs between x86_64 (0x20000) and arm64 (0x8000).</summary>
    public static int O_NOFOLLOW => RuntimeInformation.ProcessArchitecture is Architecture.Arm64 or Architecture.Arm ? 0x8000 : 0x20000;
    public const int EFD_CLOEXEC = O_CLOEXEC, EFD_NONBLOCK = O_NONBLOCK;
    public const int F_SETPIPE_SZ = 1031;
    /// <summary>The same on Linux and macOS (&lt;fcntl.h&gt;).</summary>
    public const int F_SETFD = 2, FD_CLOEXEC = 1;
    public const int WNOHANG = 1;
    public const int X_OK = 1;
    public const short POLLIN = 0x1;

    public const short POSIX_SPAWN_SETPGROUP = 0x02, POSIX_SPAWN_SETSIGDEF = 0x04, POSIX_SPAWN_SETSIGMASK = 0x08;

    /// <summary>The same number on x86_64 and arm64 (syscalls added after 4.x share one table).</summary>
    public const nint SYS_pidfd_open = 434;

    public const int AT_FDCWD = -100, AT_SYMLINK_NOFOLLOW = 0x100;
    public const uint STATX_TYPE = 0x1, STATX_MODE = 0x2, STATX_UID = 0x8;

    /// <summary>Signals are 1..64 on Linux (glibc keeps 32 and 33 for itself and refuses them in sigaddset).</summary>
    public const int MaxSignal = 64;

    /// <summary>Opaque libc structures are allocated natively with room to spare (glibc: sigset_t 128 B,
    /// posix_spawnattr_t 336 B, posix_spawn_file_actions_t 80 B).</summary>
    public const int OpaqueStructBytes = 1024;

    [StructLayout(LayoutKind.Sequential)]
    public struct PollFd
    {
        public int Fd;
        public short Events;
        public short REvents;
    }

    [LibraryImport(Libc)]
    public static partial int posix_spawn(int* pid, byte* path, nint fileActions, nint attr, byte** argv, byte** envp);

    [LibraryImport(Libc)] public static partial int posix_spawnattr_init(nint attr);
    [LibraryImport(Libc)] public static partial int posix_spawnattr_destroy(nint attr);
    [LibraryImport(Libc)] public static partial int posix_spawnattr_setflags(nint attr, short flags);
    [LibraryImport(Libc)] public static partial int posix_spawnattr_setpgroup(nint attr, int pgroup);
    [LibraryImport(Libc)] public static partial int posix_spawnattr_setsigdefault(nint attr, nint sigset);
    [LibraryImport(Libc)] public static partial int posix_spawnattr_setsigmask(nint attr, nint sigset);

    [LibraryImport(Libc)] public static partial int sigemptyset(nint set);
    [LibraryImport(Libc)] public static partial int sigaddset(nint set, int signal);

    [LibraryImport(Libc)] public static partial int posix_spawn_file_actions_init(nint fileActions);
    [LibraryImport(Libc)] public static partial int posix_spawn_file_actions_destroy(nint fileActions);
    [LibraryImport(Libc)] public static partial int posix_spawn_file_actions_adddup2(nint fileActions, int fd, int newFd);
    [LibraryImport(Libc)] public static partial int posix_spawn_file_actions_addopen(nint fileActions, int fd, byte* path, int flags, uint mode);
    [LibraryImport(Libc)] public static partial int posix_spawn_file_actions_addchdir_np(nint fileActions, byte* path);

    [LibraryImport(Libc, SetLastError = true)] public static partial int pipe2(int* fds, int flags);
    /// <summary>pipe(2): for systems without pipe2 (macOS); set FD_CLOEXEC with fcntl at once.</summary>
    [LibraryImport(Libc, SetLastError = true)] public static partial int pipe(int* fds);
    /// <summary>open(2) without O_CREAT, so the variadic mode argument is never read.</summary>
    [LibraryImport(Libc, SetLastError = true)] public static partial int open(byte* path, int flags);
    [LibraryImport(Libc, EntryPoint = "open", SetLastError = true)] public static partial int openWithMode(byte* path, int flags, uint mode);
    [LibraryImport(Libc, SetLastError = true)] public static partial int close(int fd);
    [LibraryImport(Libc, SetLastError = true)] public static partial nint read(int fd, void* buffer, nuint count);
    [LibraryImport(Libc, SetLastError = true)] public static partial nint write(int fd, void* buffer, nuint count);
    [LibraryImport(Libc, SetLastError = true)] public static partial int fcntl(int fd, int command, int argument);
    [LibraryImport(Libc, SetLastError = true)] public static partial int eventfd(uint initialValue, int flags);
    [LibraryImport(Libc, SetLastError = true)] public static partial int poll(PollFd* fds, nuint count, int timeoutMs);

    [LibraryImport(Libc, SetLastError = true)] public static partial int kill(int pid, int signal);
    [LibraryImport(Libc, SetLastError = true)] public static partial int waitpid(int pid, int* status, int options);
    [LibraryImport(Libc, SetLastError = true)] public static partial int getpgid(int pid);

    /// <summary>syscall(2) is variadic; integer arguments pass in the same registers as for a fixed signature.</summary>
    [LibraryImport(Libc, SetLastError = true)] public static partial nint syscall(nint number, int pid, uint flags);

    [LibraryImport(Libc, SetLastError = true)] public static partial int access(byte* path, int mode);
    [LibraryImport(Libc, SetLastError = true)] public static partial int statx(int dirFd, byte* path, int flags, uint mask, byte* buffer);
    [LibraryImport(Libc)] public static partial uint getuid();
    [LibraryImport(Libc)] public static partial int getppid();

    /// <summary>Opens a pidfd (Linux 5.3+): readable once the process has exited, for children and non-children alike.</summary>
    public static int PidfdOpen(int pid) => (int)syscall(SYS_pidfd_open, pid, 0);

    public static int LastError => Marshal.GetLastPInvokeError();

    public static string ErrorText(int errno) => Marshal.GetPInvokeErrorMessage(errno);
}
