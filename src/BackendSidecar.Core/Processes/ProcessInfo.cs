using System.Buffers;
using System.IO.Enumeration;
using System.Text;
using BackendSidecar.Core.Processes.Interop;

namespace BackendSidecar.Core.Processes;

/// <summary>
/// Reads what the kernel says about processes from /proc (Linux). Every method tolerates processes that vanish while
/// being read: a process that cannot be read is treated as gone.
/// </summary>
/// <remarks>
/// <para>Thread-safe; nothing is cached except this process's own start time.</para>
/// <para>Files are read with open/read/close directly: a scan reads one or two files per process on the machine, after
/// every exit of a backend, and the File APIs add an fstat, a lock, a SafeHandle and a path string to each (measured on
/// a 2-core machine with 74 processes: the marker scan took 1.7 ms through File.ReadAllBytes, 0.5 ms so). Reading
/// /proc/PID/stat costs the kernel itself about 15 microseconds, so a group scan stays near 1 ms: avoid it where a
/// cheaper proof exists (see ProcessGroupKiller).</para>
/// </remarks>
public static unsafe class ProcessInfo
{
    private static readonly Lazy<ulong> s_currentStartTime =
        new(() => TryGetStartTime(Environment.ProcessId) ?? throw new InvalidOperationException("Cannot read /proc/self/stat."));

    /// <summary>This process's own start time (/proc/self/stat field 22).</summary>
    public static ulong CurrentStartTimeTicks => s_currentStartTime.Value;

    /// <summary>Reads /proc/<paramref name="pid"/>/stat, or null when the process does not exist (any more).</summary>
    public static ProcessStat? TryReadStat(int pid)
    {
        if (pid <= 0) return null;
        Span<byte> buffer = stackalloc byte[1024];
        var length = TryReadProcFile(pid, "stat"u8, buffer);
        if (length <= 0) return null;
        Span<char> text = stackalloc char[length];
        var chars = Encoding.UTF8.GetChars(buffer[..length], text);
        return ProcessStat.TryParse(text[..chars]);
    }

    /// <summary>True when the process exists and is not a zombie (an exited process waiting to be reaped counts as gone).</summary>
    public static bool IsAlive(int pid) => TryReadStat(pid) is { IsZombie: false };

    /// <summary>True when <paramref name="pid"/> is alive and is the very process that started at <paramref name="startTimeTicks"/>.</summary>
    public static bool IsSameProcess(int pid, ulong startTimeTicks) =>
        TryReadStat(pid) is { IsZombie: false } stat && stat.StartTimeTicks == startTimeTicks;

    /// <summary>/proc/PID/stat field 22, or null when the process does not exist.</summary>
    public static ulong? TryGetStartTime(int pid) => TryReadStat(pid)?.StartTimeTicks;

    /// <summary>The process's command name from /proc/PID/comm, or null.</summary>
    public static string? TryGetName(int pid)
    {
        Span<byte> buffer = stackalloc byte[64];
        var length = TryReadProcFile(pid, "comm"u8, buffer);
        return length <= 0 ? null : Encoding.UTF8.GetString(buffer[..length]).TrimEnd('\n');
    }

    /// <summary>Every PID listed in /proc (thread group leaders only).</summary>
    public static IEnumerable<int> EnumeratePids() =>
        new FileSystemEnumerable<int>("/proc", static (ref FileSystemEntry entry) => int.Parse(entry.FileName),
            new EnumerationOptions { AttributesToSkip = 0, IgnoreInaccessible = true })
        {
            ShouldIncludePredicate = static (ref FileSystemEntry entry) =>
                entry.IsDirectory && entry.FileName.Length > 0 && char.IsAsciiDigit(entry.FileName[0]) && int.TryParse(entry.FileName, out _),
        };

    /// <summary>The live (non-zombie) members of process group <paramref name="processGroupId"/>.</summary>
    public static IReadOnlyList<ProcessStat> FindGroupMembers(int processGroupId)
    {
        var members = new List<ProcessStat>();
        foreach (var pid in EnumeratePids())
        {
            if (TryReadStat(pid) is { IsZombie: false } stat && stat.ProcessGroupId == processGroupId) members.Add(stat);
        }
        return members;
    }

