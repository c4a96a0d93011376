using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Console;

namespace BackendSidecar.Hosting;

/// <summary>The sidecar's own diagnostics: always to stderr, because stdout carries only protocol messages in serve mode.</summary>
/// <remarks>
/// The factory is built by hand, not with <c>LoggerFactory.Create</c>: that one goes through a dependency-injection container
/// whose open generic services (options, monitors) NativeAOT can only instantiate at run time with its type loader, and that
/// was the largest part of the start-up (perf over 21 cold starts: 27% of the sidecar's CPU up to the initialize answer,
/// more than the runtime's own start). The library's console provider (its queue and writer thread) stays; only the line
/// format is ours, because the simple formatter is internal and takes its single-line option only from the container.
/// </remarks>
internal static class SidecarLogging
{
    public static ILoggerFactory Create(string level)
    {
        var console = new FixedConsoleOptions(new ConsoleLoggerOptions
        {
            FormatterName = SingleLineFormatter.FormatterName,
            LogToStandardErrorThreshold = LogLevel.Trace,
        });
        var provider = new ConsoleLoggerProvider(console, [new SingleLineFormatter()]);
        return new LoggerFactory([provider], new LoggerFilterOptions { MinLevel = Parse(level) });
    }

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
