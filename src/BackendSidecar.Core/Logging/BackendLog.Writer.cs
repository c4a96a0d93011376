using System.Buffers;

namespace BackendSidecar.Core.Logging;

// The writer side of BackendLog: the queue the readers fill, and the one thread that records what they read.
public sealed partial class BackendLog
{
    private readonly object _queueGate = new();
    private List<WorkItem> _queue = [];
    private bool _closing;
    private readonly Thread _writer;
    private readonly TaskCompletionSource _writerDone = new(TaskCreationOptions.RunContinuationsAsynchronously);

    // Writer thread only.
    private readonly List<string> _lines = [];
    private bool _dirty;
    private bool _fileFailing;

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
            Monitor.Pulse(_queueGate);
            return true;
        }
    }

    private void WriteLoop()
    {
        var batch = new List<WorkItem>();
        try
        {
            while (true)
            {
                bool closing;
                lock (_queueGate)
                {
                    if (_queue.Count == 0 && !_dirty && !_closing)
                    {
                        Monitor.Wait(_queueGate);
                    }

                    (_queue, batch) = (batch, _queue);
                    closing = _closing;
                }

                if (batch.Count == 0)
                {
                    // Caught up: this is the moment to flush, so quiet output reaches the file at once.
                    if (_dirty)
                    {
                        FlushFile();
                    }
                    else if (closing)
                    {
                        return;
                    }

                    continue;
                }

                foreach (var item in batch)
                {
                    Process(item);
                }

                batch.Clear();
            }
        }
        finally
        {
            try
            {
                _file.Dispose();
            }
            catch (Exception)
            {
                // Closing failed; an exception escaping this thread would end the whole sidecar.
            }

            _writerDone.TrySetResult();
        }
    }

    private void Process(WorkItem item)
    {
        try
        {
            switch (item.Kind)
            {
                case WorkKind.Chunk:
                    item.Pump!.Splitter.Push(item.Bytes.AsSpan(0, item.Count), _lines);
                    RecordLines(item.Pump.Stream, item.Time);
                    break;
                case WorkKind.EndOfStream:
                    item.Pump!.Splitter.Complete(_lines);
                    RecordLines(item.Pump.Stream, _time.GetUtcNow());
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
            // A bug here must not end the writer thread: the pipes would still be drained, but nothing recorded.
            _lines.Clear();
            Buffer.Append(LogStream.Sidecar, $"internal error while recording output: {e.GetType().Name}: {e.Message}", _time.GetUtcNow());
        }
        finally
        {
            if (item.Bytes is not null)
            {
                ArrayPool<byte>.Shared.Return(item.Bytes);
            }

            item.Done?.TrySetResult();
        }
    }

    private void RecordLines(LogStream stream, DateTimeOffset time)
    {
        var masker = _masker;
        foreach (var line in _lines)
        {
            WriteFile(Buffer.Append(stream, masker.Mask(line), time));
        }

        _lines.Clear();
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
