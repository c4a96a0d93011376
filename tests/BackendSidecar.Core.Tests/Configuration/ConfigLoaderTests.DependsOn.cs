using static BackendSidecar.Core.Tests.Configuration.ConfigTestSupport;

namespace BackendSidecar.Core.Tests.Configuration;

/// <summary>dependsOn: unknown names, self-dependency, cycles.</summary>
public sealed partial class ConfigLoaderTests
{
    [Fact]
    public void Parse_DependencyChain_Loads()
    {
        var config = Parse("""{"backends": {"web": {"command": "a", "dependsOn": ["api"]}, "api": {"command": "b", "dependsOn": ["db"]}, "db": {"command": "c"}}}""");

        Assert.Equal(["api"], config.Backends[0].DependsOn);
        Assert.Equal(["db"], config.Backends[1].DependsOn);
    }

    [Fact]
    public void Parse_UnknownDependency_SuggestsAndListsKnown()
    {
        var e = Fails("""{"backends": {"api": {"command": "a", "dependsOn": ["dbb"]}, "db": {"command": "c"}}}""");

        Assert.Equal("$.backends.api.dependsOn[0]: unknown backend \"dbb\" (did you mean \"db\"?); known: api, db", e.Message);
    }

    [Fact]
    public void Parse_SelfDependency_IsAnError()
    {
        var e = Fails("""{"backends": {"api": {"command": "a", "dependsOn": ["api"]}}}""");

        Assert.Equal("$.backends.api.dependsOn[0]: a backend cannot depend on itself", e.Message);
    }

    [Fact]
    public void Parse_TwoBackendCycle_NamesTheCycle()
    {
        var e = Fails("""{"backends": {"a": {"command": "x", "dependsOn": ["b"]}, "b": {"command": "y", "dependsOn": ["a"]}}}""");

        Assert.Equal("$.backends.b.dependsOn[0]: dependency cycle: a -> b -> a", e.Message);
    }

    [Fact]
    public void Parse_LongerCycleBehindAnAcyclicPart_NamesOnlyTheCycle()
    {
        var e = Fails("""
            {"backends": {
              "web": {"command": "x", "dependsOn": ["api"]},
              "api": {"command": "x", "dependsOn": ["cache", "queue"]},
              "cache": {"command": "x"},
              "queue": {"command": "x", "dependsOn": ["worker"]},
              "worker": {"command": "x", "dependsOn": ["api"]}
            }}
            """);

        Assert.Equal("$.backends.worker.dependsOn[0]: dependency cycle: api -> queue -> worker -> api", e.Message);
    }

    [Fact]
    public void Parse_CycleCreatedByProfile_PointsIntoTheProfile()
    {
        const string json = """
            {"backends": {
              "a": {"command": "x", "dependsOn": ["b"]},
              "b": {"command": "y", "profiles": {"p": {"dependsOn": ["a"]}}}
            }}
            """;

        Assert.Equal(2, Parse(json).Backends.Count);
        var e = Fails(json, profile: "p");

        Assert.Equal("$.backends.b.profiles.p.dependsOn[0]: dependency cycle: a -> b -> a", e.Message);
    }
}
