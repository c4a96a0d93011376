using BackendSidecar.Core.Ports;
using BackendSidecar.Core.Processes;

namespace BackendSidecar.Core.Supervision;

/// <summary>
/// A supervisor failure with the facts a host needs to act on it. Only the members that fit <see cref="Kind"/> are set.
/// </summary>
/// <remarks>Messages never contain secret values: they are built from configuration and exit facts only.</remarks>
public sealed class SupervisorException(BackendErrorKind kind, string message, string? backend = null) : Exception(message)
{
    public BackendErrorKind Kind { get; } = kind;
    public string? Backend { get; } = backend;

    /// <summary>The backend's status when it failed (StartupTimeout, GaveUp).</summary>
    public BackendStatus? Status { get; init; }

    /// <summary>Every path tried for the command (CannotStart).</summary>
    public IReadOnlyList<string>? Searched { get; init; }

    /// <summary>How it ended (ExitedBeforeHealthy).</summary>
    public ProcessExit? Exit { get; init; }

    /// <summary>The backend's final output lines, read to the end (ExitedBeforeHealthy).</summary>
    public IReadOnlyList<string>? LastLines { get; init; }

    /// <summary>Who holds the port (PortInUse).</summary>
    public PortOwner? PortOwner { get; init; }

    /// <summary>The configured backends (UnknownBackend).</summary>
    public IReadOnlyList<string>? Known { get; init; }

    /// <summary>JSON path of the bad field (InvalidConfiguration).</summary>
    public string? ConfigPath { get; init; }

    /// <summary>The last loading progress seen before a start timed out or stalled (StartupTimeout); null when none.</summary>
    public Insights.ProgressReport? Progress { get; init; }

    public BackendError ToError() => new(Kind, Message);
}
