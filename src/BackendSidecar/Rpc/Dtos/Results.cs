using System.Text.Json.Nodes;

namespace BackendSidecar.Rpc.Dtos;

/// <summary>The contract's BackendStatus: every key is always present, null when it has no value.</summary>
public sealed record BackendStatusDto(
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
    ProgressDto? Progress = null,
    ResourcesDto? Resources = null);

/// <summary>1.1: <c>BackendStatus.progress</c>.</summary>
public sealed record ProgressDto(double? Percent, string? Message, string At);

/// <summary>1.1: <c>BackendStatus.resources</c>.</summary>
public sealed record ResourcesDto(double? CpuPercent, long RssBytes, int Processes);

public sealed record HealthDto(bool Ok, string CheckedAt, long LatencyMs, string Detail, int ConsecutiveFailures);

public sealed record LastExitDto(int? Code, string? Signal, string At, string? Cause = null, string? Hint = null);

public sealed record LastErrorDto(int Code, string Message);

public sealed record ServerInfo(string Name, string Version);

public sealed record InitializeResult(string ProtocolVersion, ServerInfo ServerInfo, IReadOnlyList<BackendStatusDto> Backends);

public sealed record StatusResult(IReadOnlyList<BackendStatusDto> Backends);

public sealed record LogEntryDto(long Seq, string Time, string Stream, string Text);

public sealed record LogsResult(string Backend, IReadOnlyList<LogEntryDto> Entries, long NextSeq, bool Truncated);

public sealed record CheckDto(
    string Id,
    bool Ok,
    string Severity,
    string Message,
    [property: System.Text.Json.Serialization.JsonIgnore(Condition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull)] JsonObject? Detail);

public sealed record DiagnoseResult(string Backend, bool Ok, IReadOnlyList<CheckDto> Checks);

public sealed record EmptyResult;
