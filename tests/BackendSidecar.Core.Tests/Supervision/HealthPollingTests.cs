using BackendSidecar.Core.Supervision;

namespace BackendSidecar.Core.Tests.Supervision;

public sealed class HealthPollingTests
{
    private const long Frequency = TimeSpan.TicksPerSecond;
    private static readonly TimeSpan Second = TimeSpan.FromSeconds(1);

    [Theory]
    [InlineData(5_000, 1_000)]     // on a tick: the next one, a whole interval away
    [InlineData(5_250, 750)]       // a quarter past: the rest of the interval
    [InlineData(5_499, 501)]       // just under half an interval left: still this tick
    [InlineData(5_999, 1_001)]     // a timer that fired a millisecond early: the tick after, not an instant re-check
    [InlineData(5_600, 1_400)]
    public void UntilNextTick_WaitsForTheNextMultipleOfTheInterval_AtLeastHalfAnInterval(long nowMs, long expectedMs)
    {
        var wait = HealthPolling.UntilNextTick(TimeSpan.FromMilliseconds(nowMs).Ticks, Frequency, Second);

        Assert.Equal(TimeSpan.FromMilliseconds(expectedMs), wait);
    }

    [Fact]
    public void UntilNextTick_TwoBackendsStartedApart_AreCheckedAtTheSameInstants()
    {
        var first = TimeSpan.FromMilliseconds(12_130);
        var second = TimeSpan.FromMilliseconds(12_410);

        var firstCheck = first + HealthPolling.UntilNextTick(first.Ticks, Frequency, Second);
        var secondCheck = second + HealthPolling.UntilNextTick(second.Ticks, Frequency, Second);

        Assert.Equal(TimeSpan.FromSeconds(13), firstCheck);
        Assert.Equal(firstCheck, secondCheck);
    }

    [Theory]
    [InlineData(0, 0, 1000, 2)]          // the first wait
    [InlineData(1, 0, 1000, 3)]          // growing by half each time
    [InlineData(2, 0, 1000, 4.5)]
    [InlineData(3, 0, 1000, 5)]          // up to 5 ms in the first 2 s, when most web backends come up
    [InlineData(30, 1_999, 1000, 5)]
    [InlineData(30, 2_000, 1000, 10)]    // then 10 ms
    [InlineData(30, 10_000, 1000, 100)]  // after 10 s (a model loading), 100 ms
    [InlineData(30, 10_000, 50, 50)]     // never slower than the liveness interval
    public void StartupDelay_FollowsTheSchedule(int attempt, int elapsedMs, int intervalMs, double expectedMs)
    {
        var delay = HealthPolling.StartupDelay(attempt, TimeSpan.FromMilliseconds(elapsedMs), TimeSpan.FromMilliseconds(intervalMs));

        Assert.Equal(TimeSpan.FromMilliseconds(expectedMs), delay);
    }
}
