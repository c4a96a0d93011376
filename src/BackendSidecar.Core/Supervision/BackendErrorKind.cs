namespace BackendSidecar.Core.Supervision;

/// <summary>The supervisor's failures. The JSON-RPC layer maps each to one contract error code.</summary>
public enum BackendErrorKind
{
    /// <summary>No backend of that name (-32010).</summary>
    UnknownBackend,
    /// <summary>The backend was left out but more than one is configured (-32602).</summary>
    BackendNotSpecified,
    /// <summary>-32011.</summary>
    InvalidConfiguration,
    /// <summary>Executable not found, cwd missing, envFile unreadable, spawn refused (-32012).</summary>
    CannotStart,
    /// <summary>Not healthy within startupTimeoutMs (-32013).</summary>
    StartupTimeout,
    /// <summary>Exited before it became healthy (-32014).</summary>
    ExitedBeforeHealthy,
    /// <summary>The port is held by a process that is not ours and not a healthy match (-32015).</summary>
    PortInUse,
    /// <summary>Too many restarts in the window, or a crash under restart policy never (-32016).</summary>
    GaveUp,
    /// <summary>The sidecar is shutting down (-32017).</summary>
    ShuttingDown,
}
