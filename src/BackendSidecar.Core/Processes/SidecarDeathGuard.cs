namespace BackendSidecar.Core.Processes;

/// <summary>
/// Makes sure nothing we started outlives a sidecar killed with SIGKILL. The kernel's parent-death signal reaches each
/// backend's leader only; a server under a wrapper (<c>sh -c</c>, <c>npm</c>, <c>uv run</c>) or one that left its group
/// would live on, holding the port. So one small shell guard runs beside the sidecar: it gets SIGTERM when the sidecar
/// dies (parent-death signal) and then SIGKILLs every process whose environment carries this sidecar's launch marker,
/// which every descendant of every backend inherits. It kills nothing else, and it is event-driven: it waits in
/// <c>wait</c>, not in a polling loop.
/// </summary>
/// <remarks>
/// What it waits on is a <c>sleep</c>, started under <c>setpriv --pdeathsig KILL</c>: if the guard itself is killed with
/// SIGKILL (with the sidecar, by a user or an OOM killer), that sleep dies with it instead of living on for a day as the
/// last thing of a run that is over.
/// </remarks>
public sealed class SidecarDeathGuard : IAsyncDisposable
{
    private const string Script = """
        var=$1 prefix=$2 setpriv=$3
        trap 'cleanup' TERM
        cleanup() {
          for p in /proc/[0-9]*; do
            pid=${p#/proc/}
            [ "$pid" = "$$" ] && continue
            grep -qsz "^$var=$prefix" "$p/environ" && kill -KILL "$pid" 2>/dev/null
          done
          exit 0
        }
        while :; do "$setpriv" --pdeathsig KILL -- sleep 86400 & wait $!; done
        """;

    private readonly ChildProcess _guard;

    private SidecarDeathGuard(ChildProcess guard) => _guard = guard;

    /// <summary>Starts the guard, or returns null where it cannot run (no /bin/sh, no setpriv).</summary>
    public static SidecarDeathGuard? TryStart(PosixProcessLauncher launcher)
    {
        if (ParentDeathSignal.SetprivPath is not { } setpriv || !File.Exists("/bin/sh")) return null;
        var prefix = $"{Environment.ProcessId}.{ProcessInfo.CurrentStartTimeTicks}.";
        try
        {
            var guard = launcher.Launch(new LaunchRequest
            {
                FileName = "/bin/sh",
                Args = ["-c", Script, "backend-sidecar-guard", PosixProcessLauncher.InstanceMarkerVariable, prefix, setpriv],
                WorkingDirectory = "/",
                Environment = new Dictionary<string, string> { ["PATH"] = "/usr/bin:/bin" },
                ParentDeathSignal = Signals.SIGTERM,
            });
            return new SidecarDeathGuard(guard);
        }
        catch (LaunchException)
        {
            return null;
        }
    }

    /// <summary>The guard's PID (for tests).</summary>
    public int Pid => _guard.Pid;

    /// <summary>A clean exit: the backends are stopped already, so the guard is ended without running its clean-up.</summary>
    public async ValueTask DisposeAsync()
    {
        await _guard.KillGroupAsync().ConfigureAwait(false);
        _guard.Dispose();
    }
}
