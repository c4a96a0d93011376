namespace BackendSidecar.Core.Logging;

/// <summary>
/// The last <see cref="Capacity"/> log entries of one backend (at most <see cref="MaxTextChars"/> of text), numbered
/// with a per-buffer sequence starting at 1.
/// </summary>
/// <remarks>
/// Thread-safe. Appends take one short lock; observers (<see cref="Subscribe"/>) are called after it is released, on the
/// appending thread, so a reader or an observer that reads the buffer never deadlocks with a writer.
/// Observers may therefore run concurrently (two appending threads) and, in that race only, see entries out of
/// sequence order; use <see cref="LogEntry.Seq"/> to order them.
/// </remarks>
public sealed class LogRingBuffer
{
    /// <summary>The most text the buffer holds, in chars, whatever its capacity: older entries go first.</summary>
    /// <remarks>5000 pieces of a 64 KiB line are 640 MB of strings; this keeps a flood of long lines to 16 MB, while
    /// 5000 ordinary lines never come near it.</remarks>
    public const long MaxTextChars = 8L << 20;

    private readonly object _gate = new();
    private readonly LogEntry?[] _entries;
    private long _nextSeq = 1;
    private long _oldestSeq = 1;
    private long _chars;
    private Action<LogEntry>[] _observers = [];

    /// <param name="capacity">How many entries are kept; older ones are overwritten. At least 1.</param>
    public LogRingBuffer(int capacity)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(capacity, 1);
        _entries = new LogEntry?[capacity];
    }

    /// <summary>How many entries the buffer keeps.</summary>
    public int Capacity => _entries.Length;

    /// <summary>The seq the next appended entry will get (1 for an empty buffer).</summary>
    public long NextSeq
    {
        get { lock (_gate) return _nextSeq; }
    }

    /// <summary>Appends one line, gives it the next seq, and tells the observers.</summary>
    public LogEntry Append(LogStream stream, string text, DateTimeOffset time)
    {
        ArgumentNullException.ThrowIfNull(text);
        LogEntry entry;
        Action<LogEntry>[] observers;
        lock (_gate)
        {
            entry = new LogEntry(_nextSeq, time, stream, text);
            if (_nextSeq - _oldestSeq == _entries.Length)
            {
                DropOldestNeedsLock();
            }

            _entries[(int)((_nextSeq - 1) % _entries.Length)] = entry;
            _chars += text.Length;
            _nextSeq++;
            while (_chars > MaxTextChars && _oldestSeq < _nextSeq - 1)
            {
                DropOldestNeedsLock();
            }
            observers = _observers;
        }

        foreach (var observer in observers)
        {
            try
            {
                observer(entry);
            }
            catch
            {
                // An observer's bug must not stop the backend's output from being recorded (the appender is the
                // log pipeline's only thread); observers are documented as not throwing.
            }
        }

        return entry;
    }

    /// <summary>Reads entries, oldest first.</summary>
    /// <param name="tail">At most this many entries are returned (0 returns none, but still a useful <see cref="LogSnapshot.NextSeq"/>).</param>
    /// <param name="afterSeq"><c>null</c>: the last <paramref name="tail"/> entries. Otherwise the entries with a seq
    /// greater than this, the oldest first, at most <paramref name="tail"/> of them.</param>
    /// <param name="stream"><c>null</c>: every stream; otherwise only entries of this stream.</param>
    public LogSnapshot Read(int tail, long? afterSeq = null, LogStream? stream = null)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(tail);
        lock (_gate)
        {
            var oldest = _oldestSeq;
            var overwritten = oldest > 1;
            return afterSeq is { } after
                ? ReadAfterNeedsLock(tail, after, stream, oldest)
                : ReadTailNeedsLock(tail, stream, oldest, overwritten);
        }
    }

    /// <summary>The texts of the last <paramref name="count"/> entries (of <paramref name="stream"/>, or all), oldest first.</summary>
    public IReadOnlyList<string> LastLines(int count, LogStream? stream = null) =>
        Read(count, null, stream).Entries.Select(e => e.Text).ToArray();

    /// <summary>Calls <paramref name="observer"/> for every entry appended from now on, until the result is disposed.</summary>
    /// <remarks>
    /// Observers run on the appending thread, which is the thread that drains the backend's output into the log file:
    /// they must be cheap, thread-safe and must not block or throw (exceptions are swallowed). Hand slow work to a
    /// queue of your own.
    /// </remarks>
    public IDisposable Subscribe(Action<LogEntry> observer)
    {
        ArgumentNullException.ThrowIfNull(observer);
        lock (_gate)
        {
            // Copy on write: Append reads the array under the lock and then iterates it without.
            _observers = [.. _observers, observer];
        }

        return new Subscription(this, observer);
    }

    private LogSnapshot ReadTailNeedsLock(int tail, LogStream? stream, long oldest, bool overwritten)
    {
        var picked = new List<LogEntry>(Math.Min(tail, (int)(_nextSeq - oldest)));
        var seq = _nextSeq - 1;
        for (; seq >= oldest && picked.Count < tail; seq--)
        {
            var entry = EntryNeedsLock(seq);
            if (stream is null || entry.Stream == stream)
            {
                picked.Add(entry);
            }
        }

        var olderRemain = HasMatchNeedsLock(oldest, seq, stream);
        picked.Reverse();

        // Everything up to the newest entry was looked at, so a client continues after it whatever the filter.
        return new LogSnapshot(picked, _nextSeq, overwritten || olderRemain);
    }

    private LogSnapshot ReadAfterNeedsLock(int tail, long afterSeq, LogStream? stream, long oldest)
    {
        var first = Math.Max(afterSeq + 1, oldest);
        var lost = afterSeq + 1 < oldest;
        var picked = new List<LogEntry>(Math.Min(tail, (int)Math.Max(0, _nextSeq - first)));
        var seq = first;
        for (; seq < _nextSeq && picked.Count < tail; seq++)
        {
            var entry = EntryNeedsLock(seq);
            if (stream is null || entry.Stream == stream)
            {
                picked.Add(entry);
            }
        }

        if (HasMatchNeedsLock(seq, _nextSeq - 1, stream))
        {
            // More than tail remain: continue right after the last returned entry.
            return new LogSnapshot(picked, picked.Count > 0 ? picked[^1].Seq + 1 : first, true);
        }

        // A client whose afterSeq is ahead of this buffer keeps its place rather than being sent back.
        return new LogSnapshot(picked, Math.Max(afterSeq + 1, _nextSeq), lost);
    }

    private bool HasMatchNeedsLock(long from, long to, LogStream? stream)
    {
        for (var seq = from; seq <= to; seq++)
        {
            if (stream is null || EntryNeedsLock(seq).Stream == stream)
            {
                return true;
            }
        }

        return false;
    }

    private void DropOldestNeedsLock()
    {
        var slot = (int)((_oldestSeq - 1) % _entries.Length);
        _chars -= _entries[slot]!.Text.Length;
        _entries[slot] = null;
        _oldestSeq++;
    }

    private LogEntry EntryNeedsLock(long seq) => _entries[(int)((seq - 1) % _entries.Length)]!;

    private void Unsubscribe(Action<LogEntry> observer)
    {
        lock (_gate)
        {
            var index = Array.IndexOf(_observers, observer);
            if (index >= 0)
            {
                _observers = [.. _observers[..index], .. _observers[(index + 1)..]];
            }
        }
    }

    private sealed class Subscription(LogRingBuffer buffer, Action<LogEntry> observer) : IDisposable
    {
        private int _disposed;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _disposed, 1) == 0)
            {
                buffer.Unsubscribe(observer);
            }
        }
    }
}
