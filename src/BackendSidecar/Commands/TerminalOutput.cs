using System.Threading.Channels;
using BackendSidecar.Core.Logging;
using BackendSidecar.Core.Supervision;

namespace BackendSidecar.Commands;

/// <summary>
/// What <c>run</c> shows a person: every backend's lines prefixed and coloured by backend, and every state change.
/// Lines pass through a bounded queue so a slow terminal never slows a backend; what the terminal could not take is
/// counted and said, and stays in the log file.
/// </summary>
internal sealed class TerminalOutput : IAsyncDisposable
{
    private static readonly string[] Palette = ["\e[36m", "\e[35m", "\e[33m", "\e[32m", "\e[34m", "\e[96m", "\e[95m", "\e[93m"];
    private const string Reset = TerminalColors.Reset, Dim = TerminalColors.Dim, Red = TerminalColors.Red, Green = TerminalColors.Green,
        Yellow = TerminalColors.Yellow, Bold = TerminalColors.Bold;

    /// <summary>Marks a queued line that replaces itself (a countdown) rather than scrolling.</summary>
    private const char ProgressMark = '\r';
    private const string ClearLine = "\r\e[K";

    private readonly TextWriter _out;
    private readonly bool _color;
    private readonly bool _interactive;
    private readonly Dictionary<string, string> _lastState = new(StringComparer.Ordinal);
    private readonly HashSet<(string Backend, string Reason)> _reasons = [];
    private bool _progressShown;
    private readonly int _width;
    private readonly Dictionary<string, string> _colors = new(StringComparer.Ordinal);
    private readonly Channel<string> _lines = Channel.CreateBounded<string>(new BoundedChannelOptions(10_000)
    {
        FullMode = BoundedChannelFullMode.DropWrite,
        SingleReader = true,
    });
    private readonly Task _writer;
    private long _dropped;

    /// <param name="interactive">The output is a terminal: a countdown can rewrite its line.</param>
    public TerminalOutput(TextWriter output, bool color, bool interactive, IEnumerable<string> backends)
    {
        _out = output;
        _color = color;
        _interactive = interactive;
        var names = backends.ToArray();
        _width = names.Length == 0 ? 7 : Math.Max(7, names.Max(n => n.Length));
        for (var i = 0; i < names.Length; i++)
            _colors[names[i]] = Palette[i % Palette.Length];
        _writer = Task.Run(WriteLoopAsync);
    }

    public void Info(string text) => Enqueue(Paint(Bold, text));

    public void Error(string text) => Enqueue(Paint(Red, text));

    /// <summary>A line that the next one replaces, in a terminal only (a countdown); dropped when the output is piped.</summary>
    public void Progress(string text)
    {
        if (_interactive) Enqueue(ProgressMark + Paint(Dim, text));
    }

    public void Log(string backend, LogEntry entry)
    {
        if (entry.Stream == LogStream.Sidecar) return; // state changes are shown by StatusChanged, with their reason
        var text = entry.Stream == LogStream.Stderr ? Paint(Yellow, entry.Text) : entry.Text;
        Enqueue($"{Prefix(backend)} {text}");
    }

    /// <summary>True when a state change of <paramref name="backend"/> already showed <paramref name="reason"/>.</summary>
    public bool Said(string backend, string reason)
    {
        lock (_lastState) return _reasons.Contains((backend, reason));
    }

    public void State(StatusChange change)
    {
        var s = change.Status;
        var color = s.State switch
        {
            BackendState.Running => Green,
            BackendState.Failed or BackendState.Unhealthy => Red,
            BackendState.Backoff => Yellow,
            _ => Dim,
        };
        var pid = s.Pid is { } p ? $" (pid {p})" : "";
        // A repeated start of a failed dependency reports the same failure again ("failed -> failed"): it was said already.
        var said = $"{s.State}{pid}: {change.Reason}";
        lock (_lastState)
        {
            if (change.Previous == s.State && _lastState.GetValueOrDefault(s.Backend) == said) return;
            _lastState[s.Backend] = said;
            _reasons.Add((s.Backend, change.Reason));
        }
        var state = change.Previous == s.State
            ? Paint(color, Lower(s.State))
            : Paint(color, $"{Lower(change.Previous)} -> {Lower(s.State)}");
        Enqueue($"{Prefix(s.Backend)} {Paint(Bold, "●")} {state}{pid}: {change.Reason}");
    }

    private static string Lower(BackendState state) => state.ToString().ToLowerInvariant();

    private string Prefix(string backend) =>
        Paint(_colors.GetValueOrDefault(backend, Palette[0]), backend.PadRight(_width)) + Paint(Dim, " |");

    private string Paint(string color, string text) => _color ? color + text + Reset : text;

    private void Enqueue(string line)
    {
        if (!_lines.Writer.TryWrite(line))
            Interlocked.Increment(ref _dropped);
    }

    private async Task WriteLoopAsync()
    {
        await foreach (var line in _lines.Reader.ReadAllAsync().ConfigureAwait(false))
        {
            var dropped = Interlocked.Exchange(ref _dropped, 0);
            if (dropped > 0)
                await _out.WriteLineAsync(Paint(Dim, $"… {dropped} lines were too many for the terminal; every line is in the log files")).ConfigureAwait(false);
            if (_progressShown) await _out.WriteAsync(ClearLine).ConfigureAwait(false);
            _progressShown = line.StartsWith(ProgressMark);
            if (_progressShown) await _out.WriteAsync(line[1..]).ConfigureAwait(false);
            else await _out.WriteLineAsync(line).ConfigureAwait(false);
            if (_lines.Reader.Count == 0)
                await _out.FlushAsync().ConfigureAwait(false);
        }
    }

    public async ValueTask DisposeAsync()
    {
        _lines.Writer.TryComplete();
        await _writer.ConfigureAwait(false);
        if (_progressShown) await _out.WriteAsync(ClearLine).ConfigureAwait(false);
        await _out.FlushAsync().ConfigureAwait(false);
    }
}
