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

    /// <summary>
    /// --pdeathsig came with util-linux 2.33; an older setpriv would fail only after the spawn, so check first. Its help
    /// text, compiled into the binary, names the option exactly when it is supported: reading the file (80 KB) is what
    /// <c>setpriv --help</c> would tell, without a process spawn on the path of every sidecar's initialize.
    /// </summary>
    private static bool SupportsPdeathsig(string setpriv)
    {
        try
        {
            // util-linux's setpriv is under 100 KB; a file far larger is something else and is not read whole.
            if (new FileInfo(setpriv).Length > 16 * 1024 * 1024) return false;
            return File.ReadAllBytes(setpriv).AsSpan().IndexOf("--pdeathsig"u8) >= 0;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return false;
        }
    }
}
