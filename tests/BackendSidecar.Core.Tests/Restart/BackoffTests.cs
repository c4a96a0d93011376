using BackendSidecar.Core.Configuration;
using BackendSidecar.Core.Restart;

namespace BackendSidecar.Core.Tests.Restart;

public sealed class BackoffTests
{
    private static readonly BackoffOptions Options = new()
    {
        Initial = TimeSpan.FromMilliseconds(2000),
        Factor = 2,
        Max = TimeSpan.FromMilliseconds(10000),
        Jitter = 0.2,
    };

    [Theory]
    [InlineData(0, 2000)]
    [InlineData(1, 4000)]
    [InlineData(2, 8000)]
    [InlineData(3, 10000)]
    [InlineData(60, 10000)]
    [InlineData(5000, 10000)]
    public void Delay_NoJitterDraw_GrowsByFactorUpToMax(int attempt, double expectedMs)
    {
        Assert.Equal(expectedMs, Backoff.Delay(Options, attempt, random01: 0.5).TotalMilliseconds);
    }

    [Fact]
    public void Delay_Jitter_VariesBothWaysByTheFraction()
    {
        Assert.Equal(1600, Backoff.Delay(Options, 0, random01: 0).TotalMilliseconds);
        Assert.Equal(2400, Backoff.Delay(Options, 0, random01: 1).TotalMilliseconds);
    }

    [Fact]
    public void Delay_JitterNeverPassesMax()
    {
        Assert.Equal(10000, Backoff.Delay(Options, 10, random01: 0.999).TotalMilliseconds);
    }

    [Fact]
    public void Delay_FactorOtherThanTwo_IsHonoured()
    {
        var options = Options with { Factor = 3, Jitter = 0, Max = TimeSpan.FromMinutes(1) };

        Assert.Equal([2000, 6000, 18000], Enumerable.Range(0, 3).Select(n => Backoff.Delay(options, n, 0.5).TotalMilliseconds));
    }

    [Fact]
    public void Delay_InitialZero_RestartsAtOnce()
    {
        Assert.Equal(TimeSpan.Zero, Backoff.Delay(Options with { Initial = TimeSpan.Zero }, 3, 0.9));
    }
}
