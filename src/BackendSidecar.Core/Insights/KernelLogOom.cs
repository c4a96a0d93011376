using System.Text;
using System.Text.RegularExpressions;
using BackendSidecar.Core.Processes.Interop;

namespace BackendSidecar.Core.Insights;

/// <summary>
/// Looks for an out-of-memory kill of one PID in the kernel's log (<c>/dev/kmsg</c>), for when the cgroup counter is
/// not available. Most systems do not let an unprivileged process read it (kernel.dmesg_restrict); then the answer is
/// "cannot tell", never "no".
/// </summary>
public static partial class KernelLogOom
{
    /// <summary>A bound on the records read, so a huge log cannot hold up the exit handling.</summary>
    private const int MaxRecords = 20_000;

    /// <summary>True when the log names <paramref name="pid"/> as killed for lack of memory; null when the log cannot be read.</summary>
    public static bool? TryFindKill(int pid, string device = "/dev/kmsg")
    {
        if (!OperatingSystem.IsLinux()) return null;
        var records = TryReadRecords(device);
        return records is null ? null : records.Any(r => NamesKill(r, pid));
    }

    /// <summary>
    /// True when one kernel log record says that <paramref name="pid"/> was killed for lack of memory:
    /// "Out of memory: Killed process 1234 (python3) ...", "Memory cgroup out of memory: Killed process 1234 ...",
    /// or the summary line "oom-kill:constraint=...,task=python3,pid=1234,uid=0".
    /// </summary>
    public static bool NamesKill(string record, int pid)
    {
        var match = KillPattern().Match(record);
        return match.Success && int.TryParse(match.Groups["pid"].ValueSpan, out var killed) && killed == pid;
    }

    [GeneratedRegex(@"(?:out of memory: Killed process (?<pid>\d+)|oom-kill:.*[,:]pid=(?<pid>\d+))", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex KillPattern();

    /// <summary>Every record now in the ring buffer (the text after the "level,seq,time,flags;" prefix), or null.</summary>
    private static unsafe List<string>? TryReadRecords(string device)
    {
        var path = Encoding.UTF8.GetBytes(device + "\0");
        int fd;
        fixed (byte* p = path) fd = Posix.open(p, Posix.O_RDONLY | Posix.O_NONBLOCK | Posix.O_CLOEXEC);
        if (fd < 0) return null;
        try
        {
            var records = new List<string>();
            // One read returns one record; a record is at most about 1 KiB of text plus its dictionary lines.
            var buffer = new byte[8192];
            for (var i = 0; i < MaxRecords; i++)
            {
                nint n;
                fixed (byte* b = buffer) n = Posix.read(fd, b, (nuint)buffer.Length);
                if (n > 0)
                {
                    var text = Encoding.UTF8.GetString(buffer, 0, (int)n);
                    var semicolon = text.IndexOf(';', StringComparison.Ordinal);
                    records.Add(semicolon >= 0 ? text[(semicolon + 1)..].TrimEnd('\n') : text);
                    continue;
                }
                // EPIPE: the oldest records were overwritten while reading; the next read goes on from the oldest left.
                if (n < 0 && Posix.LastError == EPIPE) continue;
                if (n < 0 && Posix.LastError == Posix.EAGAIN) return records;
                return records.Count > 0 ? records : null;
            }
            return records;
        }
        finally
        {
            Posix.close(fd);
        }
    }

    private const int EPIPE = 32;
}
