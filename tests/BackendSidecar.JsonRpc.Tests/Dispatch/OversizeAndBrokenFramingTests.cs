using System.Text;
using BackendSidecar.JsonRpc.Dispatch;
using BackendSidecar.JsonRpc.Framing;
using BackendSidecar.JsonRpc.Messages;
using BackendSidecar.JsonRpc.Tests.Support;
using BackendSidecar.Testing;

namespace BackendSidecar.JsonRpc.Tests.Dispatch;

[Collection(MemoryCollection.Name)]
public class OversizeAndBrokenFramingTests
{
    [Fact]
    public async Task Header_OneGibibyteAnnounced_AnsweredAtOnceAndStreamedBodyNeverBuffered()
    {
        const int Max = 64 * 1024;
        const int Streamed = 32 * 1024 * 1024;
        await using var h = ConnectionHarness.Start(FramingKind.Header, framing: new MessageFramingOptions { MaxMessageBytes = Max });
        var chunk = new byte[64 * 1024];
        Array.Fill(chunk, (byte)'x');

        await h.SendRawAsync("Content-Length: 1073741824\r\n\r\n");
        var reply = await h.Output.ReadAsync();
        WireAssert.IsError(reply, JsonRpcErrorCodes.InvalidRequest, "null");
        Assert.Contains("exceeds the limit", WireAssert.Message(reply));

        GC.Collect();
        var allocatedBefore = GC.GetTotalAllocatedBytes(precise: true);
        for (var sent = 0; sent < Streamed; sent += chunk.Length)
        {
            await h.Input.WriteAsync(chunk);
        }

        var allocated = GC.GetTotalAllocatedBytes(precise: true) - allocatedBefore;
        Assert.True(allocated < Streamed / 8, $"streaming {Streamed} refused bytes allocated {allocated} bytes");
        Assert.True(await h.Output.NothingWithinAsync());
        Assert.False(h.Run.IsCompleted);
    }

    [Fact]
    public async Task Header_OversizeMessageFullySent_RefusedThenNextRequestAnswered()
    {
        await using var h = ConnectionHarness.Start(FramingKind.Header, framing: new MessageFramingOptions { MaxMessageBytes = 1000 });

        await h.SendAsync(Json.Request(1, "raw", "{\"pad\":\"" + new string('p', 500_000) + "\"}"));
        WireAssert.IsError(await h.Output.ReadAsync(), JsonRpcErrorCodes.InvalidRequest, "null");
        WireAssert.IsResult(await h.CallAsync(Json.Request(2, "ping")), "2");
    }

    [Fact]
    public async Task Ndjson_OversizeLine_RefusedThenNextLineAnsweredWithoutBufferingIt()
    {
        const int Streamed = 16 * 1024 * 1024;
        await using var h = ConnectionHarness.Start(FramingKind.Ndjson, framing: new MessageFramingOptions { MaxMessageBytes = 64 * 1024 });
        var chunk = new byte[64 * 1024];
        Array.Fill(chunk, (byte)'x');

        await h.SendRawAsync("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"raw\",\"params\":[\"");
        GC.Collect();
        var allocatedBefore = GC.GetTotalAllocatedBytes(precise: true);
        for (var sent = 0; sent < Streamed; sent += chunk.Length)
        {
            await h.Input.WriteAsync(chunk);
        }

        var allocated = GC.GetTotalAllocatedBytes(precise: true) - allocatedBefore;
        WireAssert.IsError(await h.Output.ReadAsync(), JsonRpcErrorCodes.InvalidRequest, "null");
        await h.SendRawAsync("\"]}\n");
        WireAssert.IsResult(await h.CallAsync(Json.Request(2, "ping")), "2");
        Assert.True(allocated < Streamed / 8, $"streaming {Streamed} refused bytes allocated {allocated} bytes");
    }

    [Fact]
    public async Task Header_BlockNeverEnds_AnswersThenEndsWithProtocolViolation()
    {
        await using var h = ConnectionHarness.Start(FramingKind.Header);

        await h.SendRawAsync("Content-Length: 10\r\n");
        for (var i = 0; i < 1000; i++)
        {
            await h.SendRawAsync($"X-Header-{i}: {new string('h', 20)}\r\n");
        }

        Assert.Equal(DisconnectReason.ProtocolViolation, await h.Run.WaitAsync(TestTimeouts.Unexpected));
        var reply = await h.Output.ReadAsync();
        WireAssert.IsError(reply, JsonRpcErrorCodes.ParseError, "null");
        Assert.Contains("header block exceeds", WireAssert.Message(reply));
    }

    [Theory]
    [InlineData("Content-Length: -1\r\n\r\n{}")]
    [InlineData("Content-Length: 18446744073709551616000\r\n\r\n{}")]
    [InlineData("Content-Length: ten\r\n\r\n{}")]
    [InlineData("Content-Type: application/json\r\n\r\n{}")]
    public async Task Header_BadContentLength_AnswersThenEndsWithProtocolViolation(string input)
    {
        await using var h = ConnectionHarness.Start(FramingKind.Header);

        await h.SendRawAsync(input);

        WireAssert.IsError(await h.Output.ReadAsync(), JsonRpcErrorCodes.ParseError, "null");
        Assert.Equal(DisconnectReason.ProtocolViolation, await h.Run.WaitAsync(TestTimeouts.Unexpected));
    }

    [Fact]
    public async Task Header_TruncatedAtEnd_AnswersParseErrorAndEndsWithTruncatedMessage()
    {
        await using var h = ConnectionHarness.Start(FramingKind.Header);

        await h.SendRawAsync("Content-Length: 50\r\n\r\n{\"jsonrpc\"");

        Assert.Equal(DisconnectReason.TruncatedMessage, await h.EndAsync());
        WireAssert.IsError(await h.Output.ReadAsync(), JsonRpcErrorCodes.ParseError, "null");
    }

    [Fact]
    public async Task Ndjson_LastLineWithoutNewline_IsAnsweredBeforeTheEnd()
    {
        await using var h = ConnectionHarness.Start(FramingKind.Ndjson);

        await h.SendRawAsync(Json.Request(1, "ping"));

        Assert.Equal(DisconnectReason.EndOfStream, await h.EndAsync());
        WireAssert.IsResult(await h.Output.ReadAsync(), "1");
    }

    [Fact]
    public async Task Ndjson_CutOffLastLine_AnswersParseErrorAndEndsNormally()
    {
        await using var h = ConnectionHarness.Start(FramingKind.Ndjson);

        await h.SendRawAsync("{\"jsonrpc\":\"2.0\",\"id\":1,\"meth");

        Assert.Equal(DisconnectReason.EndOfStream, await h.EndAsync());
        WireAssert.IsError(await h.Output.ReadAsync(), JsonRpcErrorCodes.ParseError, "null");
    }
}
