using BackendSidecar.JsonRpc.Framing;
using BackendSidecar.JsonRpc.Tests.Support;

namespace BackendSidecar.JsonRpc.Tests.Session;

/// <summary>Framing picked from the first byte, both framings both ways, and what ends or breaks them.</summary>
public class FramingTests
{
    [Theory]
    [InlineData(FramingKind.Header)]
    [InlineData(FramingKind.Ndjson)]
    public async Task FirstByte_PicksTheFraming_AndAnswersComeBackInIt(FramingKind kind)
    {
        await using var h = SessionHarness.Start(kind);

        await h.SendRawAsync("\r\n  ");
        var reply = await h.CallAsync(Json.Request(1, "ping"));

        Assert.Equal("pong", WireAssert.IsResult(reply, "1").GetString());
        Assert.Equal(kind, h.Handler.Framing);
    }

    [Fact]
    public async Task Ndjson_LastLineWithoutNewline_IsAnsweredAtEndOfInput()
    {
        await using var h = SessionHarness.Start(FramingKind.Ndjson);

        await h.SendRawAsync(Json.Request(1, "ping") + "\r\n\n" + Json.Request(2, "ping"));
        await h.EndInputAsync();

        WireAssert.IsResult(await h.Output.ReadAsync(), "1");
        WireAssert.IsResult(await h.Output.ReadAsync(), "2");
    }

    [Fact]
    public async Task Header_OtherHeadersAreAccepted()
    {
        await using var h = SessionHarness.Start(FramingKind.Header);
        var body = Json.Request(1, "ping");

        await h.SendRawAsync($"Content-Type: application/vscode-jsonrpc; charset=utf-8\r\ncontent-length: {body.Length}\r\n\r\n{body}");

        WireAssert.IsResult(await h.Output.ReadAsync(), "1");
    }

    [Theory]
    [InlineData("Content-Length: many\r\n\r\n{}")]
    [InlineData("Content-Type: x\r\n\r\n{}")]
    [InlineData("Content-Length: 2\r\nContent-Length: 2\r\n\r\n{}")]
    public async Task Header_Unreadable_AnswersParseErrorAndEndsInput(string input)
    {
        await using var h = SessionHarness.Start(FramingKind.Header);

        await h.SendRawAsync(input);

        WireAssert.IsError(await h.Output.ReadAsync(), -32700);
        await h.Handler.InputEnded.WaitAsync(BackendSidecar.Testing.TestTimeouts.Unexpected);
    }

    [Fact]
    public void HeaderBlock_WithoutItsBlankLine_NeedsMoreData()
    {
        var (_, error, complete) = HeaderFrameReader.ParseHeaderBlock(new("Content-Length: 2\r\n"u8.ToArray()), out _);

        Assert.Null(error);
        Assert.False(complete);
    }
}
