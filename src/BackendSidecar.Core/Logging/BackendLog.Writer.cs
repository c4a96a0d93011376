using System.Buffers;

namespace BackendSidecar.Core.Logging;

// The writer side of BackendLog: the bounded queue the readers fill, and the writer that records what they read, run on
// the thread pool only while there is work.
public sealed partial class BackendLog
{
    /// <summary>The most output read from the pipes and not yet recorded; past it the pumps stop reading.</summary>
    /// <remarks>32 MiB absorbs a stalled disk or subscriber for a while (a 20 MB burst passes without slowing the
    /// backend) and still bounds a backend that writes without end.</remarks>
    internal const long MaxQueuedBytes = 32 << 20;

    // A queued read costs at least this much (its array and its place in the queue), so a flood of tiny reads is bounded too.
    private const int MinCost = 256;

    private readonly object _queueGate = new();
    private List<WorkItem> _queue = [];
    private List<WorkItem> _batch = [];
    private bool _closing;
    private bool _writerRunning;
    private long _queuedBytes;
    private long _peakQueuedBytes;
    private TaskCompletionSource? _room;
    private readonly TaskCompletionSource _writerDone = new(TaskCreationOptions.RunContinuationsAsynchronously);

    // Writer only (one at a time; the queue's lock orders one run after the other).
    private readonly List<LinePiece> _pieces = [];
    private bool _dirty;
    private bool _fileFailing;

    /// <summary>Bytes read and not yet recorded (for tests).</summary>
    internal long QueuedBytes
    {
        get { lock (_queueGate) return _queuedBytes; }
    }

    /// <summary>The most <see cref="QueuedBytes"/> ever was (for tests).</summary>
    internal long PeakQueuedBytes
    {
        get { lock (_queueGate) return _peakQueuedBytes; }
    }

    private enum WorkKind { Chunk, EndOfStream, SidecarLine, Flush }

    private readonly record struct WorkItem(
        WorkKind Kind, Pump? Pump, byte[]? Bytes, int Count, DateTimeOffset Time, string? Text, TaskCompletionSource? Done)
    {
        public static WorkItem Chunk(Pump pump, byte[] bytes, int count, DateTimeOffset time) =>
            new(WorkKind.Chunk, pump, bytes, count, time, null, null);

        public static WorkItem EndOfStream(Pump pump) => new(WorkKind.EndOfStream, pump, null, 0, default, null, pump.Done);

        public static WorkItem SidecarLine(string text, DateTimeOffset time) => new(WorkKind.SidecarLine, null, null, 0, time, text, null);

        public static WorkItem Flush(TaskCompletionSource done) => new(WorkKind.Flush, null, null, 0, default, null, done);
    }

    private static long Cost(int count) => Math.Max(count, MinCost);

    /// <summary>Takes room for a read in the queue: null when taken, else a task that completes when the writer has
    /// made room (try again then). Always taken once closing: what is read then is dropped, and the pipe must keep draining.</summary>
    private Task? ReserveOrWait(long cost)
    {
        lock (_queueGate)
        {
            if (!_closing && _queuedBytes + cost > MaxQueuedBytes)
            {
                _room ??= new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
                return _room.Task;
            }

            _queuedBytes += cost;
            _peakQueuedBytes = Math.Max(_peakQueuedBytes, _queuedBytes);
            return null;
        }
    }

    private void Release(long cost)
    {
        TaskCompletionSource? room;
        lock (_queueGate)
        {
            _queuedBytes -= cost;
            (room, _room) = (_room, null);
        }

        room?.TrySetResult();
    }

    /// <returns>False once the log is disposed: the item is not taken.</returns>
    private bool Enqueue(WorkItem item)
    {
        lock (_queueGate)
        {
            if (_closing)
            {
                return false;
            }

            _queue.Add(item);
            if (_writerRunning)
            {
                return true;
            }

            _writerRunning = true;
        }

        StartWriter();
        return true;
    }

    private void StartWriter() => ThreadPool.UnsafeQueueUserWorkItem(static log => log.Drain(), this, preferLocal: false);

