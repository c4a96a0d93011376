using System.Text.RegularExpressions;
using BackendSidecar.Core.Logging;

namespace BackendSidecar.Core.Health;

/// <summary>
/// Ok once a stdout or stderr line with a seq of at least <c>fromSeq</c> matches the pattern; stays ok afterwards.
/// </summary>
/// <remarks>
/// Lines already in the buffer are scanned too, so a line written before the probe existed still counts. The pattern
/// is matched on the log writer's thread (<see cref="LogRingBuffer.Subscribe"/>): give it a regex that cannot backtrack
/// catastrophically (<see cref="HealthProbeFactory.CreatePattern"/> does). Thread-safe.
/// </remarks>
public sealed class StdoutPatternProbe : IHealthProbe
{
    private const int MaxShown = 120;

    private readonly Regex _pattern;
    private readonly long _fromSeq;
    private readonly TaskCompletionSource<LogEntry> _matched = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private IDisposable? _subscription;

    /// <param name="pattern">Matched against each line's text.</param>
    /// <param name="logs">The backend's log.</param>
    /// <param name="fromSeq">The first seq that counts: the <see cref="LogRingBuffer.NextSeq"/> taken just before the
    /// process was started, so an earlier run's output does not count.</param>
    public StdoutPatternProbe(Regex pattern, LogRingBuffer logs, long fromSeq)
    {
        ArgumentNullException.ThrowIfNull(pattern);
        ArgumentNullException.ThrowIfNull(logs);
        _pattern = pattern;
        _fromSeq = fromSeq;

        // Subscribe before scanning so no line falls between the two (a line seen twice is harmless).
        _subscription = logs.Subscribe(Observe);
        foreach (var entry in logs.Read(logs.Capacity, afterSeq: Math.Max(0, fromSeq - 1)).Entries)
        {
            Observe(entry);
        }

        if (_matched.Task.IsCompleted)
        {
            Unsubscribe();
        }
    }

    /// <summary>Completes with the first matching line.</summary>
    public Task<LogEntry> Matched => _matched.Task;

    /// <inheritdoc/>
    public ValueTask<HealthResult> CheckAsync(CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        return ValueTask.FromResult(_matched.Task.IsCompletedSuccessfully
            ? new HealthResult(true, $"matched line {_matched.Task.Result.Seq}: {Shorten(_matched.Task.Result.Text)}", TimeSpan.Zero)
            : new HealthResult(false, $"no output line matched {Shorten(_pattern.ToString())} yet", TimeSpan.Zero));
    }

    /// <inheritdoc/>
    public void Dispose() => Unsubscribe();

    private void Observe(LogEntry entry)
    {
        if (_matched.Task.IsCompleted || entry.Seq < _fromSeq || entry.Stream == LogStream.Sidecar)
        {
            return;
        }

        try
        {
            if (!_pattern.IsMatch(entry.Text))
            {
                return;
            }
        }
        catch (RegexMatchTimeoutException)
        {
            return;
        }

        if (_matched.TrySetResult(entry))
        {
            Unsubscribe();
        }
    }

    private void Unsubscribe() => Interlocked.Exchange(ref _subscription, null)?.Dispose();

    private static string Shorten(string text) => text.Length <= MaxShown ? text : text[..MaxShown] + "…";
}
