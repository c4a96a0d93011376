using System.Globalization;

namespace BackendSidecar.Core.Insights;

/// <summary>
/// The kernel's count of out-of-memory kills in the sidecar's own cgroup, which its backends share unless something
/// moves them: <c>oom_kill</c> in <c>memory.events</c> (cgroup v2) or in <c>memory.oom_control</c> (cgroup v1).
/// Read before a spawn and after the exit; a rise means the OOM killer struck in between.
/// </summary>
public sealed class CgroupOomCounter
{
    private CgroupOomCounter(string filePath) => FilePath = filePath;

    /// <summary>The file the count is read from.</summary>
    public string FilePath { get; }

    /// <summary>
    /// The counter of the cgroup that <paramref name="procCgroupText"/> (the text of /proc/self/cgroup) names, under
    /// <paramref name="cgroupRoot"/>; null when no readable file holds an <c>oom_kill</c> line (not Linux, no memory
    /// controller, or the file is not where the path says, as in some containers).
    /// </summary>
    public static CgroupOomCounter? Locate(string procCgroupText, string cgroupRoot = "/sys/fs/cgroup")
    {
        foreach (var candidate in Candidates(procCgroupText, cgroupRoot))
        {
            if (TryReadCount(candidate) is not null) return new CgroupOomCounter(candidate);
        }
        return null;
    }

    /// <summary><see cref="Locate"/> for the running process; null off Linux.</summary>
    public static CgroupOomCounter? ForCurrentProcess()
    {
        if (!OperatingSystem.IsLinux()) return null;
        try
        {
            return Locate(File.ReadAllText("/proc/self/cgroup"));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    /// <summary>The current count, or null when the file cannot be read now.</summary>
    public long? Read() => TryReadCount(FilePath);

    private static IEnumerable<string> Candidates(string procCgroupText, string root)
    {
        foreach (var line in procCgroupText.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            // hierarchy-ID:controller-list:path; v2 is "0::/path".
            var parts = line.Split(':', 3);
            if (parts.Length != 3) continue;
            var relative = parts[2].TrimStart('/');
            if (parts[0] == "0" && parts[1].Length == 0)
            {
                yield return Path.Combine(root, relative, "memory.events");
                yield return Path.Combine(root, "unified", relative, "memory.events");
            }
            else if (parts[1].Split(',').Contains("memory", StringComparer.Ordinal))
            {
                yield return Path.Combine(root, "memory", relative, "memory.oom_control");
            }
        }
    }

    /// <summary>The value of the <c>oom_kill N</c> line, or null when the file is missing, unreadable or has none.</summary>
    internal static long? ParseCount(string text)
    {
        foreach (var line in text.Split('\n'))
        {
            var fields = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            if (fields.Length == 2 && fields[0] == "oom_kill"
                && long.TryParse(fields[1], NumberStyles.None, CultureInfo.InvariantCulture, out var count))
                return count;
        }
        return null;
    }

    private static long? TryReadCount(string path)
    {
        try
        {
            return ParseCount(File.ReadAllText(path));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }
}
