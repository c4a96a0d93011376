using System.Text;
using BackendSidecar.JsonRpc.Framing;
using BackendSidecar.JsonRpc.Tests.Support;
using BackendSidecar.Testing;

namespace BackendSidecar.JsonRpc.Tests.Framing;

public class NewlineFramingTests
{
    [Fact]
    public async Task ReadAsync_MixedLineEndingsAndBlankLines_ReturnsEachMessageOnce()
    {
        await using var h = new FramingHarness(FramingKind.Ndjson);
        await h.WriteAsync("{\"a\":1}\r\n\n   \r\n\t\n{\"b\":2}\n\r\n{\"c\":3}\r\n");
        await h.Input.Writer.CompleteAsync();

        Assert.Equal("{\"a\":1}", await h.ReadMessageAsync());
        Assert.Equal("{\"b\":2}", await h.ReadMessageAsync());
        Assert.Equal("{\"c\":3}", await h.ReadMessageAsync());
        Assert.Null(await h.ReadAsync());
    }

    [Fact]
    public async Task ReadAsync_PipelinedLinesInOneWrite_ReturnsAllWithoutWaitingForMoreInput()
    {
        await using var h = new FramingHarness(FramingKind.Ndjson);
        await h.WriteAsync("{\"n\":1}\n{\"n\":2}\n{\"n\":3}\n");

        // Input stays open: each read must be served from what is already buffered.
        Assert.Equal("{\"n\":1}", await h.ReadMessageAsync());
        Assert.Equal("{\"n\":2}", await h.ReadMessageAsync());
        Assert.Equal("{\"n\":3}", await h.ReadMessageAsync());
    }

    [Fact]
    public async Task ReadAsync_MessageSplitAcrossManySmallWrites_ReassemblesIt()
    {
        await using var h = new FramingHarness(FramingKind.Ndjson);
        var message = "{\"text\":\"" + new string('x', 5000) + "\"}";
        var writing = h.WriteInPiecesAsync(message + "\r\n" + message + "\n", pieceSize: 7);

        Assert.Equal(message, await h.ReadMessageAsync());
        Assert.Equal(message, await h.ReadMessageAsync());
        await writing;
    }

    [Fact]
    public async Task ReadAsync_LastLineWithoutNewline_IsStillAMessage()
    {
        await using var h = new FramingHarness(FramingKind.Ndjson);
        await h.WriteAsync("{\"a\":1}\n{\"b\":2}\r");
        await h.Input.Writer.CompleteAsync();

        Assert.Equal("{\"a\":1}", await h.ReadMessageAsync());
        Assert.Equal("{\"b\":2}", await h.ReadMessageAsync());
        Assert.Null(await h.ReadAsync());
    }

    [Fact]
    public async Task ReadAsync_OnlyWhitespaceThenEnd_ReturnsNull()
    {
        await using var h = new FramingHarness(FramingKind.Ndjson);
        await h.WriteAsync("\n\r\n  ");
        await h.Input.Writer.CompleteAsync();

        Assert.Null(await h.ReadAsync());
    }

    [Fact]
    public async Task ReadAsync_OversizeLineStreamedInPieces_ReportsTooLargeThenReadsNextLine()
    {
        await using var h = new FramingHarness(FramingKind.Ndjson, new MessageFramingOptions { MaxMessageBytes = 100 });
        var writing = h.WriteInPiecesAsync("{\"big\":\"" + new string('x', 100_000) + "\"}\n{\"next\":true}\n", pieceSize: 1000);

        var refused = await h.ReadAsync();
        Assert.Equal(FrameStatus.TooLarge, refused!.Status);
        Assert.True(refused.CanContinue);
        Assert.Equal("{\"next\":true}", await h.ReadMessageAsync());
        await writing;
    }

    [Fact]
    public async Task ReadAsync_OversizeCompleteLine_ReportsTooLargeThenReadsNextLine()
    {
        await using var h = new FramingHarness(FramingKind.Ndjson, new MessageFramingOptions { MaxMessageBytes = 10 });
        await h.WriteAsync("{\"a\":\"0123456789\"}\n{}\n");

        Assert.Equal(FrameStatus.TooLarge, (await h.ReadAsync())!.Status);
        Assert.Equal("{}", await h.ReadMessageAsync());
    }

    [Fact]
    public async Task ReadAsync_MessageExactlyAtLimit_IsAccepted()
    {
        await using var h = new FramingHarness(FramingKind.Ndjson, new MessageFramingOptions { MaxMessageBytes = 9 });
        await h.WriteAsync("{\"a\":123}\n");

        Assert.Equal("{\"a\":123}", await h.ReadMessageAsync());
    }

    [Fact]
    public async Task WriteAsync_ConcurrentWriters_EveryLineIsOneWholeMessage()
    {
        await using var h = new FramingHarness(FramingKind.Ndjson);
        var collector = new OutputCollector(h.Output.Reader, FramingKind.Ndjson);
        var messages = Enumerable.Range(0, 500).Select(i => $"{{\"n\":{i},\"pad\":\"{new string('p', i * 37 % 3000)}\"}}").ToArray();

        await Task.WhenAll(messages.Select(m => Task.Run(async () => await h.Framing.WriteAsync(Encoding.UTF8.GetBytes(m), CancellationToken.None))));
        await h.Output.Writer.CompleteAsync();

        var written = await collector.ReadToEndAsync();
        Assert.Empty(collector.Violations);
        Assert.Equal(messages.Order(), written.Order());
    }

    [Fact]
    public async Task WriteAsync_MessageWithLineBreak_IsRefused()
    {
        await using var h = new FramingHarness(FramingKind.Ndjson);

        await Assert.ThrowsAsync<ArgumentException>(async () =>
            await h.Framing.WriteAsync("{\n}"u8.ToArray(), CancellationToken.None));
    }

    [Fact]
    public async Task WriteAsync_ReaderOfOutputGone_ThrowsIOException()
    {
        await using var h = new FramingHarness(FramingKind.Ndjson);
        await h.Output.Reader.CompleteAsync();

        await Assert.ThrowsAsync<IOException>(async () => await h.Framing.WriteAsync("{}"u8.ToArray(), CancellationToken.None).AsTask().WaitAsync(TestTimeouts.Unexpected));
    }
}
