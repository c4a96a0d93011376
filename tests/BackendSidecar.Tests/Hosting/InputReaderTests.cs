using System.Buffers;
using System.IO.Pipelines;
using BackendSidecar.Hosting;

namespace BackendSidecar.Tests.Hosting;

public sealed class InputReaderTests
{
    [Fact]
    public async Task Read_BlockingInput_WaitsOnItsOwnThreadNotAThreadPoolWorker()
    {
        // stdin cannot be read asynchronously: a thread-pool worker blocked in read(2) for the whole session left a 2-core
        // machine's pool one worker for everything else.
        using var input = new RecordingStream("{}"u8.ToArray());
        var reader = InputReader.Create(input, 4096, holdAtMost: 1 << 20);

        // The session's read loop runs on the thread pool.
        var result = await Task.Run(() => reader.ReadAsync().AsTask()).WaitAsync(TimeSpan.FromSeconds(10));

        Assert.Equal(2, result.Buffer.Length);
        Assert.False(input.ReadOnThreadPool, "the blocking read ran on a thread-pool worker");
        reader.AdvanceTo(result.Buffer.End);
        await reader.CompleteAsync();
    }

    [Fact]
    public async Task Read_EndOfInput_CompletesTheReaderAfterTheLastBytes()
    {
        using var input = new RecordingStream("{\"a\":1}\n"u8.ToArray());
        var reader = InputReader.Create(input, 4, holdAtMost: 16);

        var text = new List<byte>();
        ReadResult result;
        do
        {
            result = await reader.ReadAsync().AsTask().WaitAsync(TimeSpan.FromSeconds(10));
            text.AddRange(result.Buffer.ToArray());
            reader.AdvanceTo(result.Buffer.End);
        }
        while (!result.IsCompleted);

        Assert.Equal("{\"a\":1}\n", System.Text.Encoding.UTF8.GetString([.. text]));
    }

    /// <summary>A stream whose reads say which kind of thread made them; then end of input.</summary>
    private sealed class RecordingStream(byte[] content) : Stream
    {
        private readonly MemoryStream _content = new(content);

        public bool ReadOnThreadPool { get; private set; }

        public override int Read(Span<byte> buffer)
        {
            ReadOnThreadPool |= Thread.CurrentThread.IsThreadPoolThread;
            return _content.Read(buffer);
        }

        public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

        public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
            ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

        // As stdin's stream does: an asynchronous read is a synchronous one on whatever thread asks.
        public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
            ValueTask.FromResult(Read(buffer.Span));

        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => false;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }
        public override void Flush() { }
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        protected override void Dispose(bool disposing)
        {
            if (disposing) _content.Dispose();
            base.Dispose(disposing);
        }
    }
}
