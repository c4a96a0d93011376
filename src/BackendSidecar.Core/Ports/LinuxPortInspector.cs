using System.Globalization;
using BackendSidecar.Core.Processes;

namespace BackendSidecar.Core.Ports;

/// <summary>
/// Finds the listener on a TCP port from /proc (Linux, no lsof): /proc/net/tcp and tcp6 give the LISTEN socket's
/// inode, /proc/*/fd links (<c>socket:[inode]</c>) give the process holding it, /proc/PID/comm its name.
/// </summary>
/// <remarks>
/// Thread-safe. Sees the network namespace of this process. A socket held by another user's process shows with a null
/// PID unless this process may read that process's fd folder. When several processes share the socket (a server and
/// its forked workers) the lowest PID, usually the parent, is reported.
/// </remarks>
public sealed class LinuxPortInspector : IPortInspector
{
    private const string ListenState = "0A";

    /// <inheritdoc/>
    /// <remarks>Read from /proc at once: the task is always completed.</remarks>
    public ValueTask<PortOwner?> FindListenerAsync(int port, CancellationToken cancellationToken = default) => new(FindListener(port));

    /// <summary>The listener on <paramref name="port"/>, or null when the port is free (see <see cref="FindListenerAsync"/>).</summary>
    public PortOwner? FindListener(int port)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(port);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(port, 65535);
        var inodes = new HashSet<string>(StringComparer.Ordinal);
        foreach (var table in (string[])["/proc/net/tcp", "/proc/net/tcp6"]) CollectListenInodes(table, port, inodes);
        if (inodes.Count == 0) return null;

        var links = inodes.Select(inode => $"socket:[{inode}]").ToHashSet(StringComparer.Ordinal);
        var pid = FindHolder(links);
        return new PortOwner(port, pid, pid is { } p ? ProcessInfo.TryGetName(p) : null);
    }

    /// <summary>Adds the inodes of LISTEN sockets on <paramref name="port"/> found in one /proc/net table.</summary>
    /// <remarks>Line format: <c>sl local_address rem_address st tx:rx tr:when retrnsmt uid timeout inode ...</c>,
    /// addresses as <c>HEXADDR:HEXPORT</c>.</remarks>
    internal static void CollectListenInodes(string table, int port, HashSet<string> inodes)
    {
        IEnumerable<string> lines;
        try { lines = File.ReadLines(table).Skip(1).ToList(); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException) { return; } // e.g. IPv6 disabled
        foreach (var line in lines) ParseLine(line, port, inodes);
    }

    internal static void ParseLine(string line, int port, HashSet<string> inodes)
    {
        var fields = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        if (fields.Length < 10 || fields[3] != ListenState) return;
        var local = fields[1];
        var colon = local.LastIndexOf(':');
        if (colon < 0 || !int.TryParse(local.AsSpan(colon + 1), NumberStyles.HexNumber, CultureInfo.InvariantCulture, out var localPort)) return;
        if (localPort == port && fields[9] != "0") inodes.Add(fields[9]);
    }

    private static int? FindHolder(HashSet<string> socketLinks)
    {
        int? holder = null;
        foreach (var pid in ProcessInfo.EnumeratePids())
        {
            if (holder is { } found && pid >= found) continue;
            if (HoldsAny(pid, socketLinks)) holder = pid;
        }
        return holder;
    }

    private static bool HoldsAny(int pid, HashSet<string> socketLinks)
    {
        try
        {
            foreach (var fd in new DirectoryInfo($"/proc/{pid}/fd").EnumerateFileSystemInfos())
            {
                if (fd.LinkTarget is { } target && socketLinks.Contains(target)) return true;
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException) { /* gone, or not ours to see */ }
        return false;
    }
}
