using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Console;

namespace BackendSidecar.Hosting;

/// <summary>The sidecar's own diagnostics: always to stderr, because stdout carries only protocol messages in serve mode.</summary>
internal static class SidecarLogging
{
    public static ILoggerFactory Create(string level) => LoggerFactory.Create(builder =>
    {
        builder.SetMinimumLevel(Parse(level));
        builder.AddSimpleConsole(o =>
        {
            o.SingleLine = true;
            o.TimestampFormat = "HH:mm:ss.fff ";
            o.UseUtcTimestamp = true;
        });
        builder.AddConsole(o => o.LogToStandardErrorThreshold = LogLevel.Trace);
    });

    private static LogLevel Parse(string level) => level switch
    {
        "trace" => LogLevel.Trace,
        "debug" => LogLevel.Debug,
        "warning" => LogLevel.Warning,
        "error" => LogLevel.Error,
        "none" => LogLevel.None,
        _ => LogLevel.Information,
    };
}
