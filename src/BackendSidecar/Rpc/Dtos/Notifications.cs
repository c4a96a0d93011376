namespace BackendSidecar.Rpc.Dtos;

/// <summary><c>statusChanged</c>: a BackendStatus plus <c>previousState</c> and <c>reason</c>, flat as the contract says.</summary>
public sealed record StatusChangedParams(
    string Backend,
    string State,
    int? Pid,
    string? StartedAt,
    long? UptimeMs,
    int RestartCount,
    bool External,
    int? Port,
    string? HealthUrl,
    HealthDto? Health,
    LastExitDto? LastExit,
    LastErrorDto? LastError,
    string? NextRestartAt,
    string? LogFile,
    string PreviousState,
    string Reason,
    ProgressDto? Progress = null,
    ResourcesDto? Resources = null);

public sealed record LogParams(string Backend, IReadOnlyList<LogEntryDto> Entries, long Dropped);
