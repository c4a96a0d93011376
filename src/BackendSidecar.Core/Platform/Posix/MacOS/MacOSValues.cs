namespace BackendSidecar.Core.Platform.Posix.MacOS;

/// <summary>
/// macOS's numbers, from the SDK headers named below. Only a Mac runs these lines: on Linux (CI forces
/// BACKEND_SIDECAR_PLATFORM=posix) <see cref="PosixValues.Linux"/> is used instead. The opaque posix_spawnattr_t and
/// posix_spawn_file_actions_t are one pointer each on macOS (336 and 80 bytes on glibc); the spawner allocates 1 KiB
/// for either, which fits both.
/// </summary>
internal static class MacOSValues
{
    /// <summary>&lt;spawn.h&gt;: POSIX_SPAWN_SETPGROUP 0x0002, POSIX_SPAWN_SETSIGDEF 0x0004, POSIX_SPAWN_SETSIGMASK 0x0008,
    /// and Apple's POSIX_SPAWN_CLOEXEC_DEFAULT 0x4000: macOS has no pipe2, so a descriptor of ours opened on another
    /// thread between pipe() and fcntl(FD_CLOEXEC) would leak into a backend; this flag closes every one not mapped.</summary>
    private const short SpawnFlags = 0x0002 | 0x0004 | 0x0008 | 0x4000;

    /// <summary>&lt;sys/signal.h&gt;: NSIG 32.</summary>
    private const int MaxSignal = 31;

    /// <summary>&lt;sys/signal.h&gt;, by name; the index is the macOS number.</summary>
    private static readonly string[] s_names =
    [
        "", "SIGHUP", "SIGINT", "SIGQUIT", "SIGILL", "SIGTRAP", "SIGABRT", "SIGEMT", "SIGFPE", "SIGKILL", "SIGBUS",
        "SIGSEGV", "SIGSYS", "SIGPIPE", "SIGALRM", "SIGTERM", "SIGURG", "SIGSTOP", "SIGTSTP", "SIGCONT", "SIGCHLD",
        "SIGTTIN", "SIGTTOU", "SIGIO", "SIGXCPU", "SIGXFSZ", "SIGVTALRM", "SIGPROF", "SIGWINCH", "SIGINFO", "SIGUSR1", "SIGUSR2",
    ];

    public static PosixValues Values { get; } = new(SpawnFlags, MaxSignal, HasPipe2: false, ToMac, FromMac);

    /// <summary>A <see cref="Processes.Signals"/> (Linux) number -> macOS's; a signal macOS lacks (SIGSTKFLT, SIGPWR) -> SIGTERM.</summary>
    internal static int ToMac(int linuxSignal)
    {
        var index = Array.IndexOf(s_names, Processes.Signals.Name(linuxSignal));
        return index > 0 ? index : Processes.Signals.SIGTERM;
    }

    /// <summary>A macOS number -> the <see cref="Processes.Signals"/> number of the same name (SIGEMT, SIGINFO: unchanged).</summary>
    internal static int FromMac(int macSignal) =>
        macSignal > 0 && macSignal < s_names.Length && Processes.Signals.TryParse(s_names[macSignal], out var linux) ? linux : macSignal;
}
