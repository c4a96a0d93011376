using System.Diagnostics;

namespace BackendSidecar.Core.Processes;

/// <summary>
/// Finds util-linux <c>setpriv</c> with <c>--pdeathsig</c>: run as <c>setpriv --pdeathsig KILL -- FILE ARGS</c>, it asks
/// the kernel to SIGKILL the process when its parent (our spawner thread) dies, then execs FILE in the same PID.
/// </summary>
internal static class ParentDeathSignal
{
    private static readonly Lazy<string?> s_setpriv = new(FindSetpriv);

    /// <summary>The absolute path of a setpriv that supports --pdeathsig, or null.</summary>
    public static string? SetprivPath => s_setpriv.Value;

    /// <summary>The argument vector that runs <paramref name="file"/> under setpriv (argv[0] is setpriv itself).</summary>
    public static List<string> WrapArguments(string setpriv, int signal, string file, IReadOnlyList<string> args) =>
        [setpriv, "--pdeathsig", Signals.Name(signal)[3..], "--", file, .. args];

    private static string? FindSetpriv()
    {
        string[] standard = ["/usr/bin", "/bin", "/usr/sbin", "/sbin"];
        var fromPath = (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':', StringSplitOptions.RemoveEmptyEntries);
        foreach (var dir in standard.Concat(fromPath).Where(Path.IsPathRooted).Distinct())
        {
            var candidate = Path.Combine(dir, "setpriv");
            if (File.Exists(candidate) && SupportsPdeathsig(candidate)) return candidate;
        }
        return null;
    }

    /// <summary>--pdeathsig came with util-linux 2.33; an older setpriv would fail only after the spawn, so ask it first.</summary>
    private static bool SupportsPdeathsig(string setpriv)
    {
        try
        {
            var info = new ProcessStartInfo(setpriv, "--help") { RedirectStandardOutput = true, RedirectStandardError = true };
            using var process = Process.Start(info);
            if (process is null) return false;
            var help = process.StandardOutput.ReadToEndAsync();
            _ = process.StandardError.ReadToEndAsync();
            if (!process.WaitForExit(5000))
            {
                process.Kill();
                return false;
            }
            return help.Result.Contains("--pdeathsig", StringComparison.Ordinal);
        }
        catch (Exception e) when (e is System.ComponentModel.Win32Exception or InvalidOperationException or IOException)
        {
            return false;
        }
    }
}
