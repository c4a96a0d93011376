using System.Text;
using BackendSidecar.Core.Logging;

namespace BackendSidecar.Core.Tests.Logging;

public class RotatingLogFileTests
{
    private static readonly DateTimeOffset T0 = new(2024, 5, 1, 12, 34, 56, 789, TimeSpan.Zero);

    // "2024-05-01T12:34:56.789Z stdout " is 32 bytes; with a 9-byte text and the newline a line is 42 bytes.
    private const int LineBytes = 42;

    private static string Text(int i) => $"line {i:D4}";

    [Fact]
    public void Write_Lines_TimeStreamTextInUtf8()
    {
        using var dir = new TempDirectory();
        var path = dir.File("api.log");
        using (var file = new RotatingLogFile(path, 1 << 20, 3))
        {
            file.Write(T0, LogStream.Stdout, "hello");
            file.Write(new LogEntry(7, T0.ToOffset(TimeSpan.FromHours(2)), LogStream.Stderr, "grüße"));
            file.Write(T0.AddMilliseconds(1), LogStream.Sidecar, "started pid 42");
        }

        var bytes = File.ReadAllBytes(path);
        Assert.Equal(
            "2024-05-01T12:34:56.789Z stdout hello\n" +
            "2024-05-01T12:34:56.789Z stderr grüße\n" +
            "2024-05-01T12:34:56.790Z sidecar started pid 42\n",
            new UTF8Encoding(false, true).GetString(bytes));
        Assert.NotEqual(0xEF, bytes[0]);
    }

    [Fact]
    public void Write_TextWithNewline_StaysOneLine()
    {
        using var dir = new TempDirectory();
        var path = dir.File("x.log");
        using (var file = new RotatingLogFile(path, 1 << 20, 1))
        {
            file.Write(T0, LogStream.Sidecar, "two\nlines");
        }

        Assert.Equal(["2024-05-01T12:34:56.789Z sidecar two\\nlines"], File.ReadAllLines(path));
    }

    [Fact]
    public void Write_MissingFolder_Created()
    {
        using var dir = new TempDirectory();
        var path = Path.Combine(dir.Path, "a", "b", "x.log");
        using (var file = new RotatingLogFile(path, 1 << 20, 1))
        {
            file.Write(T0, LogStream.Stdout, "x");
        }

        Assert.Single(File.ReadAllLines(path));
    }

    [Fact]
    public void Flush_AfterWrite_LinesVisibleToReadersWhileOpen()
    {
        using var dir = new TempDirectory();
        var path = dir.File("x.log");
        using var file = new RotatingLogFile(path, 1 << 20, 1);

        file.Write(T0, LogStream.Stdout, "x");
        file.Flush();

        using var reader = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
        Assert.Equal(LineBytes - 8, reader.Length);
    }

    [Fact]
    public void Write_WouldExceedMaxBytes_RenamesToDotOneAndStartsANewFile()
    {
        using var dir = new TempDirectory();
        var path = dir.File("api.log");
        using (var file = new RotatingLogFile(path, maxBytes: 3 * LineBytes, keepFiles: 3))
        {
            for (var i = 0; i < 4; i++)
            {
                file.Write(T0, LogStream.Stdout, Text(i));
            }
        }

        Assert.Equal(3 * LineBytes, new FileInfo(path + ".1").Length);
        Assert.Equal([Text(0), Text(1), Text(2)], File.ReadAllLines(path + ".1").Select(l => l[32..]));
        Assert.Equal([Text(3)], File.ReadAllLines(path).Select(l => l[32..]));
        Assert.False(File.Exists(path + ".2"));
    }

    [Fact]
    public void Write_ManyRotations_KeepsNewestKeepFilesAndDeletesOlder()
    {
        using var dir = new TempDirectory();
        var path = dir.File("api.log");
        using (var file = new RotatingLogFile(path, maxBytes: 2 * LineBytes, keepFiles: 2))
        {
            for (var i = 0; i < 10; i++)
            {
                file.Write(T0, LogStream.Stdout, Text(i));
            }
        }

        Assert.Equal([Text(8), Text(9)], File.ReadAllLines(path).Select(l => l[32..]));
        Assert.Equal([Text(6), Text(7)], File.ReadAllLines(path + ".1").Select(l => l[32..]));
        Assert.Equal([Text(4), Text(5)], File.ReadAllLines(path + ".2").Select(l => l[32..]));
        Assert.False(File.Exists(path + ".3"));
        Assert.Equal(3, Directory.GetFiles(dir.Path).Length);
    }

