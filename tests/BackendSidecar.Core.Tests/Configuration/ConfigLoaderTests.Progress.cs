using BackendSidecar.Core.Configuration;
using BackendSidecar.Core.Insights;
using static BackendSidecar.Core.Tests.Configuration.ConfigTestSupport;

namespace BackendSidecar.Core.Tests.Configuration;

/// <summary>Protocol 1.1: health.progress and health.stallTimeoutMs.</summary>
public sealed partial class ConfigLoaderTests
{
    [Fact]
    public void Parse_ProgressAndStallTimeout_AreCompiledAndConverted()
    {
        var health = ParseApi("""
            "command": "x", "health": {"http": "http://h/", "startupTimeoutMs": 30000, "progress": "Loading (?<percent>\\d+)%", "stallTimeoutMs": 20000}
            """).Health!;

        Assert.Equal(@"Loading (?<percent>\d+)%", health.Progress!.Pattern);
        Assert.Equal(new ProgressReading(45, null), health.Progress.Match("Loading 45%"));
        Assert.Equal(TimeSpan.FromSeconds(20), health.StallTimeout);
        Assert.Equal(TimeSpan.FromSeconds(20), health.EffectiveStallTimeout);
    }

    [Fact]
    public void Parse_ProgressWithoutStallTimeout_StallsAfterTheStartupTimeout()
    {
        var health = ParseApi("""
            "command": "x", "health": {"tcp": "127.0.0.1:1", "startupTimeoutMs": 45000, "progress": "(?<message>Loading .*)"}
            """).Health!;

        Assert.Null(health.StallTimeout);
        Assert.Equal(TimeSpan.FromSeconds(45), health.EffectiveStallTimeout);
    }

    [Fact]
    public void Parse_SameConfigTwice_GivesEqualHealthOptions()
    {
        const string members = """ "command": "x", "health": {"http": "http://h/", "progress": "(?<message>Loading .*)"} """;

        Assert.Equal(ParseApi(members).Health, ParseApi(members).Health);
    }

    [Fact]
    public void Parse_NoProgress_LeavesBothUnset()
    {
        var health = ParseApi(""" "command": "x", "health": {"http": "http://h/"} """).Health!;

        Assert.Null(health.Progress);
        Assert.Null(health.StallTimeout);
    }

    [Fact]
    public void Parse_ProgressWithVariables_IsExpanded()
    {
        var health = ParseApi("""
            "command": "x", "port": 8000, "health": {"http": "http://h/", "progress": "${port}: (?<percent>\\d+)%"}
            """).Health!;

        Assert.Equal(new ProgressReading(7, null), health.Progress!.Match("8000: 7%"));
    }

    [Theory]
    [InlineData(""" "Loading (\\d+)%" """, "$.backends.api.health.progress: needs a named group (?<percent>...) or (?<message>...)")]
    [InlineData(""" "Loading (?<percent>\\d+%" """, "$.backends.api.health.progress: is not a valid regular expression: ")]
    [InlineData(""" "" """, "$.backends.api.health.progress: ")]
    public void Parse_UnusableProgress_IsAnErrorNamingTheField(string pattern, string messageStart)
    {
        var e = FailsApi(""" "command": "x", "health": {"http": "http://h/", "progress": """ + pattern + "}");

        Assert.Equal("$.backends.api.health.progress", e.Path);
        Assert.StartsWith(messageStart, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_StallTimeoutWithoutProgress_IsAnError()
    {
        var e = FailsApi(""" "command": "x", "health": {"http": "http://h/", "stallTimeoutMs": 20000} """);

        Assert.Equal("$.backends.api.health.stallTimeoutMs: only allowed together with \"progress\"", e.Message);
    }

    [Theory]
    [InlineData(0, "must be >= 1, got 0")]
    [InlineData(2147483648, "must be <= 2147483647, got 2147483648")]
    public void Parse_StallTimeoutOutOfRange_NamesFieldAndLimit(long value, string problem)
    {
        var e = FailsApi($$""" "command": "x", "health": {"http": "http://h/", "progress": "(?<message>.+)", "stallTimeoutMs": {{value}}} """);

        Assert.Equal("$.backends.api.health.stallTimeoutMs", e.Path);
        Assert.Equal($"$.backends.api.health.stallTimeoutMs: {problem}", e.Message);
    }

    [Fact]
    public void Parse_ProgressInAProfile_ReplacesTheHealthCheckWhole()
    {
        var health = ParseApi("""
            "command": "x", "health": {"http": "http://h/", "progress": "(?<message>.+)"},
            "profiles": {"ci": {"health": {"http": "http://h/"}}}
            """, profile: "ci").Health!;

        Assert.Null(health.Progress);
    }
}
