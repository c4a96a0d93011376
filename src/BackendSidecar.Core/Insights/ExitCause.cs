namespace BackendSidecar.Core.Insights;

/// <summary>The contract's <c>ExitCause</c> (protocol 1.1): why a backend's process ended, as far as the sidecar can tell.</summary>
public enum ExitCause
{
    /// <summary>Killed by the kernel's out-of-memory killer (or probably, when the kernel's counters cannot be read).</summary>
    OutOfMemory,

    /// <summary>The sidecar ended it: stop, shutdown, failed health check, startup timeout or stall.</summary>
    StoppedBySidecar,

    /// <summary>Its address or port was already in use.</summary>
    PortInUse,

    /// <summary>A module or package could not be imported.</summary>
    MissingModule,

    /// <summary>A command was not found (exit 127).</summary>
    CommandNotFound,

    /// <summary>Permission was denied (exit 126).</summary>
    PermissionDenied,

    /// <summary>An uncaught Python exception.</summary>
    PythonException,

    /// <summary>A signal the sidecar did not send.</summary>
    Signal,

    /// <summary>A non-zero exit code, nothing more known.</summary>
    ExitCode,

    /// <summary>Exit code 0.</summary>
    Exited,
}

/// <summary>Why the sidecar itself signalled the backend; the hint of <see cref="ExitCause.StoppedBySidecar"/> says it.</summary>
public enum SidecarStopReason
{
    /// <summary>A stop or restart request.</summary>
    Requested,

    /// <summary>The sidecar shut down (shutdown, end of input, the host died).</summary>
    Shutdown,

    /// <summary>The running backend failed its health check failureThreshold times.</summary>
    HealthCheckFailed,

    /// <summary>Not healthy within startupTimeoutMs.</summary>
    StartupTimeout,

    /// <summary>No new loading progress for stallTimeoutMs.</summary>
    StartStalled,
}

/// <summary>What the kernel's out-of-memory counters said about the exit.</summary>
public enum OomIndication
{
    /// <summary>No counter could be read (not Linux, no cgroup memory controller, kernel log not readable).</summary>
    Unknown,

    /// <summary>A counter was read and shows no out-of-memory kill during the backend's run.</summary>
    NotSeen,

    /// <summary>The cgroup's oom_kill count rose, or the kernel log names the backend's process.</summary>
    Seen,
}

/// <summary>The contract's <c>lastExit.cause</c> and <c>lastExit.hint</c>.</summary>
public sealed record ExitDiagnosis(ExitCause Cause, string Hint);
