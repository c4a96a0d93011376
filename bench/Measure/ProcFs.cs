using System.Globalization;

namespace BackendSidecar.Bench.Measure;

/// <summary>What /proc says about a process: memory, threads, descriptors, CPU time.</summary>
internal static class ProcFs
{
    /// <summary>Resident set size in MiB (VmRSS).</summary>
    public static double RssMiB(int pid) => StatusKiB(pid, "VmRSS:") / 1024.0;

    public static int Threads(int pid) => (int)StatusKiB(pid, "Threads:");

    /// <summary>RSS split by kind, in MB: the process's own memory, mapped files (code), shared memory (JIT double mapping).</summary>
    public static (double Anon, double File, double Shmem) RssBreakdownMb(int pid) =>
        (StatusKiB(pid, "RssAnon:") * 1024 / 1e6, StatusKiB(pid, "RssFile:") * 1024 / 1e6, StatusKiB(pid, "RssShmem:") * 1024 / 1e6);

    public static int OpenFds(int pid) => Directory.GetFileSystemEntries($"/proc/{pid}/fd").Length;

    /// <summary>Thread names (comm, at most 15 characters) with their counts, numbers stripped so alike threads group.</summary>
    public static SortedDictionary<string, int> ThreadGroups(int pid)
    {
        var groups = new SortedDictionary<string, int>(StringComparer.Ordinal);
        foreach (var task in Directory.GetDirectories($"/proc/{pid}/task"))
        {
            string name;
            try { name = File.ReadAllText(Path.Combine(task, "comm")).Trim(); }
            catch (IOException) { continue; } // the thread ended meanwhile
            // "log reader b17 s" and "log writer b3" group as "log reader" and "log writer".
            var words = name.Split(' ');
            var key = words.Length >= 3 && words[0] == "log" ? $"{words[0]} {words[1]}" : name.TrimEnd('0', '1', '2', '3', '4', '5', '6', '7', '8', '9', ' ', '#');
            groups[key] = groups.GetValueOrDefault(key) + 1;
        }
        return groups;
    }

    /// <summary>Time on CPU of every thread, in nanoseconds (first field of /proc/PID/task/TID/schedstat).</summary>
    public static Dictionary<int, long> ThreadCpuNs(int pid)
    {
        var result = new Dictionary<int, long>();
        foreach (var task in Directory.GetDirectories($"/proc/{pid}/task"))
        {
            try
            {
                var text = File.ReadAllText(Path.Combine(task, "schedstat"));
                result[int.Parse(Path.GetFileName(task), CultureInfo.InvariantCulture)] =
                    long.Parse(text.AsSpan(0, text.IndexOf(' ')), CultureInfo.InvariantCulture);
            }
            catch (IOException)
            {
                // The thread ended between the listing and the read.
            }
        }
        return result;
    }

    /// <summary>utime + stime of the whole process (dead threads included), in clock ticks (usually 10 ms).</summary>
    public static long CpuTicks(int pid)
    {
        var stat = File.ReadAllText($"/proc/{pid}/stat");
        var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
        // Fields after the command: state is index 0, utime is field 14 of the full line (index 11 here), stime 12.
        return long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture);
    }

    public static string LoadAverage() => File.ReadAllText("/proc/loadavg").Trim();

    /// <summary>The direct children of <paramref name="pid"/> (a scan of /proc: this kernel has no task/*/children).</summary>
    public static List<int> Children(int pid)
    {
        var children = new List<int>();
        foreach (var dir in Directory.GetDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(dir), NumberStyles.None, CultureInfo.InvariantCulture, out var candidate)) continue;
            try
            {
                var stat = File.ReadAllText(Path.Combine(dir, "stat"));
                var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
                if (int.Parse(fields[1], CultureInfo.InvariantCulture) == pid) children.Add(candidate);
            }
            catch (IOException)
            {
                // Gone meanwhile.
            }
        }
        return children;
    }

    public static string? Comm(int pid)
    {
        try { return File.ReadAllText($"/proc/{pid}/comm").Trim(); }
        catch (IOException) { return null; }
    }

    public static string? Comm(int pid, int tid)
    {
        try { return File.ReadAllText($"/proc/{pid}/task/{tid}/comm").Trim(); }
        catch (IOException) { return null; }
    }

    private static long StatusKiB(int pid, string key)
    {
        foreach (var line in File.ReadLines($"/proc/{pid}/status"))
        {
            if (line.StartsWith(key, StringComparison.Ordinal))
                return long.Parse(line[key.Length..].Trim().Split(' ')[0], CultureInfo.InvariantCulture);
        }
        throw new InvalidDataException($"/proc/{pid}/status has no {key}");
    }
}
