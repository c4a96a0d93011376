using BackendSidecar.Core.Insights;
using BackendSidecar.Core.Processes;

namespace BackendSidecar.Core.Supervision;

/// <summary>A snapshot of one backend, as the contract's <c>BackendStatus</c> describes it.</summary>
/// <remarks><see cref="Progress"/> (while starting) and <see cref="Resources"/> (when asked for) are protocol 1.1.</remarks>
public sealed record BackendStatus(
    string Backend,
    BackendState State,
    int? Pid,
    DateTimeOffset? StartedAt,
    TimeSpan? Uptime,
    int RestartCount,
    bool External,
    int? Port,
    string? HealthUrl,
    HealthSnapshot? Health,
    ProcessExit? LastExit,
    BackendError? LastError,
    DateTimeOffset? NextRestartAt,
    string? LogFile,
    ProgressReport? Progress = null,
    ResourceUsage? Resources = null);

/// <summary>The latest health check.</summary>
public sealed record HealthSnapshot(bool Ok, DateTimeOffset CheckedAt, TimeSpan Latency, string Detail, int ConsecutiveFailures);

/// <summary>Why the backend last failed; <see cref="Kind"/> maps to one of the contract's error codes.</summary>
public sealed record BackendError(BackendErrorKind Kind, string Message);

/// <summary>A state change with its human reason ("exited with code 1", "stop requested").</summary>
public sealed record StatusChange(BackendStatus Status, BackendState Previous, string Reason);
