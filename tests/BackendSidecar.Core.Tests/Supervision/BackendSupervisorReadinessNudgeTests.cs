using BackendSidecar.Core.Supervision;
using BackendSidecar.Core.Tests.Supervision.Fakes;
using BackendSidecar.Testing;

namespace BackendSidecar.Core.Tests.Supervision;

/// <summary>A line from a starting backend brings the next readiness check forward (<see cref="OutputNudge"/>).</summary>
public sealed class BackendSupervisorReadinessNudgeTests
{
    // After the first failed check the schedule waits 2 ms (HealthPolling.StartupDelay); a line can halve that.
    private static readonly TimeSpan FirstWait = TimeSpan.FromMilliseconds(2);

    /// <summary>Starts the backend and waits until its first check has begun (it fails unless the test made it healthy).</summary>
    private static async Task<(Task<BackendStatus> Start, FakeChildProcess Child)> StartPastFirstCheckAsync(SupervisorHarness h)
    {
        var start = h.Backend.StartAsync();
        var child = await h.Launcher.NextAsync();
        await h.Health.ChecksReachedAsync(1);
        return (start, child);
    }

    [Fact]
    public async Task Start_LineOnceHalfTheWaitHasPassed_ChecksAtOnce()
    {
        await using var h = new SupervisorHarness();
        var (start, child) = await StartPastFirstCheckAsync(h);
        var due = await h.TimerDueWithinAsync(FirstWait);
        h.Time.Advance(FirstWait / 2);
        var at = h.Time.GetUtcNow();

        h.Health.Healthy = true;
        child.WriteLine("INFO:     Uvicorn running on http://127.0.0.1:8000 (Press CTRL+C to quit)");

        var status = await start.WaitAsync(TestTimeouts.Unexpected);
        Assert.Equal(BackendState.Running, status.State);
        Assert.Equal(2, h.Health.Checks);
        Assert.Equal(at, h.Time.GetUtcNow());
        Assert.True(at < due);
    }

    [Fact]
    public async Task Start_LinesEarlyInAWait_CutItToHalfOnce()
    {
        await using var h = new SupervisorHarness();
        var (start, child) = await StartPastFirstCheckAsync(h);
        var began = h.Time.GetUtcNow();
        await h.TimerDueWithinAsync(FirstWait);

        // A talkative backend: three lines in one wait bring one check forward, not three.
        for (var line = 0; line < 3; line++) child.WriteLine($"loading shard {line}");

        var due = await h.TimerDueWithinAsync(FirstWait / 2);
        Assert.Equal(began + FirstWait / 2, due);
        h.Time.Advance(due - h.Time.GetUtcNow());
        await h.Health.ChecksReachedAsync(2);
        Assert.Equal(2, h.Health.Checks);
        Assert.Equal(BackendState.Starting, h.Backend.State);

        h.Health.Healthy = true;
        var status = await h.AdvanceUntilAsync(start, TimeSpan.FromMilliseconds(50));
        Assert.Equal(BackendState.Running, status.State);
    }

    [Fact]
    public async Task Start_LineDuringACheck_ShortensTheWaitAfterIt()
    {
        await using var h = new SupervisorHarness();
        var hold = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        h.Health.Hold = hold;
        var (start, child) = await StartPastFirstCheckAsync(h);
        var began = h.Time.GetUtcNow();

        var logged = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using (h.Backend.Logs.Subscribe(entry => { if (entry.Text.StartsWith("Starting httpd", StringComparison.Ordinal)) logged.TrySetResult(); }))
        {
            child.WriteLine("Starting httpd at 127.0.0.1 on port 8080...");
            await logged.Task.WaitAsync(TestTimeouts.Unexpected);
        }
        h.Health.Hold = null;
        hold.SetResult();

        var due = await h.TimerDueWithinAsync(FirstWait / 2);
        Assert.Equal(began + FirstWait / 2, due);
        h.Health.Healthy = true;
        var status = await h.AdvanceUntilAsync(start, FirstWait / 2);
        Assert.Equal(BackendState.Running, status.State);
    }
}
