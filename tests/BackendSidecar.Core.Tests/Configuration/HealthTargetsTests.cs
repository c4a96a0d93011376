using BackendSidecar.Core.Configuration;

namespace BackendSidecar.Core.Tests.Configuration;

public sealed class HealthTargetsTests
{
    [Theory]
    [InlineData("127.0.0.1:8080", "127.0.0.1", 8080)]
    [InlineData("localhost:1", "localhost", 1)]
    [InlineData("[::1]:65535", "::1", 65535)]
    [InlineData("db.internal:5432", "db.internal", 5432)]
    public void TryParseHostPort_Valid_SplitsHostAndPort(string target, string host, int port)
    {
        Assert.True(HealthTargets.TryParseHostPort(target, out var h, out var p));
        Assert.Equal(host, h);
        Assert.Equal(port, p);
    }

    [Theory]
    [InlineData("127.0.0.1")]
    [InlineData(":8080")]
    [InlineData("host:")]
    [InlineData("host:0")]
    [InlineData("host:65536")]
    [InlineData("host:+80")]
    [InlineData("host:80 ")]
    [InlineData("::1:80")]
    [InlineData("[::1]")]
    [InlineData("my host:80")]
    public void TryParseHostPort_Invalid_ReturnsFalse(string target)
    {
        Assert.False(HealthTargets.TryParseHostPort(target, out _, out _));
    }

    [Theory]
    [InlineData("http://127.0.0.1:8080/health", true)]
    [InlineData("https://example.test/", true)]
    [InlineData("HTTP://H/", true)]
    [InlineData("127.0.0.1:8080/health", false)]
    [InlineData("/health", false)]
    [InlineData("file:///etc/passwd", false)]
    [InlineData("http://", false)]
    public void IsHttpUrl_AcceptsOnlyAbsoluteHttp(string url, bool expected)
    {
        Assert.Equal(expected, HealthTargets.IsHttpUrl(url));
    }

    [Fact]
    public void RegexProblem_ValidAndInvalid()
    {
        Assert.Null(HealthTargets.RegexProblem(@"Uvicorn running on http://\S+"));
        Assert.NotNull(HealthTargets.RegexProblem("[unclosed"));
    }
}
