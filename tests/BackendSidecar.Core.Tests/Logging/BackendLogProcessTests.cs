using System.Globalization;
using BackendSidecar.Core.Configuration;
using BackendSidecar.Core.Logging;
using BackendSidecar.Testing;

namespace BackendSidecar.Core.Tests.Logging;

/// <summary>BackendLog draining real child processes (issue 2, item 6: none lost, the child never slowed).</summary>
public class BackendLogProcessTests : IDisposable
{
    private const int FloodLines = 200_000;

    // Writes argv[1] numbered lines of exactly 100 bytes through Python's buffered stdout (8 KiB writes), and its own
    // measured write time, in seconds, into the file argv[2].
    private const string FloodScript = """
        import sys, time
        n = int(sys.argv[1])
        pad = b"x" * 92
        lines = [b"%06d %s\n" % (i, pad) for i in range(n)]
        out = sys.stdout.buffer
        t0 = time.perf_counter()
        for line in lines:
            out.write(line)
        out.flush()
        elapsed = time.perf_counter() - t0
        with open(sys.argv[2], "w") as f:
            f.write(repr(elapsed))
        """;

    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    private static string FloodLine(int i) => $"{i:D6} {new string('x', 92)}";

    private BackendLog Create(int bufferLines = 5000) =>
        new("flood", new LogOptions { File = _dir.File("flood.log"), BufferLines = bufferLines, MaxBytes = 1L << 30 }, TimeProvider.System);

    private static void AssertFileHasEveryFloodLineInOrder(string path)
    {
        var count = 0;
        foreach (var line in File.ReadLines(path))
        {
            // "<24-char time> stdout <text>"
            Assert.Equal(' ', line[24]);
            if (line.AsSpan(25).StartsWith("stdout "))
            {
                var text = line[32..];
                if (text != FloodLine(count))
                {
                    Assert.Fail($"file line {count}: expected {FloodLine(count)[..6]}…, got {text[..Math.Min(20, text.Length)]}…");
                }

                count++;
            }
        }

        Assert.Equal(FloodLines, count);
    }

    [Fact]
    public async Task PumpAsync_Child200000Lines_EveryLineInTheFileInOrderAndTheLastInTheBuffer()
    {
        await using var log = Create();
        using var child = PythonChild.Start(FloodScript, FloodLines.ToString(CultureInfo.InvariantCulture), _dir.File("elapsed"));

        var pumps = Task.WhenAll(log.PumpAsync(child.Stdout, LogStream.Stdout), log.PumpAsync(child.Stderr, LogStream.Stderr));
        Assert.Equal(0, await child.WaitForExitAsync());
        await pumps.WaitAsync(TestTimeouts.Unexpected);

        AssertFileHasEveryFloodLineInOrder(log.FilePath);
        var tail = log.Buffer.Read(5000);
        Assert.True(tail.Truncated);
        Assert.Equal(Enumerable.Range(FloodLines - 5000, 5000).Select(FloodLine), tail.Entries.Select(e => e.Text));
        Assert.Equal(FloodLines + 1, tail.NextSeq);
    }

    [Fact]
    public async Task PumpAsync_RecordingCompletelyStalled_ChildStillWritesEverythingAndNothingIsLost()
    {
        // An observer that blocks the log's writer stands for anything slow downstream (a stalled disk, a slow
        // subscriber). The queue absorbs up to BackendLog.MaxQueuedBytes (32 MiB) of it, so this 20 MB burst is drained
        // without the child ever waiting; past that bound the child would wait (BackendLogBoundsTests).
        await using var log = Create();
        using var release = new ManualResetEventSlim();
        var blocked = 0;
        using var stall = log.Buffer.Subscribe(_ =>
        {
            Interlocked.Exchange(ref blocked, 1);
            release.Wait(TestTimeouts.Unexpected);
        });

        using var child = PythonChild.Start(FloodScript, FloodLines.ToString(CultureInfo.InvariantCulture), _dir.File("elapsed"));
        var pumps = Task.WhenAll(log.PumpAsync(child.Stdout, LogStream.Stdout), log.PumpAsync(child.Stderr, LogStream.Stderr));
        try
        {
            Assert.Equal(0, await child.WaitForExitAsync());

            // The stall was real: when the child had written all 20 MB, the log had recorded at most one line.
            Assert.Equal(1, Volatile.Read(ref blocked));
            Assert.True(log.Buffer.NextSeq <= 2, $"recorded {log.Buffer.NextSeq - 1} lines while stalled");
            Assert.False(pumps.IsCompleted);
        }
        finally
        {
            stall.Dispose();
            release.Set();
        }

        await pumps.WaitAsync(TestTimeouts.Unexpected);
        AssertFileHasEveryFloodLineInOrder(log.FilePath);
    }

    [Fact]
    public async Task PumpAsync_SecretInChildOutput_MaskedInBufferAndFile()
    {
        const string secret = "s3cr3t-V4lue";
        await using var log = Create();
        log.SetSecrets([secret]);
        using var child = PythonChild.Start(
            """
            import sys
            s = sys.argv[1]
            print("token " + s + " accepted", flush=True)
            print("error: " + s, file=sys.stderr, flush=True)
            sys.stdout.write("bye " + s)
            """,
            secret);

        var pumps = Task.WhenAll(log.PumpAsync(child.Stdout, LogStream.Stdout), log.PumpAsync(child.Stderr, LogStream.Stderr));
        await child.WaitForExitAsync();
        await pumps.WaitAsync(TestTimeouts.Unexpected);

        var texts = log.Buffer.Read(100).Entries.Select(e => (e.Stream, e.Text)).ToList();
        Assert.Contains((LogStream.Stdout, "token *** accepted"), texts);
        Assert.Contains((LogStream.Stderr, "error: ***"), texts);
        Assert.Contains((LogStream.Stdout, "bye ***"), texts);
        Assert.DoesNotContain(texts, t => t.Text.Contains(secret));
        Assert.DoesNotContain(secret, File.ReadAllText(log.FilePath));
    }

    [Fact]
    public async Task PumpAsync_ChildEndsWithoutNewline_PartialLastLineRecordedWhenThePumpCompletes()
    {
        await using var log = Create();
        using var child = PythonChild.Start("import sys; sys.stdout.write('first\\nlast without newline'); sys.exit(3)");

        var pump = log.PumpAsync(child.Stdout, LogStream.Stdout);
        var stderr = log.PumpAsync(child.Stderr, LogStream.Stderr);
        Assert.Equal(3, await child.WaitForExitAsync());
        await Task.WhenAll(pump, stderr).WaitAsync(TestTimeouts.Unexpected);

        Assert.Equal(["first", "last without newline"], log.Buffer.LastLines(10, LogStream.Stdout));
        var lines = File.ReadAllLines(log.FilePath);
        Assert.EndsWith(" stdout last without newline", lines[^1]);
        Assert.EndsWith("\n", File.ReadAllText(log.FilePath));
    }
}
