using BackendSidecar.Core.Processes.Interop;

namespace BackendSidecar.Core.Processes;

/// <summary>
/// Checks a <see cref="LaunchRequest"/> before the spawn. Through setpriv a missing file would only show up after the
/// spawn, as an exit code; checked here it is a <see cref="LaunchException"/> that names the path.
/// </summary>
internal static unsafe class LaunchValidation
{
    public static void Check(LaunchRequest request)
    {
        var file = request.FileName;
        if (!Path.IsPathRooted(file))
            throw new LaunchException($"Cannot start '{file}': the path must be absolute.");
        if (Directory.Exists(file))
            throw new LaunchException($"Cannot start '{file}': it is a directory.", Posix.EACCES);
        if (!File.Exists(file))
            throw new LaunchException($"Cannot start '{file}': file not found.", Posix.ENOENT);
        if (!IsExecutable(file))
            throw new LaunchException($"Cannot start '{file}': not executable (permission denied).", Posix.EACCES);
        if (!Directory.Exists(request.WorkingDirectory))
            throw new LaunchException($"Cannot start '{file}': working directory '{request.WorkingDirectory}' does not exist.", Posix.ENOENT);

        foreach (var arg in request.Args)
        {
            if (arg.Contains('\0')) throw new LaunchException($"Cannot start '{file}': an argument contains a NUL character.");
        }
        foreach (var (name, value) in request.Environment)
        {
            if (name.Length == 0 || name.Contains('=') || name.Contains('\0') || value.Contains('\0'))
                throw new LaunchException($"Cannot start '{file}': environment variable '{name.Replace("\0", "\\0")}' has an invalid name or value.");
        }
    }

    private static bool IsExecutable(string path)
    {
        var bytes = NativeStringArray.AllocUtf8(path);
        try { return Posix.access(bytes, Posix.X_OK) == 0; }
        finally { System.Runtime.InteropServices.NativeMemory.Free(bytes); }
    }
}
