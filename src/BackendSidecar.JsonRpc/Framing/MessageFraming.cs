using System.IO.Pipelines;

namespace BackendSidecar.JsonRpc.Framing;

/// <summary>
/// Shared plumbing for framings over a <see cref="PipeReader"/>/<see cref="PipeWriter"/> pair: writes are
/// serialised with a semaphore (one message at a time, each flushed), and disposal completes both pipes.
/// </summary>
/// <remarks>
/// Threading: see <see cref="IMessageFraming"/>. Subclasses implement <see cref="ReadCoreAsync"/> (called
/// sequentially) and <see cref="WriteFrame"/> (called under the write lock).
/// </remarks>
public abstract class MessageFraming : IMessageFraming
{
    private static readonly TimeSpan DisposeWriteWait = TimeSpan.FromSeconds(5);
    private readonly SemaphoreSlim _writeLock = new(1, 1);
    private int _disposed;
    private int _reading;

    /// <summary>Creates the framing over the given pipes, which it owns from now on.</summary>
    protected MessageFraming(PipeReader input, PipeWriter output, MessageFramingOptions? options)
    {
        ArgumentNullException.ThrowIfNull(input);
        ArgumentNullException.ThrowIfNull(output);
        Options = options ?? MessageFramingOptions.Default;
        Options.Validate();
        Input = input;
        Output = output;
    }

    /// <inheritdoc/>
    public abstract FramingKind Kind { get; }

    /// <summary>The limits in force.</summary>
    public MessageFramingOptions Options { get; }

    /// <summary>The input pipe; read only from <see cref="ReadAsync"/>.</summary>
    protected PipeReader Input { get; }

    /// <summary>The output pipe; written only from <see cref="WriteFrame"/>.</summary>
    protected PipeWriter Output { get; }

    /// <inheritdoc/>
    public async ValueTask<InboundFrame?> ReadAsync(CancellationToken cancellationToken)
    {
        if (Interlocked.Exchange(ref _reading, 1) != 0)
        {
            throw new InvalidOperationException("Reads must be sequential.");
        }

        try
        {
            ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
            return await ReadCoreAsync(cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            Volatile.Write(ref _reading, 0);
        }
    }

    /// <summary>Reads the next frame; called sequentially, never concurrently with itself.</summary>
    protected abstract ValueTask<InboundFrame?> ReadCoreAsync(CancellationToken cancellationToken);

    /// <inheritdoc/>
    public async ValueTask WriteAsync(ReadOnlyMemory<byte> utf8Json, CancellationToken cancellationToken)
    {
        ValidateOutgoing(utf8Json.Span);
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
        await _writeLock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
            WriteFrame(Output, utf8Json.Span);

            // Not cancellable: a flush cut short could leave half a message for the next writer to follow.
            var flush = await Output.FlushAsync(CancellationToken.None).ConfigureAwait(false);
            if (flush.IsCompleted)
            {
                throw new IOException("The output was closed by its reader.");
            }
        }
        catch (InvalidOperationException ex)
        {
            // PipeWriter throws this once it has been completed: report it as a closed output.
            throw new IOException("The output is closed.", ex);
        }
        finally
        {
            _writeLock.Release();
        }
    }

    /// <summary>Turns a read ended by <see cref="PipeReader.CancelPendingRead"/> into cancellation.</summary>
    protected static void ThrowIfCanceled(ReadResult result)
    {
        if (result.IsCanceled)
        {
            throw new OperationCanceledException("The pending read was cancelled.");
        }
    }

    /// <summary>Writes one framed message into <paramref name="output"/> (without flushing).</summary>
    protected abstract void WriteFrame(PipeWriter output, ReadOnlySpan<byte> utf8Json);

    /// <summary>Throws <see cref="ArgumentException"/> when a message cannot be framed.</summary>
    protected virtual void ValidateOutgoing(ReadOnlySpan<byte> utf8Json)
    {
        if (utf8Json.IsEmpty)
        {
            throw new ArgumentException("A message cannot be empty.", nameof(utf8Json));
        }
    }

    /// <summary>
    /// Completes the input (unless a read is still running), then the output once any write in progress
    /// has finished (waiting at most a few seconds for a stuck reader of the output; after that the output
    /// is left as it is). Call it after reads have stopped.
    /// </summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        GC.SuppressFinalize(this);

        // A read abandoned by its caller (some streams, like a console's, ignore cancellation) may still be
        // running: completing the reader under it is not safe, so the input is left to the process's end.
        if (Volatile.Read(ref _reading) == 0)
        {
            await Input.CompleteAsync().ConfigureAwait(false);
        }

        if (await _writeLock.WaitAsync(DisposeWriteWait).ConfigureAwait(false))
        {
            try
            {
                await Output.CompleteAsync().ConfigureAwait(false);
            }
            finally
            {
                _writeLock.Release();
            }
        }
    }
}
