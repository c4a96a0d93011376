using BackendSidecar.Core.Configuration;
using BackendSidecar.Core.Insights;
using BackendSidecar.Core.Processes;
using BackendSidecar.Core.Supervision;
using BackendSidecar.Testing;

namespace BackendSidecar.Core.Tests.Supervision;

/// <summary>Issue 12 wired into the supervisor: loading progress, the stall deadline, exit causes, resources (fake time, fake processes).</summary>
public sealed class BackendSupervisorInsightsTests
{
    private static ProgressPattern Pattern(string text) =>
        ProgressPattern.TryCreate(text, out var pattern, out var problem) ? pattern! : throw new ArgumentException(problem);

    /// <summary>startupTimeoutMs 3000 and stallTimeoutMs 2000: the issue's 30000/20000, scaled down.</summary>
    private static SupervisorHarness Loading(Func<SupervisorServices, SupervisorServices>? services = null) => new(o => o with
    {
        Health = o.Health! with
        {
            StartupTimeout = TimeSpan.FromSeconds(3),
            StallTimeout = TimeSpan.FromSeconds(2),
            Progress = Pattern(@"Loading (?<percent>\d+)%"),
        },
        Restart = o.Restart with { Policy = RestartPolicyKind.Never },
    }, services);

    private static Task<StatusChange> ProgressSeen(SupervisorHarness h, double percent) =>
        h.WaitForAsync(c => c.Reason == "loading progress" && c.Status.Progress?.Percent == percent);

    [Fact]
    public async Task Progress_WhileStarting_IsInTheStatusAndNotified_AndGoneOnceRunning()
    {
        await using var h = Loading();
        var start = h.Backend.StartAsync();
        var child = await h.Launcher.NextAsync();

        child.WriteLine("Loading 10%", stderr: true);
        var change = await ProgressSeen(h, 10);

        Assert.Equal(BackendState.Starting, change.Status.State);
        Assert.Equal(BackendState.Starting, change.Previous);
        Assert.Equal(10, h.Backend.Status.Progress!.Percent);

        h.Health.Healthy = true;
        var status = await h.AdvanceUntilAsync(start, TimeSpan.FromSeconds(1));
        Assert.Equal(BackendState.Running, status.State);
        Assert.Null(status.Progress);
        Assert.Null(h.Backend.Status.Progress);
    }

    [Fact]
    public async Task Progress_ManyLinesAtOnce_AreRateLimitedAndTheLatestIsSent()
    {
        await using var h = Loading();
        _ = h.Backend.StartAsync(wait: false);
        var child = await h.Launcher.NextAsync();

        // Observers run in the order they subscribed: once this one sees the last line, the progress watcher has offered it.
        var lastLine = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using (h.Backend.Logs.Subscribe(e => { if (e.Text == "Loading 50%") lastLine.TrySetResult(); }))
        {
            for (var i = 1; i <= 50; i++) child.WriteLine($"Loading {i}%");
            await lastLine.Task.WaitAsync(TestTimeouts.Unexpected);
        }
        await ProgressSeen(h, 1);
        await h.AdvanceAsync(TimeSpan.FromMilliseconds(300));
        await ProgressSeen(h, 50);

        Assert.InRange(h.Changes.Count(c => c.Reason == "loading progress"), 2, 3);
    }

    [Fact]
    public async Task Progress_KeepsAdvancing_StartupTimeoutDoesNotEndTheStart()
    {
        await using var h = Loading();
        var start = h.Backend.StartAsync();
        var child = await h.Launcher.NextAsync();

        // 10% every second for 6 s: twice the startup timeout, never the stall timeout.
        for (var percent = 10; percent <= 60; percent += 10)
        {
            child.WriteLine($"Loading {percent}%");
            await ProgressSeen(h, percent);
            await h.AdvanceAsync(TimeSpan.FromSeconds(1));
            Assert.Equal(BackendState.Starting, h.Backend.State);
        }

        h.Health.Healthy = true;
        var status = await h.AdvanceUntilAsync(start, TimeSpan.FromSeconds(1));
        Assert.Equal(BackendState.Running, status.State);
    }

