using System.Text;
using BackendSidecar.Core.Processes;
using Native = BackendSidecar.Core.Processes.Interop.Posix;

namespace BackendSidecar.Core.Platform.Posix;

/// <summary>
/// Runs a short system tool (ps, lsof) with a timeout, in the C locale, and returns its stdout; any failure (missing
/// tool, sandbox, timeout) is null, never an exception: callers then know less, they do not fail.
/// </summary>
/// <remarks>
/// Synchronous on the caller's thread: posix_spawn, a poll-bounded read of the pipe, waitpid. The seam's lookups are
/// synchronous (<see cref="IProcessTable.TryGetStartTime"/>, <see cref="Ports.IPortInspector.FindListener"/>), and
/// blocking on CliWrap's asynchronous run parked a thread-pool thread per lookup while the run itself needed pool
/// threads to finish: under the parallel end-to-end tests (2 cores, heavy load) initialize and start timed out after
/// 20 s. Here no pool thread is involved.
/// </remarks>
internal static unsafe class ShortCommand
{
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(2);
    private const int MaxOutputBytes = 4 * 1024 * 1024;

    /// <summary>The tool's stdout when it ran to its end (any exit code: lsof exits 1 when it finds nothing), else null.</summary>
    public static string? Run(string tool, IReadOnlyList<string> args, TimeSpan? timeout = null)
    {
        if (Locate(tool) is not { } path) return null;
        int read, write;
        try { (read, write) = PosixGroupSpawn.CreatePipe(); }
        catch (LaunchException) { return null; }
        int pid;
        try
        {
            pid = PosixGroupSpawn.Spawn(path, [path, .. args], ["LC_ALL=C", "PATH=/usr/sbin:/usr/bin:/sbin:/bin"], "/", -1, write, -1);
        }
        catch (LaunchException)
        {
            _ = Native.close(read);
            return null;
        }
        finally
        {
            _ = Native.close(write);
        }
        try
        {
            return ReadToEnd(read, Environment.TickCount64 + (long)(timeout ?? DefaultTimeout).TotalMilliseconds, pid);
        }
        finally
        {
            _ = Native.close(read);
            int status, result;
            do result = Native.waitpid(pid, &status, 0);
            while (result < 0 && Native.LastError == Native.EINTR);
        }
    }

    /// <summary>Reads until end of file; past <paramref name="deadline"/> the tool is killed and the result is null.</summary>
    private static string? ReadToEnd(int fd, long deadline, int pid)
    {
        var output = new MemoryStream();
        var buffer = stackalloc byte[16 * 1024];
        // Bounded by the deadline and by the output cap.
        while (output.Length < MaxOutputBytes)
        {
            var left = deadline - Environment.TickCount64;
            var poll = new Native.PollFd { Fd = fd, Events = Native.POLLIN };
            var ready = left <= 0 ? 0 : Native.poll(&poll, 1, (int)Math.Min(left, int.MaxValue));
            if (ready < 0 && Native.LastError == Native.EINTR) continue;
            if (ready <= 0)
            {
                _ = Native.kill(pid, Signals.SIGKILL); // 9 on every Unix
                return null;
            }
            var count = Native.read(fd, buffer, 16 * 1024);
            if (count < 0 && Native.LastError == Native.EINTR) continue;
            if (count < 0) return null;
            if (count == 0) break;
            output.Write(new ReadOnlySpan<byte>(buffer, (int)count));
        }
        return Encoding.UTF8.GetString(output.GetBuffer(), 0, (int)output.Length);
    }

    /// <summary>The usual places first (a macOS app's PATH may lack /usr/sbin, where lsof is), then PATH.</summary>
    private static string? Locate(string tool)
    {
        string[] usual = ["/usr/sbin", "/usr/bin", "/bin", "/sbin"];
        var onPath = (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':', StringSplitOptions.RemoveEmptyEntries);
        return usual.Concat(onPath).Select(folder => Path.Combine(folder, tool)).FirstOrDefault(File.Exists);
    }
}
