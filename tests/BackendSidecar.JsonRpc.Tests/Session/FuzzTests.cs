using System.Text;
using BackendSidecar.JsonRpc.Framing;
using BackendSidecar.JsonRpc.Tests.Support;

namespace BackendSidecar.JsonRpc.Tests.Session;

/// <summary>
/// Generated bad input (seeded, so a failure reproduces) against both framings: nothing ends the session, every output is
/// a valid JSON-RPC 2.0 message in clean framing, and the sentinel after each bad message is answered.
/// </summary>
public class FuzzTests
{
    private const int Cases = 1500;

    [Theory]
    [InlineData(FramingKind.Ndjson, 1)]
    [InlineData(FramingKind.Header, 3)]
    public async Task BadMessagesWellFramed_EveryOutputValid_AndEverySentinelAnswered(FramingKind kind, int seed)
    {
        var generator = new BadInputGenerator(seed);
        await using var h = SessionHarness.Start(kind, new ContractRpcOptions { Framing = kind, MaxMessageBytes = 8 * 1024 });

        for (var i = 0; i < Cases; i++)
        {
            var bad = generator.Next();
            await h.SendRawAsync(kind == FramingKind.Ndjson
                ? [.. bad.Select(b => b == (byte)'\n' ? (byte)' ' : b), (byte)'\n']
                : [.. Encoding.ASCII.GetBytes($"Content-Length: {bad.Length}\r\n\r\n"), .. bad]);
            await h.SendAsync(Json.Request($"sentinel-{i}", "ping"));
        }

        var sentinels = 0;
        while (sentinels < Cases)
        {
            var message = await h.Output.ReadAsync();
            WireAssert.IsValidServerMessage(message.GetRawText());
            if (message.ValueKind == System.Text.Json.JsonValueKind.Object && message.GetRawText().Contains("\"sentinel-", StringComparison.Ordinal)
                && message.TryGetProperty("result", out _))
                sentinels++;
        }

        Assert.Equal(Cases, sentinels);
    }
}