    [Fact]
    public async Task Progress_Stalls_TheStartFailsAfterTheStallTimeoutNamingTheLastProgress()
    {
        await using var h = Loading();
        var start = h.Backend.StartAsync();
        var child = await h.Launcher.NextAsync();
        child.ExitsOnStopSignal = true;
        for (var percent = 10; percent <= 40; percent += 10)
        {
            child.WriteLine($"Loading {percent}%");
            await ProgressSeen(h, percent);
            await h.AdvanceAsync(TimeSpan.FromSeconds(1));
        }
        // A heartbeat that repeats 40% is no new progress.
        child.WriteLine("Loading 40%");

        var ex = await Assert.ThrowsAsync<SupervisorException>(() => h.AdvanceUntilAsync(start, TimeSpan.FromSeconds(3)));

        Assert.Equal(BackendErrorKind.StartupTimeout, ex.Kind);
        Assert.StartsWith("no progress for 2000 ms after 40%", ex.Message);
        Assert.Equal(40, ex.Progress!.Percent);
        await h.WaitForStateAsync(BackendState.Failed);
        var exit = h.Backend.Status.LastExit!;
        Assert.Equal(ExitCause.StoppedBySidecar, exit.Cause);
        Assert.Contains("loading progress stalled", exit.Hint);
        Assert.Null(h.Backend.Status.Progress);
    }

    [Fact]
    public async Task Progress_NoneAtAll_TheStartupTimeoutStillApplies()
    {
        await using var h = Loading();
        var start = h.Backend.StartAsync();
        await h.Launcher.NextAsync();

        var ex = await Assert.ThrowsAsync<SupervisorException>(() => h.AdvanceUntilAsync(start, TimeSpan.FromSeconds(4)));

        Assert.StartsWith("not healthy within 3000 ms", ex.Message);
        Assert.Null(ex.Progress);
        await h.WaitForStateAsync(BackendState.Failed);
        Assert.Contains("not healthy within the startup timeout", h.Backend.Status.LastExit!.Hint);
    }

    [Fact]
    public async Task ExitCause_MissingModule_FromTheLastLines()
    {
        await using var h = Loading();
        var start = h.Backend.StartAsync();
        var child = await h.Launcher.NextAsync();

        child.WriteLine("Traceback (most recent call last):", stderr: true);
        child.WriteLine("  File \"<string>\", line 1, in <module>", stderr: true);
        child.WriteLine("ModuleNotFoundError: No module named 'nosuchmodule'", stderr: true);
        child.Exit(1);

        await Assert.ThrowsAsync<SupervisorException>(() => start);
        var exit = h.Backend.Status.LastExit!;
        Assert.Equal(ExitCause.MissingModule, exit.Cause);
        Assert.StartsWith("ModuleNotFoundError: No module named 'nosuchmodule': install it", exit.Hint);
    }

    [Fact]
    public async Task ExitCause_StopRequested_IsStoppedBySidecar()
    {
        await using var h = new SupervisorHarness();
        h.Health.Healthy = true;
        await h.Backend.StartAsync();

        var status = await h.Backend.StopAsync();

        Assert.Equal(ExitCause.StoppedBySidecar, status.LastExit!.Cause);
        Assert.Equal("stopped on request (killed by SIGTERM)", status.LastExit.Hint);
    }

    [Fact]
    public async Task ExitCause_SigkillNotSentByUs_WithoutOomCounters_IsProbablyOutOfMemory()
    {
        await using var h = new SupervisorHarness(services: s => s with { OomEvidence = () => OomWatch.Begin(null, _ => null) });
        h.Health.Healthy = true;
        await h.Backend.StartAsync();
        var child = h.Launcher.All.Single();

        child.Exit(code: null, Signals.SIGKILL);
        await h.WaitForStateAsync(BackendState.Backoff);

        var exit = h.Backend.Status.LastExit!;
        Assert.Equal(ExitCause.OutOfMemory, exit.Cause);
        Assert.StartsWith("probably killed by the kernel's out-of-memory killer", exit.Hint);
    }

