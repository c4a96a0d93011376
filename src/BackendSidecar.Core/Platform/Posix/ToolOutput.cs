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
}