    /// <summary>
    /// The live processes of this user whose environment holds exactly <c><paramref name="name"/>=<paramref name="value"/></c>.
    /// Descendants inherit the environment, so this finds those that left the process group (setsid, double fork).
    /// This process itself is never returned.
    /// </summary>
    /// <remarks>/proc/PID/environ is the environment the process was started with; later setenv calls do not hide it.
    /// Reading it maps the other process's memory, which costs far more than its /proc/PID/stat; a descendant started no
    /// earlier than its ancestor, so with <paramref name="startedNoEarlierThan"/> the stat is read first and only the
    /// processes started since have their environment read (on a desktop: a few, of hundreds).</remarks>
    /// <param name="startedNoEarlierThan">The start time (clock ticks after boot) of the launched process; 0: unknown.</param>
    public static IReadOnlyList<ProcessStat> FindByEnvironmentMarker(string name, string value, ulong startedNoEarlierThan = 0)
    {
        var entry = Encoding.UTF8.GetBytes($"{name}={value}");
        var uid = Posix.getuid();
        var self = Environment.ProcessId;
        var found = new List<ProcessStat>();
        var buffer = ArrayPool<byte>.Shared.Rent(16 * 1024);
        try
        {
            foreach (var pid in EnumeratePids())
            {
                if (pid == self) continue;
                ProcessStat? stat = null;
                if (startedNoEarlierThan > 0)
                {
                    if (TryReadStat(pid) is not { IsZombie: false } started || started.StartTimeTicks < startedNoEarlierThan) continue;
                    stat = started;
                }
                // Else the environment first: it rules out nearly every process, and reading it fails at once for other users'.
                if (!EnvironmentContains(pid, entry, ref buffer)) continue;
                if (FileOwner.TryGetUid($"/proc/{pid}") != uid) continue;
                if ((stat ?? TryReadStat(pid)) is { IsZombie: false } live) found.Add(live);
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
        return found;
    }

    /// <summary>True when the start-up environment of <paramref name="pid"/> holds exactly <c>NAME=value</c>.</summary>
    public static bool HasEnvironmentEntry(int pid, string name, string value)
    {
        var buffer = ArrayPool<byte>.Shared.Rent(16 * 1024);
        try
        {
            return EnvironmentContains(pid, Encoding.UTF8.GetBytes($"{name}={value}"), ref buffer);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    /// <param name="buffer">A pooled buffer, replaced by a larger one when an environment does not fit.</param>
    private static bool EnvironmentContains(int pid, byte[] entry, ref byte[] buffer)
    {
        var length = TryReadWholeProcFile(pid, "environ"u8, ref buffer);
        if (length <= 0) return false;
        // Entries are NUL-terminated: match whole entries only, never the tail of another variable's value.
        var environ = buffer.AsSpan(0, length);
        while (!environ.IsEmpty)
        {
            var end = environ.IndexOf((byte)0);
            if (end < 0) end = environ.Length;
            if (environ[..end].SequenceEqual(entry)) return true;
            environ = environ[Math.Min(end + 1, environ.Length)..];
        }
        return false;
    }

    /// <summary>Reads /proc/PID/NAME into <paramref name="buffer"/> (up to its size); returns the byte count, or -1 when it
    /// cannot be read (the process is gone, or not ours to read).</summary>
    private static int TryReadProcFile(int pid, ReadOnlySpan<byte> name, Span<byte> buffer)
    {
        var fd = OpenProcFile(pid, name);
        if (fd < 0) return -1;
        try
        {
            return ReadAvailable(fd, buffer);
        }
        finally
        {
            _ = Posix.close(fd);
        }
    }

    /// <summary>Like <see cref="TryReadProcFile"/>, reading to the end: <paramref name="buffer"/> is replaced by a larger
    /// pooled one as needed.</summary>
    private static int TryReadWholeProcFile(int pid, ReadOnlySpan<byte> name, ref byte[] buffer)
    {
        var fd = OpenProcFile(pid, name);
        if (fd < 0) return -1;
        try
        {
            var total = 0;
            // Bounded by the file's size: each pass reads more or ends.
            while (true)
            {
                var read = ReadAvailable(fd, buffer.AsSpan(total));
                if (read < 0) return -1;
                total += read;
                if (total < buffer.Length) return total;
                var larger = ArrayPool<byte>.Shared.Rent(buffer.Length * 2);
                buffer.AsSpan(0, total).CopyTo(larger);
                ArrayPool<byte>.Shared.Return(buffer);
                buffer = larger;
            }
        }
        finally
        {
            _ = Posix.close(fd);
        }
    }

    private static int OpenProcFile(int pid, ReadOnlySpan<byte> name)
    {
        Span<byte> path = stackalloc byte[32 + name.Length];
        "/proc/"u8.CopyTo(path);
        if (!pid.TryFormat(path[6..], out var digits, provider: System.Globalization.CultureInfo.InvariantCulture)) return -1;
        var at = 6 + digits;
        path[at++] = (byte)'/';
        name.CopyTo(path[at..]);
        path[at + name.Length] = 0;
        fixed (byte* p = path)
        {
            return Posix.open(p, Posix.O_RDONLY | Posix.O_CLOEXEC);
        }
    }

    /// <summary>Reads until <paramref name="buffer"/> is full or the end of the file; -1 on an error.</summary>
    private static int ReadAvailable(int fd, Span<byte> buffer)
    {
        var total = 0;
        fixed (byte* start = buffer)
        {
            // Bounded by the buffer: each pass reads more or ends.
            while (total < buffer.Length)
            {
                var read = Posix.read(fd, start + total, (nuint)(buffer.Length - total));
                if (read < 0 && Posix.LastError == Posix.EINTR) continue;
                if (read < 0) return -1;
                if (read == 0) break;
                total += (int)read;
            }
        }
        return total;
    }
}
