using System.Text;
using BackendSidecar.JsonRpc.Dispatch;
using BackendSidecar.JsonRpc.Framing;
using BackendSidecar.JsonRpc.Tests.Support;
using BackendSidecar.Testing;

namespace BackendSidecar.JsonRpc.Tests.Dispatch;

/// <summary>
/// Property-style tests: thousands of generated bad inputs (seeded, so a failure reproduces) against both
/// framings and the dispatcher. Properties: no exception escapes, reading ends cleanly or keeps answering,
/// every output is a valid JSON-RPC 2.0 message in clean framing.
/// </summary>
public class FuzzTests
{
    private const int Cases = 3000;

    [Theory]
    [InlineData(FramingKind.Ndjson, 1)]
    [InlineData(FramingKind.Ndjson, 2)]
    [InlineData(FramingKind.Header, 3)]
    [InlineData(FramingKind.Header, 4)]
    public async Task BadMessagesWellFramed_EveryOutputValidAndSentinelAfterEachIsAnswered(FramingKind kind, int seed)
    {
        var generator = new BadInputGenerator(seed);
        var diagnostics = 0;
        var options = new JsonRpcConnectionOptions { Diagnostics = _ => Interlocked.Increment(ref diagnostics) };
        await using var h = ConnectionHarness.Start(kind, options: options, framing: new MessageFramingOptions { MaxMessageBytes = 8 * 1024 });

        for (var i = 0; i < Cases; i++)
        {
            var bad = generator.Next();
            if (kind == FramingKind.Ndjson)
            {
                await h.SendRawAsync([.. bad, (byte)'\n']);
            }
            else
            {
                await h.SendRawAsync([.. Encoding.ASCII.GetBytes($"Content-Length: {bad.Length}\r\n\r\n"), .. bad]);
            }

            await h.SendAsync(Json.Request($"sentinel-{i}", "ping"));
        }

        Assert.Equal(DisconnectReason.EndOfStream, await h.EndAsync());
        await h.Connection.DrainAsync().WaitAsync(TestTimeouts.Unexpected);
        await h.Connection.DisposeAsync();
        var output = await h.Output.ReadToEndAsync();
        Assert.Empty(h.Output.Violations);
        foreach (var message in output)
        {
            WireAssert.IsValidServerMessage(message);
        }

        var sentinels = output.Where(m => m.Contains("\"sentinel-", StringComparison.Ordinal) && m.Contains("\"pong\"", StringComparison.Ordinal)).ToList();
        Assert.Equal(Cases, sentinels.Count);
        Assert.True(diagnostics > 0);
    }

    [Theory]
    [InlineData(FramingKind.Header, 11)]
    [InlineData(FramingKind.Ndjson, 12)]
    public async Task RandomRawStreams_ConnectionEndsCleanlyAndOutputStaysValid(FramingKind kind, int seed)
    {
        var generator = new BadInputGenerator(seed);
        for (var i = 0; i < 400; i++)
        {
            var input = kind == FramingKind.Header ? generator.NextHeaderStream() : generator.Next();
            var h = ConnectionHarness.Start(kind, framing: new MessageFramingOptions { MaxMessageBytes = 4 * 1024, MaxHeaderBytes = 256 });
            await using (h)
            {
                await h.SendRawAsync(input);
                var reason = await h.EndAsync();
                Assert.True(reason is DisconnectReason.EndOfStream or DisconnectReason.TruncatedMessage or DisconnectReason.ProtocolViolation, $"case {i}: {reason}");
                await h.Connection.DrainAsync().WaitAsync(TestTimeouts.Unexpected);
            }

            var output = await h.Output.ReadToEndAsync();
            Assert.Empty(h.Output.Violations);
            foreach (var message in output)
            {
                WireAssert.IsValidServerMessage(message);
            }
        }
    }
}
