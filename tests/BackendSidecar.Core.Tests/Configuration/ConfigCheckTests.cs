using BackendSidecar.Core.Configuration;

namespace BackendSidecar.Core.Tests.Configuration;

/// <summary><see cref="ConfigLoader.Check"/>: every problem of a file at once, for <c>check</c>; <see cref="ConfigLoader.Load"/> still stops at the first.</summary>
public sealed class ConfigCheckTests
{
    private const string ThreeProblems = """
        {"backends": {
          "api": {"command": "python3", "port": 0},
          "web": {"command": "node", "restart": {"policy": "sometimes"}},
          "worker": {"command": "sh", "health": {"tcp": "localhost"}},
          "jobs": {"command": "sh"}
        }}
        """;

    [Fact]
    public void Check_ReportsEveryProblem_InDocumentOrder_EachNamingTheFile()
    {
        using var temp = new TempFolder();
        var path = temp.Write("backends.json", ThreeProblems);

        var report = ConfigLoader.Check(path);

        Assert.Null(report.Config);
        Assert.Equal(
        [
            $"{path}: $.backends.api.port: must be >= 1, got 0",
            $"{path}: $.backends.web.restart.policy: must be one of \"never\", \"on-failure\", \"always\", got string \"sometimes\"",
            $"{path}: $.backends.worker.health.tcp: must be host:port with a port 1..65535 (e.g. 127.0.0.1:8080), got \"localhost\"",
        ], report.Errors.Select(e => e.Message));
    }

    [Fact]
    public void Load_StillStopsAtTheFirstProblem()
    {
        using var temp = new TempFolder();
        var path = temp.Write("backends.json", ThreeProblems);

        var e = Assert.Throws<ConfigException>(() => ConfigLoader.Load(path));

        Assert.Equal($"{path}: $.backends.api.port: must be >= 1, got 0", e.Message);
    }

    [Fact]
    public void Check_SeveralProblemsInOneBackend_AreEachReported()
    {
        using var temp = new TempFolder();
        var path = temp.Write("backends.json", """{"backends": {"api": {"comand": "x", "port": "80", "autoStart": 1}}}""");

        var report = ConfigLoader.Check(path);

        Assert.Equal(
        [
            "$.backends.api.comand", "$.backends.api.port", "$.backends.api.autoStart", "$.backends.api.command",
        ], report.Errors.Select(e => e.Path));
    }

    [Fact]
    public void Check_UnknownDependencies_AreAllReported_WithTheProfileError()
    {
        using var temp = new TempFolder();
        var path = temp.Write("backends.json", """
            {"backends": {
              "api": {"command": "x", "dependsOn": ["db"], "profiles": {"production": {}}},
              "worker": {"command": "x", "dependsOn": ["api", "cache"]}
            }}
            """);

        var report = ConfigLoader.Check(path, profile: "prodution");

        Assert.Equal(
        [
            "$", "$.backends.api.dependsOn[0]", "$.backends.worker.dependsOn[1]",
        ], report.Errors.Select(e => e.Path));
        Assert.Contains("did you mean \"production\"", report.Errors[0].Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Check_ACycle_IsReportedOnce()
    {
        using var temp = new TempFolder();
        var path = temp.Write("backends.json", """{"backends": {"a": {"command": "x", "dependsOn": ["b"]}, "b": {"command": "x", "dependsOn": ["a"]}}}""");

        var error = Assert.Single(ConfigLoader.Check(path).Errors);

        Assert.Contains("dependency cycle: a -> b -> a", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Check_AGoodFile_GivesTheConfig_AndNoErrors()
    {
        var report = ConfigLoader.Check(ConfigTestSupport.SampleConfigPath);

        Assert.Empty(report.Errors);
        Assert.Equal("api", Assert.Single(report.Config!.Backends).Name);
    }

    [Fact]
    public void Check_AFileThatIsNotJson_OrMissing_IsOneProblem()
    {
        using var temp = new TempFolder();
        var broken = temp.Write("broken.json", "{\"backends\": {},}");

        Assert.Contains("invalid JSON: a comma before `}` is not allowed", Assert.Single(ConfigLoader.Check(broken).Errors).Message, StringComparison.Ordinal);
        Assert.Equal($"{temp.Combine("none.json")}: file not found", Assert.Single(ConfigLoader.Check(temp.Combine("none.json")).Errors).Message);
    }
}
