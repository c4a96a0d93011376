using BackendSidecar.Core.Configuration;
using static BackendSidecar.Core.Tests.Configuration.ConfigTestSupport;

namespace BackendSidecar.Core.Tests.Configuration;

/// <summary>Profiles: development vs production, merging rules, bad profile fields.</summary>
public sealed partial class ConfigLoaderTests
{
    private const string TwoProfiles = """
        {"backends": {
          "api": {
            "command": "python3", "args": ["-m", "server"], "port": 8000,
            "env": {"MODEL": "base", "LOG": "debug"},
            "health": {"http": "http://127.0.0.1:${port}/health", "intervalMs": 500},
            "restart": {"policy": "always", "maxRestarts": 9},
            "profiles": {
              "development": {"args": ["-m", "server", "--reload"], "env": {"LOG": "trace"}},
              "production": {"command": "${configDir}/bin/api-server", "args": [], "port": 9000,
                             "env": {"MODEL": "large", "EXTRA": "1"}, "restart": {"maxRestarts": 1}}
            }
          },
          "db": {"command": "postgres"}
        }}
        """;

    [Fact]
    public void Parse_DevelopmentProfile_ReplacesArgsAndMergesEnv()
    {
        var config = Parse(TwoProfiles, "development");
        var api = config.Backends[0];

        Assert.Equal("development", config.Profile);
        Assert.Equal("python3", api.Command);
        Assert.Equal(["-m", "server", "--reload"], api.Args);
        Assert.Equal(new Dictionary<string, string> { ["MODEL"] = "base", ["LOG"] = "trace" }, api.Env);
        Assert.Equal(8000, api.Port);
    }

    [Fact]
    public void Parse_ProductionProfile_ReplacesCommandPortAndWholeObjects()
    {
        var api = Parse(TwoProfiles, "production").Backends[0];

        Assert.Equal("/srv/app/bin/api-server", api.Command);
        Assert.Empty(api.Args);
        Assert.Equal(9000, api.Port);
        Assert.Equal(new Dictionary<string, string> { ["MODEL"] = "large", ["LOG"] = "debug", ["EXTRA"] = "1" }, api.Env);
        // ${port} in the base health URL sees the profile's port.
        Assert.Equal("http://127.0.0.1:9000/health", api.Health!.Target);
        // An object in a profile replaces the backend's whole: policy falls back to its default.
        Assert.Equal(RestartPolicyKind.OnFailure, api.Restart.Policy);
        Assert.Equal(1, api.Restart.MaxRestarts);
    }

    [Fact]
    public void Parse_NoProfile_UsesBaseSettings()
    {
        var api = Parse(TwoProfiles).Backends[0];

        Assert.Equal("python3", api.Command);
        Assert.Equal(["-m", "server"], api.Args);
        Assert.Equal(RestartPolicyKind.Always, api.Restart.Policy);
    }

    [Fact]
    public void Parse_BackendWithoutSelectedProfile_UsesBaseSettings()
    {
        var db = Parse(TwoProfiles, "production").Backends[1];

        Assert.Equal("postgres", db.Command);
        Assert.Null(db.Port);
    }

    [Fact]
    public void Parse_ProfileNobodyDefines_IsAnErrorWithSuggestion()
    {
        var e = Fails(TwoProfiles, "prodcution");

        Assert.Equal("$", e.Path);
        Assert.Equal("$: profile \"prodcution\" is not defined by any backend (did you mean \"production\"?); defined: development, production", e.Message);
    }

    [Fact]
    public void Parse_ProfileWhenNoBackendHasProfiles_OnlySetsProfileVariable()
    {
        var api = ParseApi(""" "command": "x", "args": ["--mode=${profile}"] """, profile: "ci");

        Assert.Equal(["--mode=ci"], api.Args);
    }

    [Theory]
    [InlineData("""{"production": {"port": 0}}""", "$.backends.api.profiles.production.port", "must be >= 1, got 0")]
    [InlineData("""{"production": {"comand": "y"}}""", "$.backends.api.profiles.production.comand", "unknown property (did you mean \"command\"?)")]
    [InlineData("""{"production": {"profiles": {}}}""", "$.backends.api.profiles.production.profiles", "unknown property (allowed: command, args, cwd, env, envFile, searchPaths, port, health, restart, stop, onPortInUse, log, autoStart, dependsOn)")]
    [InlineData("""{"production": {"command": ""}}""", "$.backends.api.profiles.production.command", "must not be empty")]
    [InlineData("""{"production": {"health": {"intervalMs": 5}}}""", "$.backends.api.profiles.production.health", "must have one of \"http\", \"tcp\" or \"stdoutPattern\"")]
    [InlineData("""{"production": {"restart": {"policy": "sometimes"}}}""", "$.backends.api.profiles.production.restart.policy", "must be one of \"never\", \"on-failure\", \"always\", got string \"sometimes\"")]
    [InlineData("""{"production": "fast"}""", "$.backends.api.profiles.production", "must be an object, got string \"fast\"")]
    [InlineData("""{"prod uction": {}}""", "$.backends.api.profiles['prod uction']", "invalid name: must match ^[A-Za-z0-9][A-Za-z0-9._-]*$, got \"prod uction\"")]
    public void Parse_BadProfileField_NamesThePathInsideTheProfile(string profiles, string path, string problem)
    {
        // Profiles are validated whether or not they are selected: a broken production profile is found in development.
        var e = FailsApi(""" "command": "x", "profiles": """ + profiles);

        Assert.Equal($"{path}: {problem}", e.Message);
    }

    [Fact]
    public void Parse_SemanticErrorInSelectedProfile_PointsIntoTheProfile()
    {
        const string members = """ "command": "x", "profiles": {"production": {"health": {"http": "nope"}, "args": ["${port}"]}} """;

        Assert.Single(Parse(Api(members)).Backends);
        var e = FailsApi(members, profile: "production");

        Assert.Equal("$.backends.api.profiles.production.args[0]", e.Path);
        Assert.Contains("${port} is used but the backend has no \"port\"", e.Message, StringComparison.Ordinal);
    }
}
