using System.Runtime.InteropServices;

namespace BackendSidecar.Testing;

/// <summary>The few libc calls the test helpers need (kept apart from the product's interop on purpose).</summary>
internal static class Native
{
    public const int ESRCH = 3, EINTR = 4;
    public const short POLLIN = 1;

    [StructLayout(LayoutKind.Sequential)]
    public struct PollFd
    {
        public int Fd;
        public short Events;
        public short REvents;
    }

    [DllImport("libc", SetLastError = true)] public static extern int kill(int pid, int signal);
    [DllImport("libc", SetLastError = true)] public static extern int close(int fd);
    [DllImport("libc", SetLastError = true)] public static extern int poll([In, Out] PollFd[] fds, nuint count, int timeoutMs);
    [DllImport("libc", SetLastError = true)] public static extern nint syscall(nint number, int pid, uint flags);

    /// <summary>pidfd_open (434 on x86_64 and arm64).</summary>
    public static int PidfdOpen(int pid) => (int)syscall(434, pid, 0);
}