    [Fact]
    public void Write_KeepFilesZero_OnlyTheCurrentFile()
    {
        using var dir = new TempDirectory();
        var path = dir.File("api.log");
        using (var file = new RotatingLogFile(path, maxBytes: 2 * LineBytes, keepFiles: 0))
        {
            for (var i = 0; i < 5; i++)
            {
                file.Write(T0, LogStream.Stdout, Text(i));
            }
        }

        Assert.Equal([Text(4)], File.ReadAllLines(path).Select(l => l[32..]));
        Assert.Single(Directory.GetFiles(dir.Path));
    }

    [Fact]
    public void Write_LineLargerThanMaxBytes_WrittenAloneInItsFile()
    {
        using var dir = new TempDirectory();
        var path = dir.File("api.log");
        var big = new string('b', 200_000);
        using (var file = new RotatingLogFile(path, maxBytes: 1000, keepFiles: 3))
        {
            file.Write(T0, LogStream.Stdout, "before");
            file.Write(T0, LogStream.Stdout, big);
            file.Write(T0, LogStream.Stdout, "after");
        }

        Assert.Equal(["before"], File.ReadAllLines(path + ".2").Select(l => l[32..]));
        Assert.Equal([big], File.ReadAllLines(path + ".1").Select(l => l[32..]));
        Assert.Equal(["after"], File.ReadAllLines(path).Select(l => l[32..]));
    }

    [Fact]
    public void Write_ExistingFile_AppendsAndCountsItsSize()
    {
        using var dir = new TempDirectory();
        var path = dir.File("api.log");
        using (var file = new RotatingLogFile(path, maxBytes: 2 * LineBytes, keepFiles: 1))
        {
            file.Write(T0, LogStream.Stdout, Text(0));
        }

        using (var file = new RotatingLogFile(path, maxBytes: 2 * LineBytes, keepFiles: 1))
        {
            file.Write(T0, LogStream.Stdout, Text(1));
            file.Write(T0, LogStream.Stdout, Text(2));
        }

        Assert.Equal([Text(0), Text(1)], File.ReadAllLines(path + ".1").Select(l => l[32..]));
        Assert.Equal([Text(2)], File.ReadAllLines(path).Select(l => l[32..]));
    }

    [Fact]
    public void Write_ConcurrentThreadsWithRotation_EveryLineWholeAndOnce()
    {
        using var dir = new TempDirectory();
        var path = dir.File("api.log");
        const int threads = 4, perThread = 2000;
        using (var file = new RotatingLogFile(path, maxBytes: 50_000, keepFiles: 100))
        {
            Parallel.For(0, threads, new ParallelOptions { MaxDegreeOfParallelism = threads }, t =>
            {
                for (var i = 0; i < perThread; i++)
                {
                    file.Write(T0, LogStream.Stdout, $"{t}-{i:D5}");
                }
            });
        }

        var lines = Directory.GetFiles(dir.Path).SelectMany(File.ReadAllLines).ToList();
        Assert.Equal(threads * perThread, lines.Count);
        Assert.All(lines, line => Assert.Matches(@"^2024-05-01T12:34:56\.789Z stdout \d-\d{5}$", line));
        Assert.Equal(threads * perThread, lines.Distinct().Count());
        Assert.All(Directory.GetFiles(dir.Path), f => Assert.True(new FileInfo(f).Length <= 50_000));
    }

    [Fact]
    public void Write_PathIsAFolder_ThrowsIOExceptionAndLaterWritesTryAgain()
    {
        using var dir = new TempDirectory();
        var path = dir.File("taken");
        Directory.CreateDirectory(path);
        using var file = new RotatingLogFile(path, 1000, 1);

        Assert.ThrowsAny<IOException>(() => file.Write(T0, LogStream.Stdout, "x"));

        Directory.Delete(path);
        file.Write(T0, LogStream.Stdout, "y");
        file.Flush();
        Assert.Equal(["y"], File.ReadAllLines(path).Select(l => l[32..]));
    }
}
