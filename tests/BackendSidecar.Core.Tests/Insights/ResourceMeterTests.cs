using BackendSidecar.Core.Insights;
using Microsoft.Extensions.Time.Testing;

namespace BackendSidecar.Core.Tests.Insights;

/// <summary>Fake time and fake samples: when the meter samples and what it computes.</summary>
public sealed class ResourceMeterTests
{
    private static readonly TimeSpan s_interval = TimeSpan.FromSeconds(1);
    private readonly FakeTimeProvider _time = new();
    private readonly List<int> _sampledGroups = [];
    private TimeSpan _cpu = TimeSpan.Zero;

    private ResourceMeter Create() => new(_time, s_interval, group =>
    {
        _sampledGroups.Add(group);
        return new GroupSample(_cpu, 50_000_000, 2, _time.GetTimestamp());
    });

    [Fact]
    public async Task Read_First_HasNoCpuPercentYet()
    {
        var usage = await Create().ReadAsync(100);

        Assert.Equal(new ResourceUsage(null, 50_000_000, 2), usage);
    }

    [Fact]
    public async Task Read_AgainWithinTheInterval_ReusesTheSampleWithoutReadingProc()
    {
        var meter = Create();
        var first = await meter.ReadAsync(100);

        _time.Advance(TimeSpan.FromMilliseconds(999));
        var second = await meter.ReadAsync(100);

        Assert.Same(first, second);
        Assert.Single(_sampledGroups);
    }

    [Fact]
    public async Task Read_AfterTheInterval_ComputesCpuPercentOfOneCore()
    {
        var meter = Create();
        await meter.ReadAsync(100);

        _time.Advance(TimeSpan.FromSeconds(2));
        _cpu += TimeSpan.FromSeconds(3); // 1.5 cores busy for 2 s
        var usage = await meter.ReadAsync(100);

        Assert.Equal(150.0, usage!.CpuPercent);
        Assert.Equal(2, _sampledGroups.Count);
    }

    [Fact]
    public async Task Read_AnotherGroup_StartsAfresh()
    {
        var meter = Create();
        await meter.ReadAsync(100);
        _time.Advance(TimeSpan.FromSeconds(2));

        var usage = await meter.ReadAsync(200);

        Assert.Null(usage!.CpuPercent);
    }

    [Fact]
    public async Task Read_GroupGone_IsNull()
    {
        var meter = new ResourceMeter(_time, s_interval, _ => null);

        Assert.Null(await meter.ReadAsync(100));
    }

    [Fact]
    public void CpuPercent_MembersExitedInBetween_IsNotNegative()
    {
        var before = new GroupSample(TimeSpan.FromSeconds(10), 0, 3, 0);
        var after = new GroupSample(TimeSpan.FromSeconds(4), 0, 1, TimeSpan.TicksPerSecond);

        Assert.Equal(0, ProcessGroupSampler.CpuPercent(before, after, _time));
    }
}
