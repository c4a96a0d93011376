using Microsoft.Win32.SafeHandles;

namespace BackendSidecar.Core.Processes.Interop;

/// <summary>Opens a file for appending the way a file holding a user's logs must be: never through a symlink, and
/// created readable by its owner only.</summary>
internal static unsafe class PrivateFile
{
    private const uint OwnerReadWrite = 0x180; // 0600

    /// <summary>Opens (creating it 0600 when missing) <paramref name="path"/> for appending.</summary>
    /// <exception cref="IOException">The path is a symlink (someone may have planted it to make us write elsewhere), or cannot be opened.</exception>
    public static FileStream OpenAppend(string path)
    {
        if (OperatingSystem.IsWindows())
            return new FileStream(path, FileMode.Append, FileAccess.Write, FileShare.ReadWrite | FileShare.Delete, bufferSize: 0);

        var pathBytes = NativeStringArray.AllocUtf8(path);
        int fd;
        try
        {
            fd = Posix.openWithMode(pathBytes, Posix.O_WRONLY | Posix.O_CREAT | Posix.O_APPEND | Posix.O_CLOEXEC | Posix.O_NOFOLLOW, OwnerReadWrite);
        }
        finally { System.Runtime.InteropServices.NativeMemory.Free(pathBytes); }

        if (fd < 0)
        {
            var errno = Posix.LastError;
            throw new IOException(errno == Posix.ELOOP
                ? $"'{path}' is a symbolic link; a log file is never opened through one"
                : $"cannot open '{path}': {Posix.ErrorText(errno)}");
        }
        return new FileStream(new SafeFileHandle(fd, ownsHandle: true), FileAccess.Write, bufferSize: 0);
    }
}