    [Fact]
    public async Task ExitCause_SigkillNotSentByUs_CounterRose_IsOutOfMemory()
    {
        await using var h = new SupervisorHarness(services: s => s with { OomEvidence = () => OomWatch.Begin(null, _ => true) });
        h.Health.Healthy = true;
        await h.Backend.StartAsync();

        h.Launcher.All.Single().Exit(code: null, Signals.SIGKILL);
        await h.WaitForStateAsync(BackendState.Backoff);

        Assert.StartsWith("killed by the kernel's out-of-memory killer", h.Backend.Status.LastExit!.Hint);
    }

    [Fact]
    public async Task ExitCause_PortHeldByAnotherAtExit()
    {
        await using var h = new SupervisorHarness(o => o with { Port = 8882, Restart = o.Restart with { Policy = RestartPolicyKind.Never } });
        var start = h.Backend.StartAsync();
        var child = await h.Launcher.NextAsync();

        h.Ports.Listeners[8882] = new Core.Ports.PortOwner(8882, 4242, "nginx");
        child.Exit(1);

        await Assert.ThrowsAsync<SupervisorException>(() => start);
        var exit = h.Backend.Status.LastExit!;
        Assert.Equal(ExitCause.PortInUse, exit.Cause);
        Assert.Equal("port 8882 is held by another process", exit.Hint);
    }

    [Fact]
    public async Task Resources_StatusWithResources_SamplesTheGroupAtMostOncePerInterval()
    {
        var samples = 0;
        await using var h = new SupervisorHarness(services: s => s with
        {
            SampleProcessGroup = (group, time, _) =>
            {
                Interlocked.Increment(ref samples);
                return new(new GroupSample(TimeSpan.FromSeconds(samples), 1000 * group, 2, time.GetTimestamp()));
            },
        });
        h.Health.Healthy = true;
        await h.Backend.StartAsync();
        Assert.Null(h.Backend.Status.Resources);

        var first = (await h.Backend.StatusWithResourcesAsync());
        var again = (await h.Backend.StatusWithResourcesAsync());

        Assert.Equal(1, samples);
        Assert.Equal(2, first.Resources!.Processes);
        Assert.Equal(1000L * first.Pid!.Value, first.Resources.RssBytes);
        Assert.Null(first.Resources.CpuPercent);
        Assert.Same(first.Resources, again.Resources);

        await h.AdvanceAsync(TimeSpan.FromSeconds(1));
        var later = (await h.Backend.StatusWithResourcesAsync());
        Assert.Equal(2, samples);
        Assert.Equal(100, later.Resources!.CpuPercent);

        await h.Backend.StopAsync();
        Assert.Null((await h.Backend.StatusWithResourcesAsync()).Resources);
    }

    [Fact]
    public async Task Resources_Watched_SampledEveryIntervalAsStatusChanged_UntilTheWatchEnds()
    {
        var samples = 0;
        await using var h = new SupervisorHarness(services: s => s with
        {
            SampleProcessGroup = (group, time, _) =>
            {
                Interlocked.Increment(ref samples);
                return new(new GroupSample(TimeSpan.Zero, 4096, 1, time.GetTimestamp()));
            },
        });
        h.Health.Healthy = true;
        await h.Backend.StartAsync();

        var watch = h.Backend.WatchResources();
        await h.AdvanceAsync(TimeSpan.FromSeconds(1));
        var change = await h.WaitForAsync(c => c.Reason == "resources sampled");
        Assert.Equal(BackendState.Running, change.Previous);
        Assert.Equal(4096, change.Status.Resources!.RssBytes);
        await h.AdvanceAsync(TimeSpan.FromSeconds(1));
        await h.WaitForAsync(c => c.Reason == "resources sampled", occurrence: 2);

        watch.Dispose();
        var before = samples;
        await h.AdvanceAsync(TimeSpan.FromSeconds(3));
        Assert.Equal(before, samples);
    }
}
