using System.Globalization;
using System.IO.Pipes;
using System.Text;
using BackendSidecar.Core.Configuration;
using BackendSidecar.Core.Logging;
using BackendSidecar.Testing;

namespace BackendSidecar.Core.Tests.Logging;

/// <summary>What one backend's output may cost the sidecar: bounded memory, no thread while idle, and no secret leaked by a cut.</summary>
[Collection(ThreadCountCollection.Name)]
public sealed class BackendLogBoundsTests : IDisposable
{
    private const int Max = LineSplitter.DefaultMaxLineBytes;
    private const string Secret = "hunter2-topsecret";

    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    private BackendLog Create(string name = "api", int bufferLines = 100) =>
        new(name, new LogOptions { File = _dir.File(name + ".log"), BufferLines = bufferLines, MaxBytes = 1L << 32 }, TimeProvider.System);

    private static MemoryStream Bytes(string text) => new(Encoding.UTF8.GetBytes(text));

    [Theory]
    [InlineData(1)]
    [InlineData(3)]
    [InlineData(9)]
    [InlineData(16)]
    public async Task SecretStraddlingTheLineCut_MaskedInBufferAndFile(int bytesBeforeTheCut)
    {
        await using var log = Create();
        log.SetSecrets([Secret]);
        var head = new string('a', Max - bytesBeforeTheCut);

        await log.PumpAsync(Bytes(head + Secret + "bbb\n"), LogStream.Stdout).WaitAsync(TestTimeouts.Unexpected);

        var entries = log.Buffer.LastLines(10);
        Assert.True(entries.Count >= 2, "the line was cut");
        Assert.Equal(head + "***bbb", string.Concat(entries));
        var file = await File.ReadAllTextAsync(log.FilePath);
        Assert.DoesNotContain("hunter", file, StringComparison.Ordinal);
        Assert.DoesNotContain("secret", file, StringComparison.Ordinal);
        Assert.DoesNotContain("r2-top", file, StringComparison.Ordinal);
    }

    [Fact]
    public async Task SecretAcrossACutInTheMiddleOfAnEndlessLine_Masked()
    {
        await using var log = Create();
        log.SetSecrets([Secret, "other"]);
        var head = new string('a', 2 * Max - 5);
        var tail = new string('c', Max + 10);

        await log.PumpAsync(Bytes(head + Secret + tail), LogStream.Stdout).WaitAsync(TestTimeouts.Unexpected);

        var entries = log.Buffer.LastLines(10);
        Assert.Equal(head + "***" + tail, string.Concat(entries));
        Assert.All(entries, e => Assert.True(e.Length <= Max + Secret.Length, $"an entry of {e.Length} chars"));
    }

    // Writes argv[1] MiB of 'x' with no newline, with raw os.write calls of 1 MiB.
    private const string EndlessLineScript = """
        import os, sys
        chunk = b"x" * (1 << 20)
        for _ in range(int(sys.argv[1])):
            view = memoryview(chunk)
            while view:
                view = view[os.write(1, view):]
        """;

    [Fact]
    public async Task PumpAsync_Child200MBWithoutNewline_QueueStaysBoundedAndTheFileGetsEveryByte()
    {
        const int megabytes = 200;
        await using var log = Create("flood", bufferLines: 5000);

        // A stalled recorder (slow disk, slow subscriber) until the child is done or the queue has no room for another read.
        using var release = new ManualResetEventSlim();
        using (var stall = log.Buffer.Subscribe(_ => release.Wait(TestTimeouts.Unexpected)))
        {
            using var child = PythonChild.Start(EndlessLineScript, megabytes.ToString(CultureInfo.InvariantCulture));
            var pumps = Task.WhenAll(log.PumpAsync(child.Stdout, LogStream.Stdout), log.PumpAsync(child.Stderr, LogStream.Stderr));
            try
            {
                for (var i = 0; i < 4000 && !child.Process.HasExited && log.QueuedBytes <= BackendLog.MaxQueuedBytes - 64 * 1024; i++)
                    await Task.Delay(5);
            }
            finally
            {
                stall.Dispose();
                release.Set();
            }

            Assert.Equal(0, await child.WaitForExitAsync());
            await pumps.WaitAsync(TestTimeouts.Unexpected);
        }

        Assert.True(log.PeakQueuedBytes <= BackendLog.MaxQueuedBytes + 64 * 1024,
            $"the queue held {log.PeakQueuedBytes / (1024 * 1024)} MiB at its peak");
        long recorded = 0;
        foreach (var line in File.ReadLines(log.FilePath))
        {
            if (line.AsSpan(25).StartsWith("stdout ")) recorded += line.Length - 32;
        }
        Assert.Equal((long)megabytes << 20, recorded);
    }

    [Fact]
    public async Task ManyIdleLogs_CostNoThread()
    {
        var before = ThreadCountCollection.Threads();
        var logs = Enumerable.Range(0, 200).Select(i => Create($"idle{i}")).ToList();
        var after = ThreadCountCollection.Threads();
        foreach (var log in logs) await log.DisposeAsync();

        Assert.True(after - before < 20, $"200 idle logs took {after - before} threads");
    }

    [Fact]
    public async Task ManyLogsDrainingQuietPipes_FewThreads()
    {
        var logs = new List<BackendLog>();
        var pipes = new List<(AnonymousPipeServerStream Writer, AnonymousPipeClientStream Reader)>();
        var pumps = new List<Task>();
        var before = ThreadCountCollection.Threads();
        try
        {
            for (var i = 0; i < 50; i++)
            {
                var log = Create($"quiet{i}");
                logs.Add(log);
                foreach (var stream in (LogStream[])[LogStream.Stdout, LogStream.Stderr])
                {
                    var writer = new AnonymousPipeServerStream(PipeDirection.Out);
                    var reader = new AnonymousPipeClientStream(PipeDirection.In, writer.ClientSafePipeHandle);
                    pipes.Add((writer, reader));
                    pumps.Add(log.PumpAsync(reader, stream));
                    writer.Write("hello\n"u8);
                }
            }

            foreach (var log in logs)
            {
                for (var i = 0; i < 2000 && log.Buffer.NextSeq < 3; i++) await Task.Delay(5);
                Assert.Equal(3, log.Buffer.NextSeq);
            }
            var after = ThreadCountCollection.Threads();

            Assert.True(after - before < 30, $"50 logs draining 100 quiet pipes took {after - before} threads");
        }
        finally
        {
            foreach (var (writer, _) in pipes) writer.Dispose();
            await Task.WhenAll(pumps).WaitAsync(TestTimeouts.Unexpected);
            foreach (var (_, reader) in pipes) reader.Dispose();
            foreach (var log in logs) await log.DisposeAsync();
        }
    }
}

/// <summary>Tests that count the process's threads run alone: other tests' threads would blur the count.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class ThreadCountCollection
{
    public const string Name = "thread count";

    /// <summary>The threads of this process now, from /proc/self/status.</summary>
    public static int Threads() =>
        int.Parse(File.ReadLines("/proc/self/status").First(l => l.StartsWith("Threads:", StringComparison.Ordinal))[8..].Trim(),
            CultureInfo.InvariantCulture);
}
