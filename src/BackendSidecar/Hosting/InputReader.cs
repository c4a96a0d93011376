using System.IO.Pipelines;

namespace BackendSidecar.Hosting;

/// <summary>The host's input (stdin in serve mode) as a <see cref="PipeReader"/>, read by a thread of its own.</summary>
/// <remarks>
/// stdin's stream has no asynchronous read: a <see cref="PipeReader"/> made over it with <c>PipeReader.Create</c> blocks a
/// thread-pool worker in read(2) for the whole session. The pool keeps one worker per core, so on 2 cores everything else
/// (exit handling, notifications, the clean-up scan after an exit) ran on the one worker left, one after the other: seen
/// in strace as a statusChanged written only after the clean-up's scan of /proc, on the same thread.
/// </remarks>
internal static class InputReader
{
    /// <param name="input">Read with blocking reads, on a dedicated thread.</param>
    /// <param name="bufferSize">The size of each read.</param>
    /// <param name="holdAtMost">How much unread input may wait before reading pauses; above the largest message the reader
    /// must see whole (a smaller bound would stop the input before a frame is complete).</param>
    public static PipeReader Create(Stream input, int bufferSize, long holdAtMost)
    {
        var pause = holdAtMost + 2L * bufferSize;
        var pipe = new Pipe(new PipeOptions(pauseWriterThreshold: pause, resumeWriterThreshold: pause / 2, minimumSegmentSize: bufferSize,
            useSynchronizationContext: false));
        new Thread(() => Copy(input, pipe.Writer, bufferSize)) { IsBackground = true, Name = "stdin reader" }.Start();
        return pipe.Reader;
    }

    private static void Copy(Stream input, PipeWriter writer, int bufferSize)
    {
        Exception? error = null;
        try
        {
            while (true)
            {
                var read = input.Read(writer.GetMemory(bufferSize).Span);
                if (read == 0) break;
                writer.Advance(read);
                // Blocks this thread only, while the reader is behind by holdAtMost, or until the reader completes.
                if (writer.FlushAsync().AsTask().GetAwaiter().GetResult().IsCompleted) break;
            }
        }
        catch (Exception e)
        {
            // The reader gets it, as it would from a read of its own.
            error = e;
        }
        writer.Complete(error);
    }
}
