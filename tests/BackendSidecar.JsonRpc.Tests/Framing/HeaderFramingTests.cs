using System.Text;
using BackendSidecar.JsonRpc.Framing;
using BackendSidecar.JsonRpc.Tests.Support;

namespace BackendSidecar.JsonRpc.Tests.Framing;

public class HeaderFramingTests
{
    private static string Frame(string body) => $"Content-Length: {Encoding.UTF8.GetByteCount(body)}\r\n\r\n{body}";

    [Fact]
    public async Task ReadAsync_ContentTypeAndAnyCaseOfNames_AreAccepted()
    {
        await using var h = new FramingHarness(FramingKind.Header);
        await h.WriteAsync("content-length: 7\r\nContent-Type: application/vscode-jsonrpc; charset=utf-8\r\n\r\n{\"a\":1}");
        await h.WriteAsync("Content-Type: application/json\r\nCONTENT-LENGTH:2\r\nX-Other: y\r\n\r\n[]");

        Assert.Equal("{\"a\":1}", await h.ReadMessageAsync());
        Assert.Equal("[]", await h.ReadMessageAsync());
    }

    [Fact]
    public async Task ReadAsync_PipelinedFramesInOneWrite_ReturnsAllWithoutWaitingForMoreInput()
    {
        await using var h = new FramingHarness(FramingKind.Header);
        await h.WriteAsync(Frame("{\"n\":1}") + Frame("{\"n\":22}") + Frame("{\"n\":\"é\"}"));

        Assert.Equal("{\"n\":1}", await h.ReadMessageAsync());
        Assert.Equal("{\"n\":22}", await h.ReadMessageAsync());
        Assert.Equal("{\"n\":\"é\"}", await h.ReadMessageAsync());
    }

    [Fact]
    public async Task ReadAsync_FrameSplitAcrossManySmallWrites_ReassemblesIt()
    {
        await using var h = new FramingHarness(FramingKind.Header);
        var body = "{\"text\":\"" + new string('y', 70_000) + "\"}";
        var writing = h.WriteInPiecesAsync(Frame(body) + Frame("{}"), pieceSize: 3);

        Assert.Equal(body, await h.ReadMessageAsync());
        Assert.Equal("{}", await h.ReadMessageAsync());
        await writing;
    }

    [Fact]
    public async Task ReadAsync_BareLineFeedsAndBlankLinesBetweenFrames_AreTolerated()
    {
        await using var h = new FramingHarness(FramingKind.Header);
        await h.WriteAsync("Content-Length: 2\n\n{}\r\n\r\nContent-Length: 2\r\n\r\n[]");

        Assert.Equal("{}", await h.ReadMessageAsync());
        Assert.Equal("[]", await h.ReadMessageAsync());
    }

    [Fact]
    public async Task ReadAsync_CleanEndBetweenFrames_ReturnsNull()
    {
        await using var h = new FramingHarness(FramingKind.Header);
        await h.WriteAsync(Frame("{}"));
        await h.Input.Writer.CompleteAsync();

        Assert.Equal("{}", await h.ReadMessageAsync());
        Assert.Null(await h.ReadAsync());
    }

    [Theory]
    [InlineData("Content-Length: 10\r\n\r\n{\"a\":")]
    [InlineData("Content-Length: 10\r\n")]
    [InlineData("Content-Len")]
    public async Task ReadAsync_InputEndsInsideFrame_ReturnsTruncated(string input)
    {
        await using var h = new FramingHarness(FramingKind.Header);
        await h.WriteAsync(input);
        await h.Input.Writer.CompleteAsync();

        Assert.Equal(FrameStatus.Truncated, (await h.ReadAsync())!.Status);
        Assert.Null(await h.ReadAsync());
    }

