using BackendSidecar.Core.Insights;

namespace BackendSidecar.Core.Tests.Insights;

/// <summary>The cases: 10%..100% over 90 s with startupTimeoutMs 30000 and stallTimeoutMs 20000.</summary>
public sealed class StartDeadlineTests
{
    private static readonly DateTimeOffset s_spawn = new(2026, 1, 1, 9, 0, 0, TimeSpan.Zero);
    private static readonly TimeSpan s_startup = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan s_stall = TimeSpan.FromSeconds(20);

    private static DateTimeOffset At(double seconds) => s_spawn + TimeSpan.FromSeconds(seconds);

    private static ProgressReport Loading(double percent, double seconds) => new(percent, $"Loading {percent}%", At(seconds));

    [Fact]
    public void NoProgress_DeadlineIsTheStartupTimeout()
    {
        var deadline = new StartDeadline(s_spawn, s_startup, s_stall);

        Assert.Equal(At(30), deadline.At);
        Assert.False(deadline.HasPassed(At(29.9)));
        Assert.True(deadline.HasPassed(At(30)));
        Assert.False(deadline.IsStallDeadline);
        Assert.Equal("not healthy within 30000 ms", deadline.TimeoutMessage());
    }

    [Fact]
    public void ProgressEveryNineSecondsFor90Seconds_NeverPassesTheDeadline()
    {
        var deadline = new StartDeadline(s_spawn, s_startup, s_stall);

        for (var i = 1; i <= 10; i++)
        {
            var now = At(9 * i);
            Assert.False(deadline.HasPassed(now), $"at {9 * i} s");
            Assert.True(deadline.Observe(Loading(10 * i, 9 * i)));
        }

        Assert.Equal(At(110), deadline.At);
    }

    [Fact]
    public void ProgressStopsAt40Percent_FailsTwentySecondsLaterNamingIt()
    {
        var deadline = new StartDeadline(s_spawn, s_startup, s_stall);
        deadline.Observe(Loading(10, 9));
        deadline.Observe(Loading(20, 18));
        deadline.Observe(Loading(30, 27));
        deadline.Observe(Loading(40, 36));

        Assert.False(deadline.HasPassed(At(55.9)));
        Assert.True(deadline.HasPassed(At(56)));
        Assert.True(deadline.IsStallDeadline);
        Assert.Equal("no progress for 20000 ms after 40% (Loading 40%)", deadline.TimeoutMessage());
    }

    [Fact]
    public void ProgressStopsEarly_StallTimeoutReplacesTheStartupTimeout()
    {
        var deadline = new StartDeadline(s_spawn, s_startup, s_stall);

        deadline.Observe(Loading(5, 2));

        Assert.Equal(At(22), deadline.At);
    }

    [Fact]
    public void RepeatedReading_IsNotNewProgress()
    {
        var deadline = new StartDeadline(s_spawn, s_startup, s_stall);
        deadline.Observe(Loading(40, 10));

        Assert.False(deadline.Observe(Loading(40, 15)));

        Assert.Equal(At(30), deadline.At);
        Assert.Equal(At(10), deadline.LastProgress!.At);
    }

    [Fact]
    public void NewMessageWithTheSamePercent_IsNewProgress()
    {
        var deadline = new StartDeadline(s_spawn, s_startup, s_stall);
        deadline.Observe(new ProgressReport(0, "Loading weights", At(5)));

        Assert.True(deadline.Observe(new ProgressReport(0, "Loading tokenizer", At(12))));

        Assert.Equal(At(32), deadline.At);
    }
}
