using BackendSidecar.Core.Insights;
using Microsoft.Extensions.Time.Testing;

namespace BackendSidecar.Core.Tests.Insights;

public sealed class ProgressThrottleTests
{
    private readonly FakeTimeProvider _time = new();
    private readonly List<ProgressReport> _published = [];
    private readonly List<DateTimeOffset> _publishedAt = [];

    private ProgressThrottle Create() => new(_time, report =>
    {
        _published.Add(report);
        _publishedAt.Add(_time.GetUtcNow());
    });

    private ProgressReport Report(double percent) => new(percent, null, _time.GetUtcNow());

    [Fact]
    public void Offer_First_IsPublishedAtOnce()
    {
        using var throttle = Create();

        throttle.Offer(Report(10));

        Assert.Equal([10.0], _published.Select(p => p.Percent!.Value));
    }

    [Fact]
    public void Offer_BurstWithinTheInterval_PublishesTheFirstNowAndOnlyTheLatestAtTheIntervalsEnd()
    {
        using var throttle = Create();

        throttle.Offer(Report(10));
        _time.Advance(TimeSpan.FromMilliseconds(50));
        throttle.Offer(Report(11));
        throttle.Offer(Report(12));
        throttle.Offer(Report(13));
        Assert.Single(_published);

        _time.Advance(TimeSpan.FromMilliseconds(199));
        Assert.Single(_published);
        _time.Advance(TimeSpan.FromMilliseconds(1));

        Assert.Equal([10.0, 13.0], _published.Select(p => p.Percent!.Value));
    }

    [Fact]
    public void Offer_SteadyStreamAt100PerSecond_PublishesAtMostFourPerSecondAndEndsWithTheLast()
    {
        using var throttle = Create();

        for (var i = 0; i <= 100; i++)
        {
            throttle.Offer(Report(i));
            _time.Advance(TimeSpan.FromMilliseconds(10));
        }
        _time.Advance(TimeSpan.FromSeconds(1));

        Assert.InRange(_published.Count, 4, 6);
        Assert.Equal(100.0, _published[^1].Percent);
        Assert.All(_publishedAt.Zip(_publishedAt.Skip(1)), pair => Assert.True(pair.Second - pair.First >= ProgressThrottle.DefaultMinInterval));
    }

    [Fact]
    public void Offer_AfterTheIntervalWithNothingHeld_IsPublishedAtOnce()
    {
        using var throttle = Create();

        throttle.Offer(Report(10));
        _time.Advance(TimeSpan.FromMilliseconds(300));
        throttle.Offer(Report(20));

        Assert.Equal([10.0, 20.0], _published.Select(p => p.Percent!.Value));
    }

    [Fact]
    public void Reset_DropsTheHeldReport()
    {
        using var throttle = Create();
        throttle.Offer(Report(10));
        throttle.Offer(Report(20));

        throttle.Reset();
        _time.Advance(TimeSpan.FromSeconds(1));

        Assert.Equal([10.0], _published.Select(p => p.Percent!.Value));
    }

    [Fact]
    public void Dispose_DropsTheHeldReportAndIgnoresLaterOffers()
    {
        var throttle = Create();
        throttle.Offer(Report(10));
        throttle.Offer(Report(20));

        throttle.Dispose();
        throttle.Offer(Report(30));
        _time.Advance(TimeSpan.FromSeconds(1));

        Assert.Equal([10.0], _published.Select(p => p.Percent!.Value));
    }
}
