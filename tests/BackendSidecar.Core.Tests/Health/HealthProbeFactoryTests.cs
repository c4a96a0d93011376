using System.Text.Json.Nodes;
using BackendSidecar.Core.Configuration;
using BackendSidecar.Core.Health;
using BackendSidecar.Core.Logging;

namespace BackendSidecar.Core.Tests.Health;

public class HealthProbeFactoryTests
{
    private static readonly LogRingBuffer Logs = new(10);

    [Fact]
    public void Create_Http_HttpProbeOnThatUrl()
    {
        using var probe = new HealthProbeFactory().Create(
            new HealthOptions { Kind = HealthKind.Http, Target = "http://127.0.0.1:8882/health", ExpectJson = JsonNode.Parse("""{"status":"ok"}""") },
            Logs, 1);

        Assert.Equal(new Uri("http://127.0.0.1:8882/health"), Assert.IsType<HttpHealthProbe>(probe).Url);
    }

    [Theory]
    [InlineData("127.0.0.1:8882", "127.0.0.1", 8882)]
    [InlineData("localhost:1", "localhost", 1)]
    [InlineData("[::1]:65535", "::1", 65535)]
    public void Create_Tcp_HostAndPortParsed(string target, string host, int port)
    {
        using var probe = new HealthProbeFactory().Create(new HealthOptions { Kind = HealthKind.Tcp, Target = target }, Logs, 1);

        var tcp = Assert.IsType<TcpHealthProbe>(probe);
        Assert.Equal((host, port), (tcp.Host, tcp.Port));
    }

    [Theory]
    [InlineData("8882")]
    [InlineData(":8882")]
    [InlineData("host:")]
    [InlineData("host:0")]
    [InlineData("host:70000")]
    [InlineData("host:80a")]
    [InlineData("::1:8080")]
    public void Create_TcpTargetNotHostPort_ArgumentException(string target)
    {
        var error = Assert.Throws<ArgumentException>(() =>
            new HealthProbeFactory().Create(new HealthOptions { Kind = HealthKind.Tcp, Target = target }, Logs, 1));
        Assert.Contains(target, error.Message);
    }

    [Fact]
    public void Create_HttpTargetNotAUrl_ArgumentException()
    {
        Assert.Throws<ArgumentException>(() =>
            new HealthProbeFactory().Create(new HealthOptions { Kind = HealthKind.Http, Target = "not a url" }, Logs, 1));
    }

    [Fact]
    public void Create_StdoutPattern_PatternProbe()
    {
        using var probe = new HealthProbeFactory().Create(new HealthOptions { Kind = HealthKind.StdoutPattern, Target = "ready" }, Logs, 1);

        Assert.IsType<StdoutPatternProbe>(probe);
    }

    [Fact]
    public void CreatePattern_NeedsBacktracking_StillWorksWithATimeout()
    {
        var regex = HealthProbeFactory.CreatePattern(@"(\w)\1 ready");

        Assert.Matches(regex, "xx ready");
        Assert.Equal(HealthProbeFactory.PatternMatchTimeout, regex.MatchTimeout);
    }

    [Fact]
    public void CreatePattern_Invalid_ArgumentException()
    {
        Assert.ThrowsAny<ArgumentException>(() => HealthProbeFactory.CreatePattern("(unclosed"));
    }
}
