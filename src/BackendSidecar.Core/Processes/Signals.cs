namespace BackendSidecar.Core.Processes;

/// <summary>Linux signal numbers and names (x86_64/arm64 numbering).</summary>
public static class Signals
{
    public const int SIGHUP = 1, SIGINT = 2, SIGQUIT = 3, SIGKILL = 9, SIGUSR1 = 10, SIGUSR2 = 12, SIGTERM = 15, SIGCONT = 18, SIGSTOP = 19;

    private static readonly string[] s_names =
    [
        "", "SIGHUP", "SIGINT", "SIGQUIT", "SIGILL", "SIGTRAP", "SIGABRT", "SIGBUS", "SIGFPE", "SIGKILL", "SIGUSR1",
        "SIGSEGV", "SIGUSR2", "SIGPIPE", "SIGALRM", "SIGTERM", "SIGSTKFLT", "SIGCHLD", "SIGCONT", "SIGSTOP", "SIGTSTP",
        "SIGTTIN", "SIGTTOU", "SIGURG", "SIGXCPU", "SIGXFSZ", "SIGVTALRM", "SIGPROF", "SIGWINCH", "SIGIO", "SIGPWR", "SIGSYS",
    ];

    public static string Name(int signal) => signal > 0 && signal < s_names.Length ? s_names[signal] : $"SIG{signal}";

    /// <summary>Parses <c>SIGTERM</c>, <c>TERM</c> or <c>15</c>.</summary>
    public static bool TryParse(string text, out int signal)
    {
        signal = 0;
        if (int.TryParse(text, out var n)) { signal = n; return n > 0 && n < s_names.Length; }
        var name = text.StartsWith("SIG", StringComparison.OrdinalIgnoreCase) ? text : "SIG" + text;
        var i = Array.FindIndex(s_names, s => string.Equals(s, name, StringComparison.OrdinalIgnoreCase));
        if (i <= 0) return false;
        signal = i;
        return true;
    }
}
