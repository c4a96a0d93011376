using System.Text.RegularExpressions;
using BackendSidecar.Core.Health;
using BackendSidecar.Core.Logging;
using BackendSidecar.Testing;

namespace BackendSidecar.Core.Tests.Health;

public class StdoutPatternProbeTests
{
    private static readonly DateTimeOffset T0 = new(2024, 5, 1, 12, 0, 0, TimeSpan.Zero);
    private static readonly Regex Ready = new(@"Uvicorn running on http://\S+:(\d+)");

    private static async Task<HealthResult> Check(IHealthProbe probe) => await probe.CheckAsync(CancellationToken.None);

    [Fact]
    public async Task CheckAsync_MatchingLineAlreadyInTheBuffer_Ok()
    {
        var logs = new LogRingBuffer(100);
        logs.Append(LogStream.Stdout, "INFO: Started server process", T0);
        logs.Append(LogStream.Stdout, "INFO: Uvicorn running on http://127.0.0.1:8882 (Press CTRL+C to quit)", T0);

        using var probe = new StdoutPatternProbe(Ready, logs, fromSeq: 1);

        var result = await Check(probe);
        Assert.True(result.Ok);
        Assert.StartsWith("matched line 2: INFO: Uvicorn running on", result.Detail);
        Assert.Equal(2, (await probe.Matched.WaitAsync(TestTimeouts.Unexpected)).Seq);
    }

    [Fact]
    public async Task CheckAsync_MatchOnlyBeforeFromSeq_NotOk()
    {
        // The previous run's "ready" line must not make the new run look ready.
        var logs = new LogRingBuffer(100);
        logs.Append(LogStream.Stdout, "Uvicorn running on http://127.0.0.1:1", T0);
        var fromSeq = logs.NextSeq;
        logs.Append(LogStream.Stdout, "starting again", T0);

        using var probe = new StdoutPatternProbe(Ready, logs, fromSeq);

        var result = await Check(probe);
        Assert.False(result.Ok);
        Assert.StartsWith("no output line matched", result.Detail);
    }

    [Fact]
    public async Task CheckAsync_MatchingLineAppendedLater_OkAndStaysOk()
    {
        var logs = new LogRingBuffer(100);
        using var probe = new StdoutPatternProbe(Ready, logs, logs.NextSeq);
        Assert.False((await Check(probe)).Ok);

        logs.Append(LogStream.Stdout, "loading model", T0);
        Assert.False((await Check(probe)).Ok);
        logs.Append(LogStream.Stdout, "Uvicorn running on http://0.0.0.0:9000", T0);
        logs.Append(LogStream.Stdout, "GET /health 200", T0);

        await probe.Matched.WaitAsync(TestTimeouts.Unexpected);
        Assert.True((await Check(probe)).Ok);
        Assert.Equal("matched line 2: Uvicorn running on http://0.0.0.0:9000", (await Check(probe)).Detail);
    }

    [Fact]
    public async Task CheckAsync_StderrLineMatches_Ok()
    {
        var logs = new LogRingBuffer(100);
        using var probe = new StdoutPatternProbe(Ready, logs, 1);

        logs.Append(LogStream.Stderr, "Uvicorn running on http://127.0.0.1:8000", T0);

        Assert.True((await Check(probe)).Ok);
    }

    [Fact]
    public async Task CheckAsync_SidecarLineMatches_NotOk()
    {
        var logs = new LogRingBuffer(100);
        using var probe = new StdoutPatternProbe(Ready, logs, 1);

        logs.Append(LogStream.Sidecar, "waiting for 'Uvicorn running on http://127.0.0.1:8000'", T0);

        Assert.False((await Check(probe)).Ok);
    }

    [Fact]
    public async Task Dispose_LaterMatch_NotSeen()
    {
        var logs = new LogRingBuffer(100);
        var probe = new StdoutPatternProbe(Ready, logs, 1);
        probe.Dispose();

        logs.Append(LogStream.Stdout, "Uvicorn running on http://127.0.0.1:8000", T0);

        Assert.False((await Check(probe)).Ok);
    }
}
