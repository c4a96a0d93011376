using System.Threading.Channels;
using BackendSidecar.Core.Logging;
using BackendSidecar.Core.Supervision;
using BackendSidecar.Rpc.Dtos;

namespace BackendSidecar.Rpc;

/// <summary>
/// Batches log lines of subscribed backends into <c>log</c> notifications. A backend is never slowed by the client: lines
/// pass through a bounded queue, and what a slow or stuck client cannot take is counted in <c>dropped</c> (it stays
/// readable through <c>logs</c> and in the log file), so memory stays bounded and no pipe is ever blocked.
/// </summary>
internal sealed class LogNotificationPump : IAsyncDisposable
{
    private const int QueueCapacity = 20_000;
    private const int MaxBatch = 500;
    private static readonly TimeSpan BatchWindow = TimeSpan.FromMilliseconds(20);

    // Wait mode, though nothing ever waits: only then does TryWrite say false when the queue is full (in a Drop mode it
    // reports success for what it drops, and those lines were lost without being counted).
    private readonly Channel<(string Backend, LogEntry Entry)> _queue = Channel.CreateBounded<(string, LogEntry)>(
        new BoundedChannelOptions(QueueCapacity) { FullMode = BoundedChannelFullMode.Wait, SingleReader = true });
    private readonly Dictionary<string, long> _dropped = new(StringComparer.Ordinal);
    private readonly Func<LogParams, Task> _send;
    private readonly List<IDisposable> _subscriptions = [];
    private readonly Task _pump;
    private volatile IReadOnlySet<string>? _subscribed; // null: none; empty set never used
    private volatile bool _all;

    public LogNotificationPump(Supervisor supervisor, Func<LogParams, Task> send)
    {
        _send = send;
        foreach (var backend in supervisor.Backends)
        {
            var name = backend.Name;
            _dropped[name] = 0;
            _subscriptions.Add(backend.Logs.Subscribe(entry => OnEntry(name, entry)));
        }

        _pump = Task.Run(PumpAsync);
    }

    /// <summary>Turns notifications on for every backend, off, or on for the named ones only.</summary>
    public void Subscribe(bool all, IReadOnlyCollection<string>? names)
    {
        _all = all;
        _subscribed = names is { Count: > 0 } ? new HashSet<string>(names, StringComparer.Ordinal) : null;
    }

    private void OnEntry(string backend, LogEntry entry)
    {
        if (!_all && _subscribed?.Contains(backend) != true) return;
        if (_queue.Writer.TryWrite((backend, entry))) return;
        lock (_dropped) _dropped[backend]++;
    }

    private async Task PumpAsync()
    {
        var batch = new List<(string Backend, LogEntry Entry)>(MaxBatch);
        while (await _queue.Reader.WaitToReadAsync().ConfigureAwait(false))
        {
            // A short window gathers lines into one notification instead of one message per line.
            await Task.Delay(BatchWindow).ConfigureAwait(false);
            while (batch.Count < MaxBatch && _queue.Reader.TryRead(out var item))
                batch.Add(item);
            foreach (var group in batch.GroupBy(i => i.Backend))
                await _send(new LogParams(group.Key, group.Select(i => DtoMapper.Entry(i.Entry)).ToArray(), TakeDropped(group.Key))).ConfigureAwait(false);
            batch.Clear();

            // Lines are dropped only while the queue is full, so once it is empty no count can grow unseen: send what is
            // left, or a burst that ends with drops would never report them.
            if (_queue.Reader.Count == 0)
                await SendPendingDroppedAsync().ConfigureAwait(false);
        }
    }

    private async Task SendPendingDroppedAsync()
    {
        string[] backends;
        lock (_dropped) backends = _dropped.Where(d => d.Value > 0).Select(d => d.Key).ToArray();
        foreach (var backend in backends)
            await _send(new LogParams(backend, [], TakeDropped(backend))).ConfigureAwait(false);
    }

    private long TakeDropped(string backend)
    {
        lock (_dropped)
        {
            var n = _dropped[backend];
            _dropped[backend] = 0;
            return n;
        }
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var s in _subscriptions) s.Dispose();
        _queue.Writer.TryComplete();
        await _pump.ConfigureAwait(false);
    }
}
