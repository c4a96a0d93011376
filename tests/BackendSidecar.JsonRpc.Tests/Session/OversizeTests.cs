using BackendSidecar.JsonRpc.Framing;
using BackendSidecar.JsonRpc.Tests.Support;

namespace BackendSidecar.JsonRpc.Tests.Session;

/// <summary>--max-message-bytes: refused with -32600 (id null) without being buffered, skipped, and reading goes on.</summary>
public class OversizeTests
{
    [Theory]
    [InlineData(FramingKind.Header)]
    [InlineData(FramingKind.Ndjson)]
    public async Task OversizeMessage_IsRefused_AndTheNextOneIsAnswered(FramingKind kind)
    {
        await using var h = SessionHarness.Start(kind, new ContractRpcOptions { MaxMessageBytes = 1024 });
        var huge = Json.Request(7, "echo", $"{{\"backend\":\"{new string('x', 256 * 1024)}\"}}");

        await h.SendAsync(huge);
        var refused = await h.Output.ReadAsync();
        var next = await h.CallAsync(Json.Request(8, "ping"));

        WireAssert.IsError(refused, -32600);
        Assert.Contains("1024", WireAssert.Message(refused));
        WireAssert.IsResult(next, "8");
    }

    [Fact]
    public async Task Ndjson_OversizeLineArrivingInPieces_IsSkippedToItsNewline()
    {
        await using var h = SessionHarness.Start(FramingKind.Ndjson, new ContractRpcOptions { MaxMessageBytes = 100 });

        for (var i = 0; i < 10; i++) await h.SendRawAsync(new string('x', 64));
        await h.SendRawAsync("\n" + Json.Request(1, "ping") + "\n");

        WireAssert.IsError(await h.Output.ReadAsync(), -32600);
        WireAssert.IsResult(await h.Output.ReadAsync(), "1");
    }
}
