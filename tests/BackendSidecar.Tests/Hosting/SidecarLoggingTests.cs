using System.Text;
using System.Text.RegularExpressions;
using BackendSidecar.Hosting;
using Microsoft.Extensions.Logging;

namespace BackendSidecar.Tests.Hosting;

public sealed class SidecarLoggingTests
{
    [Fact]
    public void Log_RecordsAtOrAboveTheLevel_OneLineEachInTheSimpleConsoleFormat()
    {
        using var stderr = new MemoryStream();
        var factory = SidecarLogging.Create("information", stderr);
        var logger = factory.CreateLogger("BackendSidecar.Session");

        logger.LogDebug("not shown");
        logger.LogInformation("started {Count} backends", 2);
        logger.LogWarning(new InvalidOperationException("boom"), "two\nlines");
        factory.Dispose();

        var lines = Encoding.UTF8.GetString(stderr.ToArray()).Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(2, lines.Length);
        Assert.Matches(new Regex(@"^\d\d:\d\d:\d\d\.\d{3} info: BackendSidecar\.Session\[0\] started 2 backends$"), lines[0]);
        Assert.Matches(new Regex(@"^\d\d:\d\d:\d\d\.\d{3} warn: BackendSidecar\.Session\[0\] two lines System\.InvalidOperationException: boom$"), lines[1]);
    }

    [Fact]
    public void Log_LevelNone_WritesNothing()
    {
        using var stderr = new MemoryStream();
        var factory = SidecarLogging.Create("none", stderr);

        factory.CreateLogger("x").LogCritical("not shown");
        factory.Dispose();

        Assert.Empty(stderr.ToArray());
    }
}
