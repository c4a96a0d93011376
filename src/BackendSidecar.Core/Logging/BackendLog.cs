using System.Buffers;
using BackendSidecar.Core.Configuration;

namespace BackendSidecar.Core.Logging;

/// <summary>
/// The output of one backend, across its restarts: a ring buffer of recent entries and a rotated log file.
/// </summary>
/// <remarks>
/// <para>How output is drained (issue 2, item 6: nothing a backend writes may be lost from the file; issue 13: the
/// sidecar's memory and threads stay bounded). Each <see cref="PumpAsync"/> reads its pipe with asynchronous 64 KiB
/// reads (epoll underneath: a pipe waiting for output holds no thread) and queues what it read, stamped with the time
/// of the read. The queue holds at most <see cref="MaxQueuedBytes"/>: when the disk or an observer is slow for longer
/// than that absorbs, the pump stops reading and the backend waits on a full pipe, rather than the sidecar growing
/// without bound (a backend writing 1 GiB without a newline once took it to 2.7 GB). A writer, run on the thread pool
/// only while the queue has work (an idle backend costs no thread), takes the queue in batches and does the rest: line
/// splitting, secret masking, the ring buffer (and its observers) and the file. The ring buffer keeps the last
/// <see cref="LogOptions.BufferLines"/> entries (and at most <see cref="LogRingBuffer.MaxTextChars"/> of text); the file
/// keeps everything (up to rotation).</para>
/// <para>The file is written in 64 KiB blocks and flushed whenever the writer has caught up with the queue, so a
/// quiet backend's lines reach the file at once and a flood is written in large writes.</para>
/// <para>Thread-safe. Two pumps (stdout and stderr) normally run at once; their lines interleave in the order the
/// reads returned.</para>
/// </remarks>
public sealed partial class BackendLog : IAsyncDisposable
{
    private const int ReadSize = 64 * 1024;

    // A short read is copied into a small array so a backlog of small reads does not pin 64 KiB each.
    private const int CopyReadsBelow = 16 * 1024;

    private readonly TimeProvider _time;
    private readonly RotatingLogFile _file;
    private volatile SecretMasker _masker = SecretMasker.None;

    /// <param name="backend">The backend's name (used in the default file name).</param>
    /// <param name="options">Ring size, file path (<c>null</c>: <see cref="DefaultFilePath"/>), rotation.</param>
    /// <param name="time">The clock that stamps entries.</param>
    public BackendLog(string backend, LogOptions options, TimeProvider time)
    {
        ArgumentException.ThrowIfNullOrEmpty(backend);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(time);
        Backend = backend;
        _time = time;
        Buffer = new LogRingBuffer(options.BufferLines);
        FilePath = Path.GetFullPath(options.File ?? DefaultFilePath(backend));
        _file = new RotatingLogFile(FilePath, options.MaxBytes, options.KeepFiles);
    }

    /// <summary>The backend's name.</summary>
    public string Backend { get; }

    /// <summary>The recent entries, with seq numbers that keep counting across restarts.</summary>
    public LogRingBuffer Buffer { get; }

    /// <summary>The absolute path of the current log file.</summary>
    public string FilePath { get; }

    /// <summary>The file used when the configuration gives none: <see cref="State.SidecarFolders.DefaultLogFile"/> of an inline configuration.</summary>
    public static string DefaultFilePath(string backend) => State.SidecarFolders.DefaultLogFile(null, backend);

    /// <summary>Sets the secret values masked as <c>***</c> in lines recorded from now on (replacing earlier ones).</summary>
    /// <remarks>Call it before starting the process that gets these secrets. Lines already queued but not yet
    /// recorded are masked with the new set too.</remarks>
    public void SetSecrets(IEnumerable<string> secretValues)
    {
        ArgumentNullException.ThrowIfNull(secretValues);
        _masker = new SecretMasker(secretValues.ToArray());
    }

    /// <summary>Records a line of the sidecar's own about this backend (stream <c>sidecar</c>), in the ring and the file.</summary>
    /// <remarks>The line is queued behind the output already read from the pipes, so "exited with code 1" comes after
    /// the backend's last lines; it is in <see cref="Buffer"/> a moment later (<c>await</c> <see cref="FlushAsync"/>
    /// to be sure). Never blocks. Text with newlines becomes one entry per line. Secrets are masked here too.
    /// After disposal the line still reaches <see cref="Buffer"/>, not the file.</remarks>
    public void WriteSidecarLine(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var time = _time.GetUtcNow();
        if (!Enqueue(WorkItem.SidecarLine(text, time)))
        {
            RecordSidecarLine(text, time, toFile: false);
        }
    }

