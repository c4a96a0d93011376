using System.Diagnostics;
using System.Text.Json.Nodes;
using BackendSidecar.Core.Health;
using BackendSidecar.Testing;
using Response = BackendSidecar.Core.Tests.Health.ScriptedHttpServer.Response;

namespace BackendSidecar.Core.Tests.Health;

public class HttpHealthProbeTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(5);

    private static HttpHealthProbe Probe(Uri url, string? expectJson = null, int expectStatus = 200, TimeSpan? timeout = null) =>
        new(url, expectStatus, expectJson is null ? null : JsonNode.Parse(expectJson), timeout ?? Timeout);

    private static async Task<HealthResult> CheckOnce(Response? response, string? expectJson = null, int expectStatus = 200)
    {
        await using var server = new ScriptedHttpServer(response);
        using var probe = Probe(server.Url(), expectJson, expectStatus);
        return await probe.CheckAsync(CancellationToken.None).AsTask().WaitAsync(TestTimeouts.Unexpected);
    }

    [Fact]
    public async Task CheckAsync_StatusMatches_OkWithTheLatency()
    {
        var result = await CheckOnce(new Response(200, "anything"));

        Assert.True(result.Ok, result.Detail);
        Assert.Matches(@"^HTTP 200 in \d+ ms$", result.Detail);
        Assert.True(result.Latency > TimeSpan.Zero);
    }

    [Fact]
    public async Task CheckAsync_OtherStatus_NotOk()
    {
        var result = await CheckOnce(new Response(503, """{"status":"ok"}"""), expectJson: """{"status":"ok"}""");

        Assert.False(result.Ok);
        Assert.Equal("HTTP 503, expected 200", result.Detail);
    }

    [Fact]
    public async Task CheckAsync_ConfiguredStatusOtherThan200_ThatStatusIsOk()
    {
        Assert.True((await CheckOnce(new Response(204), expectStatus: 204)).Ok);
        Assert.False((await CheckOnce(new Response(200), expectStatus: 204)).Ok);
    }

    [Fact]
    public async Task CheckAsync_BodyContainsExpectJson_Ok()
    {
        var result = await CheckOnce(
            new Response(200, """{"status":"ok","version":"1.2.0","db":{"ready":true,"pool":5},"tags":["a","b"]}"""),
            expectJson: """{"status":"ok","db":{"ready":true},"tags":["a","b"]}""");

        Assert.True(result.Ok, result.Detail);
    }

    [Fact]
    public async Task CheckAsync_StrangerAnswers200WithOtherJson_NotOk()
    {
        var result = await CheckOnce(new Response(200, """{"message":"hello from another app"}"""), expectJson: """{"status":"ok"}""");

        Assert.False(result.Ok);
        Assert.Equal("body did not match expectJson: status is missing", result.Detail);
    }

    [Fact]
    public async Task CheckAsync_StrangerAnswers200WithHtml_NotOk()
    {
        var result = await CheckOnce(new Response(200, "<html>It works!</html>", "text/html"), expectJson: """{"status":"ok"}""");

        Assert.False(result.Ok);
        Assert.Equal("body did not match expectJson: it is not JSON", result.Detail);
    }

    [Fact]
    public async Task CheckAsync_ValueDiffers_DetailNamesTheFieldAndBothValues()
    {
        var result = await CheckOnce(new Response(200, """{"status":"loading"}"""), expectJson: """{"status":"ok"}""");

        Assert.False(result.Ok);
        Assert.Equal("""body did not match expectJson: status is "loading", expected "ok" """.TrimEnd(), result.Detail);
    }

    [Fact]
    public async Task CheckAsync_ServerNeverAnswers_TimedOutAfterTheProbesTimeout()
    {
        await using var server = new ScriptedHttpServer((Response?)null);
        using var probe = Probe(server.Url(), timeout: TimeSpan.FromMilliseconds(300));
        var watch = Stopwatch.StartNew();

        var result = await probe.CheckAsync(CancellationToken.None).AsTask().WaitAsync(TestTimeouts.Unexpected);

        Assert.False(result.Ok);
        Assert.Equal("timed out after 300 ms", result.Detail);
        Assert.True(watch.Elapsed >= TimeSpan.FromMilliseconds(250), $"gave up after {watch.ElapsedMilliseconds} ms");
        // Not retried. Not "exactly one" either: on a loaded machine the 300 ms can run out before the request is even
        // written (seen in CI: the server then never gets it), and that is still this case, a server that did not answer.
        Assert.InRange(server.RequestCount, 0, 1);
    }

    [Fact]
    public async Task CheckAsync_NothingListening_ConnectionRefused()
    {
        using var port = new ClosedPort();
        using var probe = Probe(new Uri($"http://127.0.0.1:{port.Port}/health"));

        var result = await probe.CheckAsync(CancellationToken.None).AsTask().WaitAsync(TestTimeouts.Unexpected);

        Assert.False(result.Ok);
        Assert.Equal("connection refused", result.Detail);
    }

    [Fact]
    public async Task CheckAsync_CallerCancels_ThrowsOperationCanceledRatherThanAFailedResult()
    {
        await using var server = new ScriptedHttpServer((Response?)null);
        using var probe = Probe(server.Url());
        using var cancel = new CancellationTokenSource();

        var check = probe.CheckAsync(cancel.Token).AsTask();
        cancel.Cancel();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => check.WaitAsync(TestTimeouts.Unexpected));
    }

    [Fact]
    public async Task CheckAsync_ServerComesUpBetweenChecks_SameProbeFirstRefusedThenOkEveryTime()
    {
        // The startup case: polled while nothing listens yet, then the backend answers on that port.
        using var closed = new ClosedPort();
        var portNumber = closed.Port;
        using var probe = Probe(new Uri($"http://127.0.0.1:{portNumber}/health"), expectJson: """{"status":"ok"}""");
        Assert.Equal("connection refused", (await probe.CheckAsync(CancellationToken.None)).Detail);
        closed.Dispose();

        await using var server = new ScriptedHttpServer(new Response(200, """{"status":"ok"}"""), portNumber);
        for (var i = 0; i < 50; i++)
        {
            var result = await probe.CheckAsync(CancellationToken.None).AsTask().WaitAsync(TestTimeouts.Unexpected);
            Assert.True(result.Ok, result.Detail);
        }

        Assert.Equal(50, server.RequestCount);
    }

    [Fact]
    public async Task CheckAsync_SendsAGetToThePath()
    {
        string? requestLine = null;
        await using var server = new ScriptedHttpServer(line =>
        {
            requestLine = line;
            return new Response(200);
        });
        using var probe = Probe(server.Url("/api/health?x=1"));

        await probe.CheckAsync(CancellationToken.None);

        Assert.Equal("GET /api/health?x=1 HTTP/1.1", requestLine);
    }

    [Theory]
    [InlineData("ftp://127.0.0.1/health")]
    [InlineData("/health")]
    public void Constructor_NotAnAbsoluteHttpUrl_Throws(string url)
    {
        Assert.Throws<ArgumentException>(() => new HttpHealthProbe(new Uri(url, UriKind.RelativeOrAbsolute), 200, null, Timeout));
    }
}
