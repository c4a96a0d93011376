using System.Globalization;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Logging.Console;
using Microsoft.Extensions.Options;

namespace BackendSidecar.Hosting;

/// <summary>
/// One line per entry, as the library's simple formatter writes it with <c>SingleLine</c> and a UTC
/// <c>HH:mm:ss.fff</c> timestamp: <c>15:20:19.022 info: BackendSidecar.Session[0] message exception</c>. The editor
/// extension parses this (editor-extension/src/sidecarLogLine.ts), so the layout must not change.
/// </summary>
internal sealed class SingleLineFormatter() : ConsoleFormatter(FormatterName)
{
    public const string FormatterName = "sidecar-single-line";

    // Colours only on a terminal, as the simple formatter's default behaviour decides it (by stdout).
    private static readonly bool s_colors = !Console.IsOutputRedirected;

    public override void Write<TState>(in LogEntry<TState> logEntry, IExternalScopeProvider? scopeProvider, TextWriter textWriter)
    {
        var message = logEntry.Formatter(logEntry.State, logEntry.Exception);
        if (logEntry.Exception is null && message is null) return;

        textWriter.Write(DateTimeOffset.UtcNow.ToString("HH:mm:ss.fff ", CultureInfo.InvariantCulture));
        var (level, color) = Level(logEntry.LogLevel);
        if (s_colors) textWriter.Write(color);
        textWriter.Write(level);
        if (s_colors) textWriter.Write("\e[39m\e[22m\e[49m");
        textWriter.Write($": {logEntry.Category}[{logEntry.EventId.Id}]");
        WriteOnOneLine(textWriter, message);
        WriteOnOneLine(textWriter, logEntry.Exception?.ToString());
        textWriter.Write(Environment.NewLine);
    }

    private static void WriteOnOneLine(TextWriter textWriter, string? text)
    {
        if (string.IsNullOrEmpty(text)) return;
        textWriter.Write(' ');
        textWriter.Write(text.Replace(Environment.NewLine, " ", StringComparison.Ordinal));
    }

    /// <summary>The level's four letters and its colours (foreground, then background) as ANSI escapes.</summary>
    private static (string Text, string Color) Level(LogLevel level) => level switch
    {
        LogLevel.Trace => ("trce", "\e[37m\e[40m"),
        LogLevel.Debug => ("dbug", "\e[37m\e[40m"),
        LogLevel.Information => ("info", "\e[32m\e[40m"),
        LogLevel.Warning => ("warn", "\e[1m\e[33m\e[40m"),
        LogLevel.Error => ("fail", "\e[30m\e[41m"),
        LogLevel.Critical => ("crit", "\e[1m\e[37m\e[41m"),
        _ => throw new ArgumentOutOfRangeException(nameof(level)),
    };
}

/// <summary>Console options that never change: what the console provider asks for, without a container behind it.</summary>
internal sealed class FixedConsoleOptions(ConsoleLoggerOptions value) : IOptionsMonitor<ConsoleLoggerOptions>
{
    public ConsoleLoggerOptions CurrentValue => value;

    public ConsoleLoggerOptions Get(string? name) => value;

    public IDisposable? OnChange(Action<ConsoleLoggerOptions, string?> listener) => null;
}
