using BackendSidecar.Core.Configuration;
using BackendSidecar.Core.Restart;

namespace BackendSidecar.Core.Tests.Restart;

public sealed class RestartTrackerTests
{
    private static readonly DateTimeOffset T0 = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

    private static RestartTracker Create(RestartPolicyKind policy = RestartPolicyKind.OnFailure, int? max = 3) => new(new RestartOptions
    {
        Policy = policy,
        MaxRestarts = max,
        Window = TimeSpan.FromSeconds(60),
        Backoff = new BackoffOptions { Initial = TimeSpan.FromSeconds(1), Factor = 2, Max = TimeSpan.FromSeconds(30), Jitter = 0 },
    });

    [Fact]
    public void Decide_FailureUnderOnFailure_RestartsWithGrowingBackoff()
    {
        var tracker = Create();

        var delays = new List<double>();
        for (var i = 0; i < 3; i++)
        {
            var d = Assert.IsType<RestartDecision.Restart>(tracker.Decide(true, T0, 0.5));
            delays.Add(d.Delay.TotalMilliseconds);
            tracker.Record(T0);
        }

        Assert.Equal([1000, 2000, 4000], delays);
        Assert.Equal(3, tracker.Count);
    }

    [Fact]
    public void Decide_MaxRestartsReachedInWindow_GivesUp()
    {
        var tracker = Create(max: 2);
        tracker.Record(T0);
        tracker.Record(T0.AddSeconds(10));

        Assert.IsType<RestartDecision.GiveUp>(tracker.Decide(true, T0.AddSeconds(20), 0.5));
        Assert.Equal(2, tracker.Count);
    }

    [Fact]
    public void Decide_OldRestartsLeaveTheWindow()
    {
        var tracker = Create(max: 2);
        tracker.Record(T0);
        tracker.Record(T0.AddSeconds(10));

        Assert.IsType<RestartDecision.Restart>(tracker.Decide(true, T0.AddSeconds(60), 0.5));
        Assert.Equal(1, tracker.Count);
    }

    [Fact]
    public void Decide_CleanExit_StaysUnderOnFailureAndRestartsUnderAlways()
    {
        Assert.IsType<RestartDecision.Stay>(Create().Decide(false, T0, 0.5));
        Assert.IsType<RestartDecision.Restart>(Create(RestartPolicyKind.Always).Decide(false, T0, 0.5));
    }

    [Fact]
    public void Decide_Never_Stays()
    {
        Assert.IsType<RestartDecision.Stay>(Create(RestartPolicyKind.Never).Decide(true, T0, 0.5));
    }

    [Fact]
    public void Decide_NoLimit_NeverGivesUp()
    {
        var tracker = Create(max: null);
        for (var i = 0; i < 1000; i++) tracker.Record(T0);

        Assert.IsType<RestartDecision.Restart>(tracker.Decide(true, T0, 0.5));
    }

    [Fact]
    public void Reset_ForgetsTheStreak()
    {
        var tracker = Create(max: 1);
        tracker.Record(T0);

        tracker.Reset();

        Assert.Equal(0, tracker.Count);
        var d = Assert.IsType<RestartDecision.Restart>(tracker.Decide(true, T0, 0.5));
        Assert.Equal(1000, d.Delay.TotalMilliseconds);
    }
}
