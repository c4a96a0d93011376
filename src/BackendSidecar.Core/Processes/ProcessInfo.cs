using System.Text;
using BackendSidecar.Core.Processes.Interop;

namespace BackendSidecar.Core.Processes;

/// <summary>
/// Reads what the kernel says about processes from /proc (Linux). Every method tolerates processes that vanish while
/// being read: a process that cannot be read is treated as gone.
/// </summary>
/// <remarks>Thread-safe; nothing is cached except this process's own start time.</remarks>
public static class ProcessInfo
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
        var length = TryReadSmallFile($"/proc/{pid}/stat", buffer);
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
        var length = TryReadSmallFile($"/proc/{pid}/comm", buffer);
        return length <= 0 ? null : Encoding.UTF8.GetString(buffer[..length]).TrimEnd('\n');
    }

    /// <summary>Every PID listed in /proc (thread group leaders only).</summary>
    public static IEnumerable<int> EnumeratePids()
    {
        foreach (var dir in Directory.EnumerateDirectories("/proc"))
        {
            if (int.TryParse(Path.GetFileName(dir.AsSpan()), out var pid)) yield return pid;
        }
    }

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
    /// <remarks>/proc/PID/environ is the environment the process was started with; later setenv calls do not hide it.</remarks>
    public static IReadOnlyList<ProcessStat> FindByEnvironmentMarker(string name, string value)
    {
        var entry = Encoding.UTF8.GetBytes($"{name}={value}");
        var uid = Posix.getuid();
        var self = Environment.ProcessId;
        var found = new List<ProcessStat>();
        foreach (var pid in EnumeratePids())
        {
            if (pid == self || FileOwner.TryGetUid($"/proc/{pid}") != uid) continue;
            if (!EnvironmentContains(pid, entry)) continue;
            if (TryReadStat(pid) is { IsZombie: false } stat) found.Add(stat);
        }
        return found;
    }

    /// <summary>True when the start-up environment of <paramref name="pid"/> holds exactly <c>NAME=value</c>.</summary>
    public static bool HasEnvironmentEntry(int pid, string name, string value) =>
        EnvironmentContains(pid, Encoding.UTF8.GetBytes($"{name}={value}"));

    private static bool EnvironmentContains(int pid, byte[] entry)
    {
        byte[] environ;
        try { environ = File.ReadAllBytes($"/proc/{pid}/environ"); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException) { return false; }
        // Entries are NUL-terminated: match whole entries only, never the tail of another variable's value.
        var start = 0;
        while (start < environ.Length)
        {
            var end = Array.IndexOf(environ, (byte)0, start);
            if (end < 0) end = environ.Length;
            if (environ.AsSpan(start, end - start).SequenceEqual(entry)) return true;
            start = end + 1;
        }
        return false;
    }

    /// <summary>Reads a small procfs file into <paramref name="buffer"/>; returns the byte count, or -1 when it cannot be read.</summary>
    private static int TryReadSmallFile(string path, Span<byte> buffer)
    {
        try
        {
            using var handle = File.OpenHandle(path, FileMode.Open, FileAccess.Read);
            return RandomAccess.Read(handle, buffer, 0);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException) { return -1; }
    }
}
