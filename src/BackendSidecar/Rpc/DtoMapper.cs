using System.Globalization;
using System.Text.Json.Nodes;
using BackendSidecar.Core.Diagnostics;
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
        s.LastExit is { } e ? new LastExitDto(e.Signal is null ? e.Code : null, e.SignalName, Time(e.At)) : null,
        s.LastError is { } err ? new LastErrorDto(ContractNames.ErrorCode(err.Kind), err.Message) : null,
        s.NextRestartAt is { } next ? Time(next) : null,
        s.LogFile);

    public static IReadOnlyList<BackendStatusDto> Statuses(IEnumerable<BackendStatus> statuses) => statuses.Select(Status).ToArray();

    public static StatusChangedParams StatusChanged(StatusChange change)
    {
        var s = Status(change.Status);
        return new StatusChangedParams(
            s.Backend, s.State, s.Pid, s.StartedAt, s.UptimeMs, s.RestartCount, s.External, s.Port, s.HealthUrl, s.Health,
            s.LastExit, s.LastError, s.NextRestartAt, s.LogFile, ContractNames.State(change.Previous), change.Reason);
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
