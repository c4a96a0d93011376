namespace BackendSidecar.Core.Supervision;

/// <summary>The contract's seven states of a backend.</summary>
public enum BackendState
{
    Stopped,
    Starting,
    Running,
    Unhealthy,
    Stopping,
    /// <summary>Waiting to restart.</summary>
    Backoff,
    /// <summary>Gave up, or cannot start; a manual start tries again.</summary>
    Failed,
}
