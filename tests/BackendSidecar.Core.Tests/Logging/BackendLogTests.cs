using System.IO.Pipes;
using System.Text;
using BackendSidecar.Core.Configuration;
using BackendSidecar.Core.Logging;
using BackendSidecar.Testing;
using Microsoft.Extensions.Time.Testing;

namespace BackendSidecar.Core.Tests.Logging;

public class BackendLogTests : IDisposable
{
    private readonly TempDirectory _dir = new();
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2024, 5, 1, 12, 0, 0, 250, TimeSpan.Zero));

    public void Dispose() => _dir.Dispose();

    private BackendLog Create(int bufferLines = 100, string? file = null) =>
        new("api", new LogOptions { File = file ?? _dir.File("api.log"), BufferLines = bufferLines }, _time);

    private static MemoryStream Bytes(string text) => new(Encoding.UTF8.GetBytes(text));

    private static string[] FileTexts(string path) => File.ReadAllLines(path).Select(l => l[25..]).ToArray();

    /// <summary>A real OS pipe: the test writes into <see cref="Writer"/>, the log drains <see cref="Reader"/>.</summary>
    private sealed class OsPipe : IDisposable
    {
        public AnonymousPipeServerStream Writer { get; } = new(PipeDirection.Out);

        public AnonymousPipeClientStream Reader { get; }

        public OsPipe() => Reader = new AnonymousPipeClientStream(PipeDirection.In, Writer.ClientSafePipeHandle);

        public void Write(string text) => Writer.Write(Encoding.UTF8.GetBytes(text));

        public void Dispose()
        {
            Writer.Dispose();
            Reader.Dispose();
        }
    }

    private static Task<LogEntry> NextEntry(BackendLog log, Func<LogEntry, bool> match)
    {
        var seen = new TaskCompletionSource<LogEntry>(TaskCreationOptions.RunContinuationsAsynchronously);
        var subscription = log.Buffer.Subscribe(e =>
        {
            if (match(e))
            {
                seen.TrySetResult(e);
            }
        });
        return seen.Task.ContinueWith(t => { subscription.Dispose(); return t.Result; }, TaskScheduler.Default);
    }

    [Fact]
    public async Task PumpAsync_StreamEnds_EveryLineInBufferAndFileWhenTheTaskCompletes()
    {
        await using var log = Create();

        await log.PumpAsync(Bytes("one\r\ntwo\nthree"), LogStream.Stdout).WaitAsync(TestTimeouts.Unexpected);

        // No FlushAsync: the pump's task completes only after its last line is flushed.
        Assert.Equal(
            ["stdout one", "stdout two", "stdout three"],
            FileTexts(log.FilePath));
        Assert.Equal(["one", "two", "three"], log.Buffer.LastLines(10));
        Assert.Equal([1L, 2, 3], log.Buffer.Read(10).Entries.Select(e => e.Seq));
    }

    [Fact]
    public async Task PumpAsync_Lines_StampedWithTheTimeProvidersTime()
    {
        await using var log = Create();

        await log.PumpAsync(Bytes("x\n"), LogStream.Stderr).WaitAsync(TestTimeouts.Unexpected);

        var entry = Assert.Single(log.Buffer.Read(10).Entries);
        Assert.Equal(_time.GetUtcNow(), entry.Time);
        Assert.Equal(LogStream.Stderr, entry.Stream);
        Assert.Equal(["2024-05-01T12:00:00.250Z stderr x"], File.ReadAllLines(log.FilePath));
    }

    [Fact]
    public async Task WriteSidecarLine_TextWithNewline_OneEntryPerLineInBufferAndFileAfterFlush()
    {
        await using var log = Create();

        log.WriteSidecarLine("starting: python3 app.py\r\nsecond line");
        await log.FlushAsync().WaitAsync(TestTimeouts.Unexpected);

        Assert.Equal(
            [(LogStream.Sidecar, "starting: python3 app.py"), (LogStream.Sidecar, "second line")],
            log.Buffer.Read(10).Entries.Select(e => (e.Stream, e.Text)));
        Assert.Equal(["sidecar starting: python3 app.py", "sidecar second line"], FileTexts(log.FilePath));
    }

    [Fact]
    public async Task WriteSidecarLine_AfterOutputWasRead_ComesAfterThatOutput()
    {
        await using var log = Create();
        using var pipe = new OsPipe();
        var pump = log.PumpAsync(pipe.Reader, LogStream.Stdout);
        var chunk = string.Concat(Enumerable.Range(0, 2000).Select(i => $"line {i}\n"));

        pipe.Write(chunk);
        pipe.Writer.Dispose();
        await pump.WaitAsync(TestTimeouts.Unexpected);
        log.WriteSidecarLine("exited with code 1");
        await log.FlushAsync().WaitAsync(TestTimeouts.Unexpected);

        Assert.Equal(["line 1999", "exited with code 1"], log.Buffer.LastLines(2));
        Assert.Equal("sidecar exited with code 1", FileTexts(log.FilePath)[^1]);
    }

    [Fact]
    public async Task WriteSidecarLine_AfterDispose_StillInBuffer()
    {
        var log = Create();
        await log.DisposeAsync();

        log.WriteSidecarLine("stopped");

        Assert.Equal(["stopped"], log.Buffer.LastLines(1));
    }

    [Fact]
    public async Task SetSecrets_LinesAfterwards_MaskedInBufferAndFile()
    {
        await using var log = Create();
        log.SetSecrets(["hunter2", ""]);

        log.WriteSidecarLine("env PASSWORD=hunter2");
        await log.FlushAsync().WaitAsync(TestTimeouts.Unexpected);
        await log.PumpAsync(Bytes("login hunter2 ok\nno secret here\nhunter2"), LogStream.Stdout).WaitAsync(TestTimeouts.Unexpected);

        Assert.Equal(["env PASSWORD=***", "login *** ok", "no secret here", "***"], log.Buffer.LastLines(10));
        var file = File.ReadAllText(log.FilePath);
        Assert.DoesNotContain("hunter2", file);
        Assert.Equal(3, file.Split("***").Length - 1);
    }

    [Fact]
    public async Task PumpAsync_StdoutAndStderrAtOnce_BothRecordedWithTheirStreams()
    {
        await using var log = Create(bufferLines: 10_000);
        using var stdout = new OsPipe();
        using var stderr = new OsPipe();
        var pumps = Task.WhenAll(log.PumpAsync(stdout.Reader, LogStream.Stdout), log.PumpAsync(stderr.Reader, LogStream.Stderr));

        for (var i = 0; i < 1000; i++)
        {
            stdout.Write($"out {i}\n");
            stderr.Write($"err {i}\n");
        }

        stdout.Writer.Dispose();
        stderr.Writer.Dispose();
        await pumps.WaitAsync(TestTimeouts.Unexpected);

        var entries = log.Buffer.Read(10_000).Entries;
        Assert.Equal(Enumerable.Range(0, 1000).Select(i => $"out {i}"), entries.Where(e => e.Stream == LogStream.Stdout).Select(e => e.Text));
        Assert.Equal(Enumerable.Range(0, 1000).Select(i => $"err {i}"), entries.Where(e => e.Stream == LogStream.Stderr).Select(e => e.Text));
        Assert.Equal(Enumerable.Range(1, 2000).Select(i => (long)i), entries.Select(e => e.Seq));
        var fileLines = FileTexts(log.FilePath);
        Assert.Equal(entries.Select(e => $"{RotatingLogFile.StreamName(e.Stream)} {e.Text}"), fileLines);
    }

    [Fact]
    public async Task PumpAsync_QuietBackend_LineReachesTheFileWithoutAnExplicitFlush()
    {
        await using var log = Create();
        using var pipe = new OsPipe();
        var pump = log.PumpAsync(pipe.Reader, LogStream.Stdout);
        var recorded = NextEntry(log, e => e.Text == "ready");

        pipe.Write("ready\n");
        await recorded.WaitAsync(TestTimeouts.Unexpected);

        // The writer flushes whenever it has caught up; wait for that with a bounded loop, not a sleep.
        var deadline = DateTime.UtcNow + TestTimeouts.Unexpected;
        while (!File.Exists(log.FilePath) || !File.ReadAllText(log.FilePath).Contains("stdout ready\n"))
        {
            Assert.True(DateTime.UtcNow < deadline, "the line never reached the file");
            await Task.Delay(10);
        }

        Assert.False(pump.IsCompleted);
        pipe.Writer.Dispose();
        await pump.WaitAsync(TestTimeouts.Unexpected);
    }

    [Fact]
    public async Task PumpAsync_Cancelled_StopsWaitingButKeepsDrainingAndRecording()
    {
        await using var log = Create();
        using var pipe = new OsPipe();
        using var cancel = new CancellationTokenSource();
        var pump = log.PumpAsync(pipe.Reader, LogStream.Stdout, cancel.Token);

        cancel.Cancel();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => pump.WaitAsync(TestTimeouts.Unexpected));

        var last = NextEntry(log, e => e.Text == "after cancel 999");
        var writes = Task.Run(() =>
        {
            for (var i = 0; i < 1000; i++)
            {
                pipe.Write(i == 999 ? "after cancel 999\n" : $"after cancel {i} {new string('x', 200)}\n");
            }
        });
        await writes.WaitAsync(TestTimeouts.Unexpected);
        await last.WaitAsync(TestTimeouts.Unexpected);
    }

    [Fact]
    public async Task DisposeAsync_PumpStillRunning_PipeStillDrainedSoTheWriterNeverBlocks()
    {
        using var pipe = new OsPipe();
        var log = Create();
        var pump = log.PumpAsync(pipe.Reader, LogStream.Stdout);
        var before = NextEntry(log, e => e.Text == "before");
        pipe.Write("before\n");
        await before.WaitAsync(TestTimeouts.Unexpected);
        await log.DisposeAsync();

        // Far more than a pipe holds (64 KiB): only a reader that keeps reading lets this finish.
        var chunk = Encoding.UTF8.GetBytes(new string('y', 1023) + "\n");
        var writes = Task.Run(() =>
        {
            for (var i = 0; i < 1024; i++)
            {
                pipe.Writer.Write(chunk);
            }
        });
        await writes.WaitAsync(TestTimeouts.Unexpected);

        pipe.Writer.Dispose();
        await pump.WaitAsync(TestTimeouts.Unexpected);
        Assert.Equal(["stdout before"], FileTexts(log.FilePath));
    }

    [Fact]
    public async Task FileCannotBeWritten_ReportedOnceInTheBufferAndOutputStillRecorded()
    {
        // A folder where the file should be: every open fails.
        var path = _dir.File("blocked.log");
        Directory.CreateDirectory(path);
        await using var log = Create(file: path);

        await log.PumpAsync(Bytes("a\nb\nc\n"), LogStream.Stdout).WaitAsync(TestTimeouts.Unexpected);
        await log.PumpAsync(Bytes("d\n"), LogStream.Stdout).WaitAsync(TestTimeouts.Unexpected);

        var entries = log.Buffer.Read(100).Entries;
        Assert.Equal(["a", "b", "c", "d"], entries.Where(e => e.Stream == LogStream.Stdout).Select(e => e.Text));
        var report = Assert.Single(entries, e => e.Stream == LogStream.Sidecar);
        Assert.Contains("cannot be written", report.Text);
    }

    [Fact]
    public async Task PumpAsync_StreamThrows_EndsLikeEndOfStreamWithASidecarLineSayingWhy()
    {
        await using var log = Create();

        await log.PumpAsync(new ThrowingStream("kept\npartial"), LogStream.Stderr).WaitAsync(TestTimeouts.Unexpected);

        Assert.Equal(
            [(LogStream.Stderr, "kept"), (LogStream.Sidecar, "reading stderr failed: InvalidOperationException: pipe broke"), (LogStream.Stderr, "partial")],
            log.Buffer.Read(10).Entries.Select(e => (e.Stream, e.Text)));
    }

    /// <summary>Returns its text on the first read, then throws.</summary>
    private sealed class ThrowingStream(string text) : Stream
    {
        private byte[]? _data = Encoding.UTF8.GetBytes(text);

        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => false;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

        public override int Read(byte[] buffer, int offset, int count)
        {
            var data = _data ?? throw new InvalidOperationException("pipe broke");
            _data = null;
            data.CopyTo(buffer, offset);
            return data.Length;
        }

        public override void Flush() => throw new NotSupportedException();
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }

    [Fact]
    public async Task Constructor_NoFileConfigured_OneFilePerBackendInThePrivateFolder()
    {
        await using var log = new BackendLog("my/api", new LogOptions(), _time);

        Assert.Equal(Path.Combine(Core.State.SidecarFolders.ForConfig(null), "my_api.log"), log.FilePath);
        Assert.Equal(new LogOptions().BufferLines, log.Buffer.Capacity);
    }

    [Fact]
    public async Task PumpAsync_SeveralRuns_SeqKeepsCountingAcrossRestarts()
    {
        await using var log = Create();

        await log.PumpAsync(Bytes("run 1\n"), LogStream.Stdout).WaitAsync(TestTimeouts.Unexpected);
        log.WriteSidecarLine("restarting");
        await log.FlushAsync().WaitAsync(TestTimeouts.Unexpected);
        await log.PumpAsync(Bytes("run 2\n"), LogStream.Stdout).WaitAsync(TestTimeouts.Unexpected);

        Assert.Equal([(1L, "run 1"), (2L, "restarting"), (3L, "run 2")], log.Buffer.Read(10).Entries.Select(e => (e.Seq, e.Text)));
        Assert.Equal(["stdout run 1", "sidecar restarting", "stdout run 2"], FileTexts(log.FilePath));
    }
}