    /// <summary>Records the queue until it is empty and the file flushed, then ends (the next item starts it again).</summary>
    private void Drain()
    {
        while (true)
        {
            bool closing;
            lock (_queueGate)
            {
                (_queue, _batch) = (_batch, _queue);
                closing = _closing;
                if (_batch.Count == 0 && !_dirty && !closing)
                {
                    _writerRunning = false;
                    return;
                }
            }

            if (_batch.Count > 0)
            {
                foreach (var item in _batch)
                {
                    Process(item);
                }

                _batch.Clear();
            }
            else if (_dirty)
            {
                // Caught up: this is the moment to flush, so quiet output reaches the file at once.
                FlushFile();
            }
            else
            {
                // Closing and caught up. _writerRunning stays set: nothing may start another writer.
                CloseFile();
                return;
            }
        }
    }

    private void CloseFile()
    {
        try
        {
            _file.Dispose();
        }
        catch (Exception)
        {
            // Closing failed; there is no one left to tell.
        }

        _writerDone.TrySetResult();
    }

    private void Process(WorkItem item)
    {
        try
        {
            switch (item.Kind)
            {
                case WorkKind.Chunk:
                    item.Pump!.Splitter.Push(item.Bytes.AsSpan(0, item.Count), _pieces);
                    RecordPieces(item.Pump, item.Time);
                    break;
                case WorkKind.EndOfStream:
                    item.Pump!.Splitter.Complete(_pieces);
                    RecordPieces(item.Pump, _time.GetUtcNow());
                    if (item.Pump.Carry.Length > 0)
                    {
                        _pieces.Add(new LinePiece("", Continues: false));
                        RecordPieces(item.Pump, _time.GetUtcNow());
                    }

                    FlushFile();
                    break;
                case WorkKind.SidecarLine:
                    RecordSidecarLine(item.Text!, item.Time, toFile: true);
                    break;
                case WorkKind.Flush:
                    FlushFile();
                    break;
            }
        }
        catch (Exception e)
        {
            // A bug here must not end the writer: the pipes would still be drained, but nothing recorded.
            _pieces.Clear();
            Buffer.Append(LogStream.Sidecar, $"internal error while recording output: {e.GetType().Name}: {e.Message}", _time.GetUtcNow());
        }
        finally
        {
            if (item.Bytes is not null)
            {
                ArrayPool<byte>.Shared.Return(item.Bytes);
                Release(Cost(item.Count));
            }

            item.Done?.TrySetResult();
        }
    }

    /// <summary>Masks and records the pieces the splitter produced. A cut piece ends where no secret can straddle the
    /// cut (<see cref="SecretMasker.SafeCut"/>); the rest is put in front of the next piece of the same stream.</summary>
    private void RecordPieces(Pump pump, DateTimeOffset time)
    {
        var masker = _masker;
        foreach (var piece in _pieces)
        {
            var text = pump.Carry.Length == 0 ? piece.Text : pump.Carry + piece.Text;
            pump.Carry = "";
            if (piece.Continues && !masker.IsEmpty)
            {
                var cut = masker.SafeCut(text);
                if (cut < text.Length)
                {
                    pump.Carry = text[cut..];
                    text = text[..cut];
                }
            }

            WriteFile(Buffer.Append(pump.Stream, masker.Mask(text), time));
        }

        _pieces.Clear();
    }

    private void RecordSidecarLine(string text, DateTimeOffset time, bool toFile)
    {
        var masker = _masker;
        foreach (var line in text.Split('\n'))
        {
            var entry = Buffer.Append(LogStream.Sidecar, masker.Mask(line.TrimEnd('\r')), time);
            if (toFile)
            {
                WriteFile(entry);
            }
        }
    }

    private void WriteFile(LogEntry entry)
    {
        try
        {
            _file.Write(entry);
            _dirty = true;
        }
        catch (IOException e)
        {
            ReportFileError(e);
        }
    }

    private void FlushFile()
    {
        var wrote = _dirty;
        _dirty = false;
        try
        {
            _file.Flush();

            // Only a flush that carried lines proves the file works again (with no file open, Flush does nothing).
            _fileFailing &= !wrote;
        }
        catch (IOException e)
        {
            ReportFileError(e);
        }
    }

    /// <summary>Says once per failure streak, in the ring buffer only, that the file is not being written.</summary>
    private void ReportFileError(IOException e)
    {
        if (!_fileFailing)
        {
            _fileFailing = true;
            Buffer.Append(LogStream.Sidecar, $"log file {FilePath} cannot be written: {e.Message}", _time.GetUtcNow());
        }
    }
}
