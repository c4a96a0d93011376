using BackendSidecar.Core.Platform.Posix.MacOS;
using BackendSidecar.Core.Processes;

namespace BackendSidecar.Core.Platform.Posix;

/// <summary>
/// The few numbers the POSIX platform needs that are not the same on every Unix. Everything else it uses has one value
/// on Linux and macOS (ESRCH 3, EINTR 4, ECHILD 10, WNOHANG 1, SIGKILL 9, SIGTERM 15, F_SETFD 2, FD_CLOEXEC 1).
/// </summary>
/// <param name="SpawnFlags">POSIX_SPAWN_SETPGROUP | SETSIGDEF | SETSIGMASK, plus what the OS adds (&lt;spawn.h&gt;).</param>
/// <param name="MaxSignal">The highest signal number (NSIG - 1, &lt;signal.h&gt;).</param>
/// <param name="HasPipe2">pipe2 with O_CLOEXEC exists; else pipe and fcntl, and every spawn closes what it does not map.</param>
/// <param name="NativeSignal">A signal numbered as <see cref="Signals"/> (Linux) -> the OS's number.</param>
/// <param name="SignalFromNative">The OS's number -> the <see cref="Signals"/> number, for exit reports.</param>
internal sealed record PosixValues(
    short SpawnFlags, int MaxSignal, bool HasPipe2, Func<int, int> NativeSignal, Func<int, int> SignalFromNative)
{
    /// <summary>&lt;spawn.h&gt; on glibc: POSIX_SPAWN_SETPGROUP 0x02, POSIX_SPAWN_SETSIGDEF 0x04, POSIX_SPAWN_SETSIGMASK 0x08.</summary>
    public static PosixValues Linux { get; } = new(0x02 | 0x04 | 0x08, 64, HasPipe2: true, s => s, s => s);

    /// <summary>This OS's values, chosen once.</summary>
    public static PosixValues Current { get; } = OperatingSystem.IsMacOS() ? MacOSValues.Values : Linux;
}
