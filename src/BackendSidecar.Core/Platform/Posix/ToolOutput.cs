using System.Globalization;

namespace BackendSidecar.Core.Platform.Posix;

/// <summary>Pure parsers for what ps and lsof print, so their formats are tested without running them.</summary>
internal static class ToolOutput
{
    /// <summary>
    /// <c>ps -o lstart= -p PID</c> in the C locale, the same on macOS and procps: <c>Tue Dec  1 18:00:04 2026</c> (day
    /// padded with a space). Returns whole seconds since 1970 of that wall-clock time read as UTC: the time zone does not
    /// matter, only that the same process always gives the same number. Null for anything else (no such process: empty).
    /// </summary>
    public static ulong? ParseStartTime(string? lstart)
    {
        if (lstart is null) return null;
        var fields = lstart.Split((char[])[' ', '\t', '\n', '\r'], StringSplitOptions.RemoveEmptyEntries);
        if (fields.Length != 5) return null;
        var text = $"{fields[1]} {fields[2]} {fields[3]} {fields[4]}";
        return DateTime.TryParseExact(text, "MMM d HH:mm:ss yyyy", CultureInfo.InvariantCulture,
            DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var at)
            ? (ulong)new DateTimeOffset(at, TimeSpan.Zero).ToUnixTimeSeconds()
            : null;
    }

    /// <summary><c>ps -o comm= -p PID</c>: macOS prints the executable's path, procps the short name; either way the
    /// file name. Null when empty.</summary>
    public static string? ParseName(string? comm)
    {
        var line = comm?.Trim();
        return string.IsNullOrEmpty(line) ? null : Path.GetFileName(line);
    }

    /// <summary>
    /// <c>lsof -nP -iTCP:PORT -sTCP:LISTEN -Fpc</c>: one field per line, a letter then the value: <c>p</c> starts a
    /// process, <c>c</c> is its command; lsof adds <c>f</c> (file descriptor) lines and others, skipped. Several
    /// processes share a socket after a fork (a server and its workers): the lowest PID, usually the parent, as on Linux.
    /// </summary>
    public static (int Pid, string? Name)? ParseListener(string? lsof)
    {
        if (lsof is null) return null;
        (int Pid, string? Name)? lowest = null;
        int? pid = null;
        string? name = null;
        foreach (var raw in lsof.Split('\n'))
        {
            var line = raw.TrimEnd('\r');
            if (line.Length < 2) continue;
            switch (line[0])
            {
                case 'p':
                    Keep();
                    pid = int.TryParse(line.AsSpan(1), NumberStyles.None, CultureInfo.InvariantCulture, out var p) && p > 0 ? p : null;
                    name = null;
                    break;
                case 'c' when pid is not null:
                    name = line[1..];
                    break;
            }
        }
        Keep();
        return lowest;

        void Keep()
        {
            if (pid is { } found && (lowest is null || found < lowest.Value.Pid)) lowest = (found, name);
        }
    }

    /// <summary>
    /// <c>ps -A -o pgid=,rss=,time=</c>: one line per process, the group, the resident set in KiB and the CPU time, which
    /// procps prints as <c>[DD-]HH:MM:SS</c> and macOS as <c>M:SS.cc</c> or <c>H:MM:SS.cc</c>. Sums the lines of
    /// <paramref name="processGroupId"/>; null when it has none.
    /// </summary>
    public static (TimeSpan Cpu, long RssBytes, int Processes)? ParseGroupUsage(string? ps, int processGroupId)
    {
        if (ps is null) return null;
        var cpu = TimeSpan.Zero;
        long rss = 0;
        var count = 0;
        foreach (var line in ps.Split('\n'))
        {
            var fields = line.Split((char[])[' ', '\t', '\r'], StringSplitOptions.RemoveEmptyEntries);
            if (fields.Length != 3 || !int.TryParse(fields[0], NumberStyles.None, CultureInfo.InvariantCulture, out var group)
                || group != processGroupId) continue;
            if (!long.TryParse(fields[1], NumberStyles.None, CultureInfo.InvariantCulture, out var kib) || ParseCpuTime(fields[2]) is not { } time)
                continue;
            cpu += time;
            rss += kib * 1024;
            count++;
        }
        return count == 0 ? null : (cpu, rss, count);
    }

    /// <summary><c>[DD-]HH:MM:SS</c> (procps) or <c>[H:]M:SS.cc</c> (macOS) -> a time span; null for anything else.</summary>
    internal static TimeSpan? ParseCpuTime(string text)
    {
        var days = 0;
        var dash = text.IndexOf('-');
        if (dash > 0)
        {
            if (!int.TryParse(text.AsSpan(0, dash), NumberStyles.None, CultureInfo.InvariantCulture, out days)) return null;
            text = text[(dash + 1)..];
        }
        var parts = text.Split(':');
        if (parts.Length is < 2 or > 3) return null;
        if (!double.TryParse(parts[^1], NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var seconds)) return null;
        var total = seconds;
        var scale = 60.0;
        for (var i = parts.Length - 2; i >= 0; i--, scale *= 60)
        {
            if (!int.TryParse(parts[i], NumberStyles.None, CultureInfo.InvariantCulture, out var value)) return null;
            total += value * scale;
        }
        return TimeSpan.FromSeconds(total + days * 86400.0);
    }
}
