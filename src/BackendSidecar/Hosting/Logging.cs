using System.Globalization;
using System.Text;
using Microsoft.Extensions.Logging;

namespace BackendSidecar.Hosting;

/// <summary>
/// The sidecar's own diagnostics: always to stderr, because stdout carries only protocol messages in serve mode. One line
/// per record, as the simple console logger writes in single-line mode: <c>HH:mm:ss.fff info: Category[0] message</c> (UTC).
/// </summary>
/// <remarks>
/// Not Microsoft.Extensions.Logging.Console: building it (LoggerFactory.Create, a DI container, options) took 37 ms of
/// every start, measured in the ReadyToRun publish, the largest single step before the answer to initialize. Records
/// are queued and written by one thread, so a host that does not read stderr never stalls the supervisor: beyond
/// <see cref="QueueLimit"/> waiting lines new ones are dropped, and the next line written says how many.
/// </remarks>
internal sealed class SidecarLogging : ILoggerFactory
{
    private const int QueueLimit = 10_000;

    private readonly LogLevel _minimum;
    private readonly Queue<string> _queue = new();
    private readonly Thread _writer;
    private readonly Stream _stderr;
    private long _dropped;
    private bool _disposed;

    private SidecarLogging(LogLevel minimum, Stream stderr)
    {
        _minimum = minimum;
        _stderr = stderr;
        _writer = new Thread(WriteLoop) { IsBackground = true, Name = "stderr logger" };
        _writer.Start();
    }

    public static ILoggerFactory Create(string level) => Create(level, Console.OpenStandardError());

    /// <summary>For tests: writes to <paramref name="stderr"/>.</summary>
    internal static ILoggerFactory Create(string level, Stream stderr) => new SidecarLogging(Parse(level), stderr);

    public ILogger CreateLogger(string categoryName) => new Logger(this, categoryName);

    /// <summary>Not supported: this factory has its one destination.</summary>
    public void AddProvider(ILoggerProvider provider) => throw new NotSupportedException("the sidecar logs to stderr only");

    /// <summary>Writes what is queued (for at most a second), then stops.</summary>
    public void Dispose()
    {
        lock (_queue)
        {
            _disposed = true;
            Monitor.Pulse(_queue);
        }
        _writer.Join(TimeSpan.FromSeconds(1));
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

    private void Enqueue(string line)
    {
        lock (_queue)
        {
            if (_disposed) return;
            if (_queue.Count >= QueueLimit)
            {
                _dropped++;
                return;
            }
            _queue.Enqueue(line);
            Monitor.Pulse(_queue);
        }
    }

    private void WriteLoop()
    {
        // Ends once disposed and drained.
        while (true)
        {
            string line;
            long dropped;
            lock (_queue)
            {
                while (_queue.Count == 0 && !_disposed) Monitor.Wait(_queue);
                if (_queue.Count == 0) return;
                line = _queue.Dequeue();
                dropped = _dropped;
                _dropped = 0;
            }

            try
            {
                if (dropped > 0) Write($"{Stamp()}warn: BackendSidecar[0] {dropped} log lines were dropped: stderr was not read");
                Write(line);
            }
            catch (IOException)
            {
                // stderr is gone (the host closed it): diagnostics are lost, the sidecar carries on.
            }
        }
    }

    private void Write(string line)
    {
        _stderr.Write(Encoding.UTF8.GetBytes(line + "\n"));
        _stderr.Flush();
    }

    private static string Stamp() => DateTime.UtcNow.ToString("HH:mm:ss.fff ", CultureInfo.InvariantCulture);

    private static string Name(LogLevel level) => level switch
    {
        LogLevel.Trace => "trce",
        LogLevel.Debug => "dbug",
        LogLevel.Information => "info",
        LogLevel.Warning => "warn",
        LogLevel.Error => "fail",
        _ => "crit",
    };

    private sealed class Logger(SidecarLogging factory, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel != LogLevel.None && logLevel >= factory._minimum;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (!IsEnabled(logLevel)) return;
            var message = formatter(state, exception);
            if (exception is not null) message += " " + exception;
            // One record, one line: a message or stack trace with newlines must not look like several records.
            message = message.ReplaceLineEndings(" ");
            factory.Enqueue($"{Stamp()}{Name(logLevel)}: {category}[{eventId.Id}] {message}");
        }
    }
}
