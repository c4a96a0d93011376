using BackendSidecar.Core.Insights;
using BackendSidecar.Core.Logging;

namespace BackendSidecar.Core.Tests.Insights;

public sealed class ProgressWatcherTests
{
    private static readonly DateTimeOffset T0 = new(2026, 1, 1, 9, 0, 0, TimeSpan.Zero);
    private readonly LogRingBuffer _logs = new(100);
    private readonly List<ProgressReport> _reports = [];

    private static ProgressPattern Loading()
    {
        ProgressPattern.TryCreate(@"Loading (?<percent>\d+)%", out var pattern, out _);
        return pattern!;
    }

    [Fact]
    public void Lines_OnStdoutAndStderr_AreReportedWithTheLinesTime()
    {
        using var watcher = new ProgressWatcher(Loading(), _logs, _logs.NextSeq, _reports.Add);

        _logs.Append(LogStream.Stdout, "Loading 10%", T0);
        _logs.Append(LogStream.Stderr, "Loading 20%", T0.AddSeconds(9));

        Assert.Equal([new ProgressReport(10, null, T0), new ProgressReport(20, null, T0.AddSeconds(9))], _reports);
        Assert.Equal(20, watcher.Latest!.Percent);
    }

    [Fact]
    public void Lines_WithoutProgressOrRepeatingIt_AreNotReported()
    {
        using var watcher = new ProgressWatcher(Loading(), _logs, _logs.NextSeq, _reports.Add);

        _logs.Append(LogStream.Stdout, "Loading 40%", T0);
        _logs.Append(LogStream.Stdout, "still working", T0.AddSeconds(1));
        _logs.Append(LogStream.Stdout, "Loading 40%", T0.AddSeconds(2));
        _logs.Append(LogStream.Sidecar, "Loading 90%", T0.AddSeconds(3));

        Assert.Equal([new ProgressReport(40, null, T0)], _reports);
    }

    [Fact]
    public void EarlierRunsLines_DoNotCount_ButThisRunsLinesAlreadyWrittenDo()
    {
        _logs.Append(LogStream.Stdout, "Loading 99%", T0);
        var fromSeq = _logs.NextSeq;
        _logs.Append(LogStream.Stdout, "Loading 5%", T0.AddSeconds(1));

        using var watcher = new ProgressWatcher(Loading(), _logs, fromSeq, _reports.Add);

        Assert.Equal([new ProgressReport(5, null, T0.AddSeconds(1))], _reports);
    }

    [Fact]
    public void Dispose_StopsWatching()
    {
        var watcher = new ProgressWatcher(Loading(), _logs, _logs.NextSeq, _reports.Add);

        watcher.Dispose();
        _logs.Append(LogStream.Stdout, "Loading 10%", T0);

        Assert.Empty(_reports);
    }
}