    /// <summary>
    /// Drains <paramref name="source"/> (a child's stdout or stderr pipe) until end of stream into the ring buffer and
    /// the file, with asynchronous reads.
    /// </summary>
    /// <returns>A task that completes when the stream has ended and its last line (a partial one too) is in the
    /// buffer and flushed to the file.</returns>
    /// <param name="cancellationToken">Stops the waiting only: the pipe is still drained to its end and what it brings is
    /// still recorded.</param>
    /// <remarks>A read error ends the pump like end of stream does, with a sidecar line saying why.
    /// The stream is not disposed (the process owns it). A pipe of the OS should be a <see cref="System.IO.Pipes.PipeStream"/>,
    /// whose reads wait without a thread.</remarks>
    public Task PumpAsync(Stream source, LogStream stream, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(source);
        var pump = new Pump(stream);
        // Task.Run: a stream whose reads complete at once (a MemoryStream) must not run the whole loop in the caller.
        _ = Task.Run(() => ReadLoopAsync(source, pump), CancellationToken.None);
        return cancellationToken.CanBeCanceled ? pump.Done.Task.WaitAsync(cancellationToken) : pump.Done.Task;
    }

    /// <summary>Completes when everything recorded before the call is in the file (handed to the OS).</summary>
    public Task FlushAsync()
    {
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        return Enqueue(WorkItem.Flush(done)) ? done.Task : Task.CompletedTask;
    }

    /// <summary>Records what is queued, flushes and closes the file. Pumps still running keep draining their pipes
    /// (so no backend blocks) but what they read is no longer recorded.</summary>
    public async ValueTask DisposeAsync()
    {
        bool start;
        TaskCompletionSource? room;
        lock (_queueGate)
        {
            _closing = true;
            start = !_writerRunning;
            _writerRunning = true;
            (room, _room) = (_room, null);
        }

        room?.TrySetResult();
        if (start) StartWriter();
        await _writerDone.Task.ConfigureAwait(false);
    }

    private async Task ReadLoopAsync(Stream source, Pump pump)
    {
        var buffer = ArrayPool<byte>.Shared.Rent(ReadSize);
        string? error = null;
        try
        {
            while (true)
            {
                var count = await source.ReadAsync(buffer.AsMemory(0, ReadSize)).ConfigureAwait(false);
                if (count == 0)
                {
                    break;
                }

                var time = _time.GetUtcNow();
                byte[] chunk;
                if (count < CopyReadsBelow)
                {
                    chunk = ArrayPool<byte>.Shared.Rent(count);
                    buffer.AsSpan(0, count).CopyTo(chunk);
                }
                else
                {
                    chunk = buffer;
                    buffer = ArrayPool<byte>.Shared.Rent(ReadSize);
                }

                // No room: the next read waits, and the backend with it once the pipe is full.
                while (ReserveOrWait(Cost(count)) is { } room)
                {
                    await room.ConfigureAwait(false);
                }

                if (!Enqueue(WorkItem.Chunk(pump, chunk, count, time)))
                {
                    Release(Cost(count));
                    ArrayPool<byte>.Shared.Return(chunk);
                }
            }
        }
        catch (Exception e)
        {
            // Whatever the stream throws: an exception escaping here would go unobserved and the pump never end.
            error = $"{e.GetType().Name}: {e.Message}";
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }

        if (error is not null)
        {
            WriteSidecarLine($"reading {RotatingLogFile.StreamName(pump.Stream)} failed: {error}");
        }

        if (!Enqueue(WorkItem.EndOfStream(pump)))
        {
            pump.Done.TrySetResult();
        }
    }

    /// <summary>One pipe being drained: its own line splitter, and the task that completes after its last line.</summary>
    private sealed class Pump(LogStream stream)
    {
        public LogStream Stream { get; } = stream;
        public LineSplitter Splitter { get; } = new();

        /// <summary>The end of a cut piece held back because a secret may go on in the next piece (writer only).</summary>
        public string Carry { get; set; } = "";
        public TaskCompletionSource Done { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }
}
