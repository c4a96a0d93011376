namespace BackendSidecar.Core.Processes.Interop;

/// <summary>waitpid and the status it returns, whose layout is the same on Linux and macOS (&lt;sys/wait.h&gt;).</summary>
internal static unsafe class WaitStatus
{
    /// <summary>waitpid, again after EINTR.</summary>
    /// <returns>waitpid's result: the PID once reaped, 0 with WNOHANG while it runs, -1 (ECHILD) when not ours to reap.</returns>
    public static int Wait(int pid, int options, out int status)
    {
        int result, raw = 0;
        do result = Posix.waitpid(pid, &raw, options);
        while (result < 0 && Posix.LastError == Posix.EINTR);
        status = raw;
        return result;
    }

    /// <summary>The exit that a waitpid <paramref name="result"/> for <paramref name="pid"/> reports.</summary>
    /// <param name="signalFromNative">The OS's signal number -> the <see cref="Signals"/> number.</param>
    public static ProcessExit ToExit(int result, int pid, int status, DateTimeOffset at, Func<int, int> signalFromNative) =>
        // ECHILD: someone else reaped it (only when SIGCHLD was ignored at our start): the status is unknown.
        result == pid ? Decode(status, at, signalFromNative) : new ProcessExit(null, null, at);

    public static ProcessExit Decode(int status, DateTimeOffset at, Func<int, int> signalFromNative)
    {
        var termSignal = status & 0x7f;
        return termSignal == 0
            ? new ProcessExit((status >> 8) & 0xff, null, at)
            : new ProcessExit(null, signalFromNative(termSignal), at);
    }
}
