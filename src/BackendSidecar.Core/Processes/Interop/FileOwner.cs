namespace BackendSidecar.Core.Processes.Interop;

/// <summary>Owner and mode of a path via statx(2), whose buffer layout is the same on every architecture.</summary>
internal static unsafe class FileOwner
{
    private const int StatxBytes = 256, UidOffset = 20, ModeOffset = 28;

    /// <summary>The file-type bits of a mode (S_IFMT), and the type of a regular file (S_IFREG).</summary>
    public const uint TypeMask = 0xF000, RegularFile = 0x8000;

    /// <summary>The owner's uid (for /proc/PID: the process's effective uid), or null when the path cannot be examined.</summary>
    public static uint? TryGetUid(string path) => TryStat(path, out var uid, out _) ? uid : null;

    /// <summary>Owner, file type and permission bits of <paramref name="path"/>; a final symlink is followed only when asked.</summary>
    public static bool TryStat(string path, out uint uid, out uint mode, bool followLinks = false)
    {
        uid = mode = 0;
        var buffer = stackalloc byte[StatxBytes];
        var pathBytes = NativeStringArray.AllocUtf8(path);
        try
        {
            if (Posix.statx(Posix.AT_FDCWD, pathBytes, followLinks ? 0 : Posix.AT_SYMLINK_NOFOLLOW, Posix.STATX_TYPE | Posix.STATX_UID | Posix.STATX_MODE, buffer) != 0)
                return false;
        }
        finally { System.Runtime.InteropServices.NativeMemory.Free(pathBytes); }
        uid = *(uint*)(buffer + UidOffset);
        mode = *(ushort*)(buffer + ModeOffset);
        return true;
    }
}
