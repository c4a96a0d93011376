using System.Runtime.InteropServices;

namespace BackendSidecar.Bench;

internal static partial class Native
{
    public const int SIGKILL = 9;

    /// <summary>kill(2): a direct system call, so the timestamp taken just before it is the moment of the signal.</summary>
    [LibraryImport("libc", SetLastError = true)]
    public static partial int kill(int pid, int signal);
}
