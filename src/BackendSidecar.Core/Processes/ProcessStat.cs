namespace BackendSidecar.Core.Processes;

/// <summary>The fields of /proc/PID/stat the supervisor needs.</summary>
/// <param name="Pid">The process id.</param>
/// <param name="Name">The command name (comm), at most 15 characters.</param>
/// <param name="State">R, S, D, T, Z (zombie), X (dead), ...</param>
/// <param name="ParentPid">The parent's PID.</param>
/// <param name="ProcessGroupId">The process group.</param>
/// <param name="SessionId">The session.</param>
/// <param name="StartTimeTicks">Field 22: start time in clock ticks after boot; with the PID it identifies the process.</param>
public readonly record struct ProcessStat(
    int Pid, string Name, char State, int ParentPid, int ProcessGroupId, int SessionId, ulong StartTimeTicks)
{
    /// <summary>A zombie has exited and only waits to be reaped: it counts as gone.</summary>
    public bool IsZombie => State is 'Z' or 'X' or 'x';

    /// <summary>Parses the text of /proc/PID/stat, or returns null when it is malformed.</summary>
    /// <remarks>comm may contain spaces and parentheses, so the fields are counted from the last ')'.</remarks>
    public static ProcessStat? TryParse(ReadOnlySpan<char> text)
    {
        var open = text.IndexOf('(');
        var close = text.LastIndexOf(')');
        if (open <= 0 || close < open || !int.TryParse(text[..open].Trim(), out var pid)) return null;
        var name = text[(open + 1)..close].ToString();

        // After ") ": field 3 (state) is index 0, so field N is index N - 3.
        Span<Range> ranges = stackalloc Range[21];
        var rest = text[(close + 1)..].Trim();
        var count = rest.Split(ranges, ' ', StringSplitOptions.RemoveEmptyEntries);
        if (count < 20) return null;
        if (rest[ranges[0]].Length != 1
            || !int.TryParse(rest[ranges[1]], out var ppid)
            || !int.TryParse(rest[ranges[2]], out var pgrp)
            || !int.TryParse(rest[ranges[3]], out var session)
            || !ulong.TryParse(rest[ranges[19]], out var start))
            return null;
        return new ProcessStat(pid, name, rest[ranges[0]][0], ppid, pgrp, session, start);
    }
}
