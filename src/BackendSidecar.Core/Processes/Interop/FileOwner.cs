namespace BackendSidecar.Core.Processes.Interop;

/// <summary>Owner and mode of a path via statx(2), whose buffer layout is the same on every architecture.</summary>
internal static unsafe class FileOwner
{
    private const int StatxBytes = 256, UidOffset = 20, ModeOffset = 28;

    /// <summary>The owner's uid (for /proc/PID: the process's effective uid), or null when the path cannot be examined.</summary>
    public static uint? TryGetUid(string path) => TryStat(path, out var uid, out _) ? uid : null;

    /// <summary>Owner and permission bits of <paramref name="path"/> without following a final symlink.</summary>
    public static bool TryStat(string path, out uint uid, out uint mode)
    {
        uid = mode = 0;
        var buffer = stackalloc byte[StatxBytes];
        var pathBytes = NativeStringArray.AllocUtf8(path);
        try
        {
            if (Posix.statx(Posix.AT_FDCWD, pathBytes, Posix.AT_SYMLINK_NOFOLLOW, Posix.STATX_UID | Posix.STATX_MODE, buffer) != 0)
                return false;
        }
        finally { System.Runtime.InteropServices.NativeMemory.Free(pathBytes); }
        uid = *(uint*)(buffer + UidOffset);
        mode = *(ushort*)(buffer + ModeOffset);
        return true;
    }
}
