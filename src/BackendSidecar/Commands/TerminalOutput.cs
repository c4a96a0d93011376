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
    private const string Reset = "\e[0m", Dim = "\e[2m", Red = "\e[31m", Green = "\e[32m", Yellow = "\e[33m", Bold = "\e[1m";

    private readonly TextWriter _out;
    private readonly bool _color;
    private readonly int _width;
    private readonly Dictionary<string, string> _colors = new(StringComparer.Ordinal);
    private readonly Channel<string> _lines = Channel.CreateBounded<string>(new BoundedChannelOptions(10_000)
    {
        FullMode = BoundedChannelFullMode.DropWrite,
        SingleReader = true,
    });
    private readonly Task _writer;
    private long _dropped;

    public TerminalOutput(TextWriter output, bool color, IEnumerable<string> backends)
    {
        _out = output;
        _color = color;
        var names = backends.ToArray();
        _width = names.Length == 0 ? 7 : Math.Max(7, names.Max(n => n.Length));
        for (var i = 0; i < names.Length; i++)
            _colors[names[i]] = Palette[i % Palette.Length];
        _writer = Task.Run(WriteLoopAsync);
    }

    public void Info(string text) => Enqueue(Paint(Bold, text));

    public void Error(string text) => Enqueue(Paint(Red, text));

    public void Log(string backend, LogEntry entry)
    {
        if (entry.Stream == LogStream.Sidecar) return; // state changes are shown by StatusChanged, with their reason
        var text = entry.Stream == LogStream.Stderr ? Paint(Yellow, entry.Text) : entry.Text;
        Enqueue($"{Prefix(backend)} {text}");
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
        var state = Paint(color, $"{Lower(change.Previous)} -> {Lower(s.State)}");
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
            await _out.WriteLineAsync(line).ConfigureAwait(false);
            if (_lines.Reader.Count == 0)
                await _out.FlushAsync().ConfigureAwait(false);
        }
    }

    public async ValueTask DisposeAsync()
    {
        _lines.Writer.TryComplete();
        await _writer.ConfigureAwait(false);
        await _out.FlushAsync().ConfigureAwait(false);
    }
}
