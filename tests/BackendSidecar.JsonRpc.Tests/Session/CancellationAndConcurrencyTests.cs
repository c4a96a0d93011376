using BackendSidecar.JsonRpc.Framing;
using BackendSidecar.JsonRpc.Tests.Support;

namespace BackendSidecar.JsonRpc.Tests.Session;

/// <summary>$/cancelRequest (StreamJsonRpc's) and the bound on requests running at once (ours).</summary>
public class CancellationAndConcurrencyTests
{
    [Theory]
    [InlineData("7")]
    [InlineData("\"seven\"")]
    public async Task CancelRequest_EndsTheRequestWithRequestCancelled(string id)
    {
        await using var h = SessionHarness.Start(FramingKind.Ndjson);
        await h.SendAsync($"{{\"jsonrpc\":\"2.0\",\"id\":{id},\"method\":\"waitForCancel\"}}");

        await h.SendAsync(Json.Notification("$/cancelRequest", $"{{\"id\":{id}}}"));

        WireAssert.IsError(await h.Output.ReadAsync(), -32800, id);
        WireAssert.IsResult(await h.CallAsync(Json.Request(1, "ping")), "1");
    }

    [Fact]
    public async Task CancelRequest_ForAnUnknownId_IsIgnored()
    {
        await using var h = SessionHarness.Start(FramingKind.Ndjson);

        await h.SendAsync(Json.Notification("$/cancelRequest", "{\"id\":99}"));

        WireAssert.IsResult(await h.CallAsync(Json.Request(1, "ping")), "1");
    }

    [Fact]
    public async Task AFlood_NeverRunsMoreThanTheLimit_AndEveryRequestIsAnswered()
    {
        const int Limit = 4, Requests = 40;
        await using var h = SessionHarness.Start(FramingKind.Ndjson, new ContractRpcOptions { MaxConcurrentRequests = Limit });

        for (var i = 0; i < Requests; i++) await h.SendAsync(Json.Request(i, "block"));
        while (h.Methods.Blocked < Limit) await Task.Delay(1);
        var stalled = await h.Output.NothingWithinAsync();
        h.Methods.Release();
        var answers = await h.Output.ReadManyAsync(Requests);

        Assert.True(stalled);
        Assert.Equal(Limit, h.Handler.PeakConcurrentRequests);
        Assert.Equal(Requests, answers.Select(a => a.GetProperty("id").GetInt32()).Distinct().Count());
    }

    [Fact]
    public async Task ABatchLargerThanTheLimit_IsAnsweredWhole()
    {
        const int Limit = 2, Requests = 10;
        await using var h = SessionHarness.Start(FramingKind.Ndjson, new ContractRpcOptions { MaxConcurrentRequests = Limit });

        await h.SendAsync("[" + string.Join(",", Enumerable.Range(0, Requests).Select(i => Json.Request(i, "ping"))) + "]");

        Assert.Equal(Requests, (await h.Output.ReadAsync()).GetArrayLength());
    }
}
