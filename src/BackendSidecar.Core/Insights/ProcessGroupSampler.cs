using System.Globalization;
using BackendSidecar.Core.Processes;

namespace BackendSidecar.Core.Insights;

/// <summary>Reads a process group's CPU time, resident memory and size from /proc (Linux only).</summary>
public static class ProcessGroupSampler
{
    /// <summary>
    /// /proc reports CPU times in USER_HZ, which the kernel fixes at 100 for user space on every architecture it runs
    /// .NET on, whatever its internal HZ.
    /// </summary>
    private const double ClockTicksPerSecond = 100;

    /// <summary>The group's counters now; null off Linux or when no live member is left.</summary>
    public static GroupSample? Sample(int processGroupId, TimeProvider time)
    {
        if (!OperatingSystem.IsLinux()) return null;
        var takenAt = time.GetTimestamp();
        long ticks = 0, rss = 0;
        var processes = 0;
        foreach (var member in ProcessInfo.FindGroupMembers(processGroupId))
        {
            // A member that exits between the listing and these reads is simply not counted.
            if (TryRead($"/proc/{member.Pid}/stat") is not { } stat || ParseCpuTicks(stat) is not { } cpu) continue;
            ticks += cpu;
            if (TryRead($"/proc/{member.Pid}/statm") is { } statm && ParseResidentPages(statm) is { } pages)
                rss += pages * Environment.SystemPageSize;
            processes++;
        }
        return processes == 0 ? null : new GroupSample(TimeSpan.FromSeconds(ticks / ClockTicksPerSecond), rss, processes, takenAt);
    }

    /// <summary>
    /// CPU use between two samples of the same group, in percent of one core. Members that exited in between take
    /// their CPU time with them, so the difference can be negative: that reads as 0.
    /// </summary>
    public static double CpuPercent(GroupSample previous, GroupSample current, TimeProvider time)
    {
        var elapsed = time.GetElapsedTime(previous.TakenAt, current.TakenAt);
        if (elapsed <= TimeSpan.Zero) return 0;
        var used = current.CpuTime - previous.CpuTime;
        return used <= TimeSpan.Zero ? 0 : Math.Round(used / elapsed * 100, 1);
    }

    /// <summary>utime + stime (fields 14 and 15 of /proc/PID/stat), in clock ticks.</summary>
    /// <remarks>comm may contain spaces and parentheses, so fields are counted from the last ')'.</remarks>
    internal static long? ParseCpuTicks(string stat)
    {
        var close = stat.LastIndexOf(')');
        if (close < 0) return null;
        var fields = stat[(close + 1)..].Split(' ', StringSplitOptions.RemoveEmptyEntries);
        // After ')': field 3 (state) is index 0, so field N is index N - 3.
        if (fields.Length < 13) return null;
        return long.TryParse(fields[11], NumberStyles.None, CultureInfo.InvariantCulture, out var user)
            && long.TryParse(fields[12], NumberStyles.None, CultureInfo.InvariantCulture, out var system)
            ? user + system
            : null;
    }

    /// <summary>The resident set in pages: the second field of /proc/PID/statm.</summary>
    internal static long? ParseResidentPages(string statm)
    {
        var fields = statm.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        return fields.Length >= 2 && long.TryParse(fields[1], NumberStyles.None, CultureInfo.InvariantCulture, out var pages) ? pages : null;
    }

    private static string? TryRead(string path)
    {
        try
        {
            return File.ReadAllText(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }
}
