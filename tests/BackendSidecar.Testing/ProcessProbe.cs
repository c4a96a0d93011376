using System.Runtime.InteropServices;
using System.Text;

namespace BackendSidecar.Testing;

/// <summary>What /proc/PID/stat says about a process, as the tests need it.</summary>
public readonly record struct ProbedProcess(int Pid, string Name, char State, int ParentPid, int ProcessGroupId, int SessionId, ulong StartTimeTicks)
{
    /// <summary>Exited and waiting to be reaped: counts as gone (PID 1 here may never reap orphans).</summary>
    public bool IsZombie => State is 'Z' or 'X';
}

/// <summary>Independent checks on real processes, so tests do not trust the code they test to observe itself.</summary>
public static class ProcessProbe
{
    /// <summary>Reads /proc/PID/stat, or null when there is no such process.</summary>
    public static ProbedProcess? Read(int pid)
    {
        string text;
        try { text = File.ReadAllText($"/proc/{pid}/stat"); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException) { return null; }
        var open = text.IndexOf('(');
        var close = text.LastIndexOf(')');
        var fields = text[(close + 2)..].Split(' ');
        return new ProbedProcess(pid, text[(open + 1)..close], fields[0][0], int.Parse(fields[1]), int.Parse(fields[2]),
            int.Parse(fields[3]), ulong.Parse(fields[19]));
    }

    /// <summary>True when the process exists and is not a zombie.</summary>
    public static bool IsAlive(int pid) => Read(pid) is { IsZombie: false };

    /// <summary>True when <paramref name="pid"/> is alive and still the process that started at <paramref name="startTimeTicks"/>.</summary>
    public static bool IsAlive(int pid, ulong startTimeTicks) => Read(pid) is { IsZombie: false } p && p.StartTimeTicks == startTimeTicks;

    /// <summary>The live members of a process group.</summary>
    public static IReadOnlyList<ProbedProcess> GroupMembers(int processGroupId) =>
        [.. AllPids().Select(Read).OfType<ProbedProcess>().Where(p => p.ProcessGroupId == processGroupId && !p.IsZombie)];

    /// <summary>The live processes whose start-up environment holds exactly <paramref name="entry"/> ("NAME=value").</summary>
    public static IReadOnlyList<int> WithEnvironmentEntry(string entry) =>
        [.. AllPids().Where(pid => pid != Environment.ProcessId && IsAlive(pid) && ReadEnvironment(pid).Contains(entry))];

    /// <summary>The process's start-up environment as "NAME=value" entries (empty when unreadable).</summary>
    public static IReadOnlyList<string> ReadEnvironment(int pid)
    {
        try { return Encoding.UTF8.GetString(File.ReadAllBytes($"/proc/{pid}/environ")).Split('\0', StringSplitOptions.RemoveEmptyEntries); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException) { return []; }
    }

    /// <summary>The process's current working directory, or null.</summary>
    public static string? WorkingDirectory(int pid)
    {
        try { return new DirectoryInfo($"/proc/{pid}/cwd").LinkTarget; }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException) { return null; }
    }

    /// <summary>How many file descriptors this process has open; with <paramref name="kinds"/>, only those whose link
    /// target starts with one of them (e.g. "pipe:", "anon_inode:[pidfd]").</summary>
    public static int OpenDescriptorCount(params string[] kinds) =>
        new DirectoryInfo("/proc/self/fd").EnumerateFileSystemInfos().Count(fd =>
            kinds.Length == 0 || (TryLinkTarget(fd) is { } target && kinds.Any(k => target.StartsWith(k, StringComparison.Ordinal))));

    private static string? TryLinkTarget(FileSystemInfo link)
    {
        try { return link.LinkTarget; }
        catch (IOException) { return null; } // closed meanwhile
    }

    /// <summary>
    /// Waits, event-driven through a pidfd, until <paramref name="pid"/> has exited (a zombie counts), at most
    /// <paramref name="timeout"/> (default <see cref="TestTimeouts.Unexpected"/>). Returns false on timeout.
    /// </summary>
    public static Task<bool> WaitUntilGoneAsync(int pid, TimeSpan? timeout = null)
    {
        var limit = (int)(timeout ?? TestTimeouts.Unexpected).TotalMilliseconds;
        return Task.Factory.StartNew(() =>
        {
            var pidfd = Native.PidfdOpen(pid);
            if (pidfd < 0) return Marshal.GetLastPInvokeError() == Native.ESRCH || !IsAlive(pid);
            try
            {
                var fds = new[] { new Native.PollFd { Fd = pidfd, Events = Native.POLLIN } };
                var deadline = Environment.TickCount64 + limit;
                while (true)
                {
                    var left = (int)Math.Max(0, deadline - Environment.TickCount64);
                    var ready = Native.poll(fds, 1, left);
                    if (ready > 0) return true;
                    if (ready == 0 || Marshal.GetLastPInvokeError() != Native.EINTR) return !IsAlive(pid);
                }
            }
            finally { _ = Native.close(pidfd); }
        }, CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default);
    }

    /// <summary>Waits for every PID in <paramref name="pids"/> to be gone; returns those still alive after the timeout.</summary>
    public static async Task<IReadOnlyList<int>> WaitAllGoneAsync(IEnumerable<int> pids, TimeSpan? timeout = null)
    {
        var list = pids.ToList();
        var results = await Task.WhenAll(list.Select(pid => WaitUntilGoneAsync(pid, timeout)));
        return [.. list.Where((_, i) => !results[i])];
    }

    /// <summary>Sends <paramref name="signal"/> to one process; true when it was delivered.</summary>
    public static bool Signal(int pid, int signal) => Native.kill(pid, signal) == 0;

    private static IEnumerable<int> AllPids()
    {
        foreach (var dir in Directory.EnumerateDirectories("/proc"))
        {
            if (int.TryParse(Path.GetFileName(dir), out var pid)) yield return pid;
        }
    }
}
