using System.Diagnostics;
using BackendSidecar.Core.Platform.Posix;
using BackendSidecar.Testing;

namespace BackendSidecar.Core.Tests.Platform;

/// <summary>The POSIX platform's runner of lsof and ps (CliWrap), on real tools: any failure is null, never an exception.</summary>
public sealed class ShortCommandTests
{
    [Fact]
    public async Task RunAsync_ToolPrints_ReturnsItsStdoutWhateverItsExitCode()
    {
        Assert.Equal("one\n", await ShortCommand.RunAsync("sh", ["-c", "echo one; exit 1"]));
    }

    [Fact]
    public async Task RunAsync_InTheCLocale()
    {
        Assert.Equal("C\n", await ShortCommand.RunAsync("sh", ["-c", "echo $LC_ALL"]));
    }

    [Fact]
    public async Task RunAsync_MissingTool_IsNull()
    {
        Assert.Null(await ShortCommand.RunAsync("no-such-tool-" + Guid.NewGuid().ToString("N"), []));
    }

    [Fact]
    public async Task RunAsync_PastItsTimeout_IsNull_AndTheToolIsKilled()
    {
        // A duration of its own, so that the sleeper can be told from any other.
        var seconds = "29." + Random.Shared.Next(100_000, 1_000_000).ToString(System.Globalization.CultureInfo.InvariantCulture);
        var watch = Stopwatch.StartNew();

        var output = await ShortCommand.RunAsync("sleep", [seconds], timeout: TimeSpan.FromMilliseconds(300))
            .AsTask().WaitAsync(TestTimeouts.Unexpected);

        Assert.Null(output);
        Assert.True(watch.Elapsed >= TimeSpan.FromMilliseconds(250) && watch.Elapsed < TimeSpan.FromSeconds(10), $"took {watch.Elapsed}");
        Assert.Equal("", await ShortCommand.RunAsync("pgrep", ["-f", "sleep " + seconds])); // no sleeper left
    }

    [Fact]
    public async Task RunAsync_CancelledByTheCaller_IsNull()
    {
        using var cancel = new CancellationTokenSource(TimeSpan.FromMilliseconds(200));

        Assert.Null(await ShortCommand.RunAsync("sleep", ["30"], cancel.Token).AsTask().WaitAsync(TestTimeouts.Unexpected));
    }

    [Fact]
    public async Task RunAsync_OutputPastTheCap_IsNull()
    {
        // 5 MiB of output against the 4 MiB cap: drained to the end, kept no further than the cap.
        var output = await ShortCommand.RunAsync("sh", ["-c", "head -c 5242880 /dev/zero"], timeout: TimeSpan.FromSeconds(20))
            .AsTask().WaitAsync(TestTimeouts.Unexpected);

        Assert.Null(output);
    }

    [Fact]
    public async Task CappedOutput_KeepsUpToTheCap()
    {
        var within = new ShortCommand.CappedOutput(4);
        await within.CopyFromAsync(new MemoryStream("abcd"u8.ToArray()));
        var past = new ShortCommand.CappedOutput(4);
        await past.CopyFromAsync(new MemoryStream("abcde"u8.ToArray()));

        Assert.Equal("abcd", within.Text);
        Assert.Null(past.Text);
    }
}
