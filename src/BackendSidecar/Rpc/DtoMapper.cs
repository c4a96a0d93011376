using System.Globalization;
using System.Text.Json.Nodes;
using BackendSidecar.Core.Diagnostics;
using BackendSidecar.Core.Insights;
using BackendSidecar.Core.Logging;
using BackendSidecar.Core.Supervision;
using BackendSidecar.Rpc.Dtos;

namespace BackendSidecar.Rpc;

/// <summary>Core records to wire DTOs. Times are ISO 8601 UTC strings; durations whole milliseconds.</summary>
internal static class DtoMapper
{
    public static string Time(DateTimeOffset time) => time.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);

    private static long Ms(TimeSpan span) => (long)Math.Round(span.TotalMilliseconds);

    public static BackendStatusDto Status(BackendStatus s) => new(
        s.Backend,
        ContractNames.State(s.State),
        s.Pid,
        s.StartedAt is { } at ? Time(at) : null,
        s.Uptime is { } up ? Ms(up) : null,
        s.RestartCount,
        s.External,
        s.Port,
        s.HealthUrl,
        s.Health is { } h ? new HealthDto(h.Ok, Time(h.CheckedAt), Ms(h.Latency), h.Detail, h.ConsecutiveFailures) : null,
        s.LastExit is { } e ? new LastExitDto(e.Signal is null ? e.Code : null, e.SignalName, Time(e.At), ExitCause(e.Cause), e.Hint) : null,
        s.LastError is { } err ? new LastErrorDto(ContractNames.ErrorCode(err.Kind), err.Message) : null,
        s.NextRestartAt is { } next ? Time(next) : null,
        s.LogFile,
        s.Progress is { } p ? Progress(p) : null,
        s.Resources is { } r ? new ResourcesDto(r.CpuPercent, r.RssBytes, r.Processes) : null);

    public static ProgressDto Progress(ProgressReport p) => new(p.Percent, p.Message, Time(p.At));

    /// <summary>The contract's ExitCause names (protocol/backend-sidecar.openrpc.json).</summary>
    public static string? ExitCause(ExitCause? cause) => cause switch
    {
        null => null,
        Core.Insights.ExitCause.OutOfMemory => "out-of-memory",
        Core.Insights.ExitCause.StoppedBySidecar => "stopped-by-sidecar",
        Core.Insights.ExitCause.PortInUse => "port-in-use",
        Core.Insights.ExitCause.MissingModule => "missing-module",
        Core.Insights.ExitCause.CommandNotFound => "command-not-found",
        Core.Insights.ExitCause.PermissionDenied => "permission-denied",
        Core.Insights.ExitCause.PythonException => "python-exception",
        Core.Insights.ExitCause.Signal => "signal",
        Core.Insights.ExitCause.ExitCode => "exit-code",
        Core.Insights.ExitCause.Exited => "exited",
        _ => throw new ArgumentOutOfRangeException(nameof(cause), cause, null),
    };

    public static IReadOnlyList<BackendStatusDto> Statuses(IEnumerable<BackendStatus> statuses) => statuses.Select(Status).ToArray();

    public static StatusChangedParams StatusChanged(StatusChange change)
    {
        var s = Status(change.Status);
        return new StatusChangedParams(
            s.Backend, s.State, s.Pid, s.StartedAt, s.UptimeMs, s.RestartCount, s.External, s.Port, s.HealthUrl, s.Health,
            s.LastExit, s.LastError, s.NextRestartAt, s.LogFile, ContractNames.State(change.Previous), change.Reason,
            s.Progress, s.Resources);
    }

    public static LogEntryDto Entry(LogEntry e) => new(e.Seq, Time(e.Time), ContractNames.Stream(e.Stream), e.Text);

    public static CheckDto Check(Check c) => new(c.Id, c.Ok, ContractNames.Severity(c.Severity), c.Message, Detail(c.Detail));

    private static JsonObject? Detail(IReadOnlyDictionary<string, object?>? detail)
    {
        if (detail is null) return null;
        var result = new JsonObject();
        foreach (var (key, value) in detail)
        {
            result[key] = value switch
            {
                null => null,
                string text => JsonValue.Create(text),
                int n => JsonValue.Create(n),
                long n => JsonValue.Create(n),
                bool b => JsonValue.Create(b),
                IEnumerable<string> list => new JsonArray(list.Select(x => (JsonNode?)JsonValue.Create(x)).ToArray()),
                _ => JsonValue.Create(value.ToString()),
            };
        }

        return result;
    }
}