    [Theory]
    [InlineData("Content-Length: -5\r\n\r\n", "non-negative integer")]
    [InlineData("Content-Length: abc\r\n\r\n", "non-negative integer")]
    [InlineData("Content-Length: +5\r\n\r\n", "non-negative integer")]
    [InlineData("Content-Length: 1 2\r\n\r\n", "non-negative integer")]
    [InlineData("Content-Length: \r\n\r\n", "non-negative integer")]
    [InlineData("Content-Length: 99999999999999999999999\r\n\r\n", "too large")]
    [InlineData("Content-Type: application/json\r\n\r\n{}", "missing Content-Length")]
    [InlineData("Content-Length: 2\r\nContent-Length: 2\r\n\r\n{}", "duplicate")]
    [InlineData("garbage line\r\n\r\n", "malformed header")]
    public async Task ReadAsync_BadHeader_ReturnsInvalidAndThenNothing(string input, string expected)
    {
        await using var h = new FramingHarness(FramingKind.Header);
        await h.WriteAsync(input + Frame("{}"));

        var frame = await h.ReadAsync();
        Assert.Equal(FrameStatus.Invalid, frame!.Status);
        Assert.False(frame.CanContinue);
        Assert.Contains(expected, frame.Error);
        Assert.Null(await h.ReadAsync());
    }

    [Fact]
    public async Task ReadAsync_HeaderBlockThatNeverEnds_ReturnsInvalidWithoutWaitingForItsEnd()
    {
        await using var h = new FramingHarness(FramingKind.Header, new MessageFramingOptions { MaxHeaderBytes = 1024 });

        // Input stays open and never sends the blank line: the framing must give up by itself.
        var writing = Task.Run(async () =>
        {
            await h.WriteAsync("Content-Length: 2\r\n");
            for (var i = 0; i < 200; i++)
            {
                await h.WriteAsync($"X-Filler-{i}: {new string('f', 50)}\r\n");
            }
        });

        var frame = await h.ReadAsync();
        Assert.Equal(FrameStatus.Invalid, frame!.Status);
        Assert.Contains("exceeds 1024 bytes", frame.Error);
        await writing;
    }

    [Fact]
    public async Task ReadAsync_HeaderLineWithoutLineEnd_ReturnsInvalidOnceOverTheLimit()
    {
        await using var h = new FramingHarness(FramingKind.Header, new MessageFramingOptions { MaxHeaderBytes = 1024 });
        await h.WriteAsync("Content-Length: " + new string('1', 5000));

        Assert.Equal(FrameStatus.Invalid, (await h.ReadAsync())!.Status);
    }

    [Fact]
    public async Task ReadAsync_OversizeBody_ReportsTooLargeSkipsItAndReadsNextFrame()
    {
        await using var h = new FramingHarness(FramingKind.Header, new MessageFramingOptions { MaxMessageBytes = 100 });
        var big = "{\"big\":\"" + new string('x', 300_000) + "\"}";
        var writing = h.WriteInPiecesAsync(Frame(big) + Frame("{\"next\":1}"), pieceSize: 4096);

        var refused = await h.ReadAsync();
        Assert.Equal(FrameStatus.TooLarge, refused!.Status);
        Assert.Contains("exceeds the limit of 100 bytes", refused.Error);
        Assert.Equal("{\"next\":1}", await h.ReadMessageAsync());
        await writing;
    }

    [Fact]
    public async Task ReadAsync_InputEndsInsideRefusedBody_ReturnsTruncated()
    {
        await using var h = new FramingHarness(FramingKind.Header, new MessageFramingOptions { MaxMessageBytes = 10 });
        await h.WriteAsync("Content-Length: 1000\r\n\r\n" + new string('x', 50));
        await h.Input.Writer.CompleteAsync();

        Assert.Equal(FrameStatus.TooLarge, (await h.ReadAsync())!.Status);
        Assert.Equal(FrameStatus.Truncated, (await h.ReadAsync())!.Status);
    }

    [Fact]
    public async Task ReadAsync_ZeroLengthBody_ReturnsEmptyMessage()
    {
        await using var h = new FramingHarness(FramingKind.Header);
        await h.WriteAsync("Content-Length: 0\r\n\r\n" + Frame("{}"));

        Assert.Equal("", await h.ReadMessageAsync());
        Assert.Equal("{}", await h.ReadMessageAsync());
    }

    [Fact]
    public async Task WriteAsync_Message_WritesContentLengthHeaderAndBody()
    {
        await using var h = new FramingHarness(FramingKind.Header);
        await h.Framing.WriteAsync("{\"é\":1}"u8.ToArray(), CancellationToken.None);
        await h.Output.Writer.CompleteAsync();

        var result = await h.Output.Reader.ReadAsync();
        Assert.Equal("Content-Length: 8\r\n\r\n{\"é\":1}", Encoding.UTF8.GetString(result.Buffer));
    }
}
