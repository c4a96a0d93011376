namespace BackendSidecar.Testing;

/// <summary>
/// Remembers the processes a test started and kills whatever of them is left on dispose: each tracked process with its
/// whole process group, and every process carrying a tracked environment entry. A reused PID (other start time) is
/// never touched.
/// </summary>
public sealed class ProcessTracker : IDisposable
{
    private const int SIGKILL = 9;
    private readonly List<(int Pid, ulong StartTimeTicks)> _processes = [];
    private readonly List<string> _environmentEntries = [];

    /// <summary>Tracks <paramref name="pid"/> (and, at dispose, the group it leads) and returns it.</summary>
    public int Track(int pid)
    {
        if (ProcessProbe.Read(pid) is { } process) lock (_processes) _processes.Add((pid, process.StartTimeTicks));
        return pid;
    }

    /// <summary>Tracks every process whose environment holds <paramref name="entry"/> ("NAME=value").</summary>
    public void TrackEnvironmentEntry(string entry)
    {
        lock (_processes) _environmentEntries.Add(entry);
    }

    /// <summary>Kills what is left and waits (bounded) until it is gone.</summary>
    public void Dispose()
    {
        var victims = new HashSet<int>();
        lock (_processes)
        {
            foreach (var (pid, start) in _processes)
            {
                if (ProcessProbe.IsAlive(pid, start)) victims.Add(pid);
                if (ProcessProbe.Read(pid) is not { } holder || holder.StartTimeTicks == start)
                    victims.UnionWith(ProcessProbe.GroupMembers(pid).Select(p => p.Pid));
            }
            foreach (var entry in _environmentEntries) victims.UnionWith(ProcessProbe.WithEnvironmentEntry(entry));
        }
        victims.Remove(Environment.ProcessId);
        foreach (var pid in victims) ProcessProbe.Signal(pid, SIGKILL);
        ProcessProbe.WaitAllGoneAsync(victims, TimeSpan.FromSeconds(5)).GetAwaiter().GetResult();
    }
}
