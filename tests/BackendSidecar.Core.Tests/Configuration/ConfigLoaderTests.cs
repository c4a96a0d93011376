using System.Text.Json;
using System.Text.Json.Nodes;
using BackendSidecar.Core.Configuration;
using static BackendSidecar.Core.Tests.Configuration.ConfigTestSupport;

namespace BackendSidecar.Core.Tests.Configuration;

/// <summary>Loading: the contract's sample, defaults, profiles, paths, files and inline configs.</summary>
public sealed partial class ConfigLoaderTests
{
    [Fact]
    public void Load_ContractSample_ReadsEveryValue()
    {
        var config = ConfigLoader.Load(SampleConfigPath, getEnv: NoEnv);
        var dir = Path.GetDirectoryName(SampleConfigPath)!;

        Assert.Equal(SampleConfigPath, config.SourcePath);
        Assert.Null(config.Profile);
        var api = Assert.Single(config.Backends);
        Assert.Equal("api", api.Name);
        Assert.Equal("python3", api.Command);
        Assert.Equal(["-m", "uvicorn", "server.main:app", "--port", "8882"], api.Args);
        Assert.Equal(Path.Combine(dir, "server"), api.Cwd);
        Assert.Equal(new Dictionary<string, string> { ["MODEL"] = "base", ["PYTHONUNBUFFERED"] = "1" }, api.Env);
        Assert.Equal(Path.Combine(dir, ".env"), api.EnvFile);
        Assert.Equal([Path.Combine(dir, ".venv", "bin"), Path.Combine(dir, "venv", "bin")], api.SearchPaths);
        Assert.Equal(8882, api.Port);
        Assert.Equal(dir, api.ConfigDirectory);

        var health = Assert.IsType<HealthOptions>(api.Health);
        Assert.Equal(HealthKind.Http, health.Kind);
        Assert.Equal("http://127.0.0.1:8882/health", health.Target);
        Assert.Equal(200, health.ExpectStatus);
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse("""{"status":"ok"}"""), health.ExpectJson));
        Assert.Equal(TimeSpan.FromSeconds(1), health.Interval);
        Assert.Equal(TimeSpan.FromSeconds(2), health.Timeout);
        Assert.Equal(TimeSpan.FromSeconds(30), health.StartupTimeout);
        Assert.Equal(3, health.FailureThreshold);

        Assert.Equal(RestartPolicyKind.OnFailure, api.Restart.Policy);
        Assert.Equal(3, api.Restart.MaxRestarts);
        Assert.Equal(TimeSpan.FromMinutes(1), api.Restart.Window);
        Assert.Equal(TimeSpan.FromMinutes(1), api.Restart.ResetAfter);
        Assert.Equal(new BackoffOptions { Initial = TimeSpan.FromSeconds(1), Factor = 2, Max = TimeSpan.FromSeconds(30), Jitter = 0.2 }, api.Restart.Backoff);
        Assert.Equal(new StopOptions { Signal = "SIGTERM", Timeout = TimeSpan.FromSeconds(10) }, api.Stop);
        Assert.Equal(PortInUsePolicy.Fail, api.OnPortInUse);
        Assert.Equal(new LogOptions { File = null, MaxBytes = 10485760, KeepFiles = 3, BufferLines = 5000 }, api.Log);
        Assert.False(api.AutoStart);
        Assert.Empty(api.DependsOn);
    }

    [Fact]
    public void Load_ContractSampleWithProductionProfile_UsesBundledExecutable()
    {
        var config = ConfigLoader.Load(SampleConfigPath, "production", NoEnv);
        var dir = Path.GetDirectoryName(SampleConfigPath)!;

        var api = Assert.Single(config.Backends);
        Assert.Equal("production", config.Profile);
        Assert.Equal(Path.Combine(dir, "bin", "api-server"), api.Command);
        Assert.Empty(api.Args);
        // Fields the profile leaves out keep the backend's values.
        Assert.Equal(8882, api.Port);
        Assert.Equal("http://127.0.0.1:8882/health", api.Health!.Target);
    }

    [Fact]
    public void Load_ExampleInvalidConfig_ReportsFirstMistakeWithFile()
    {
        var path = Path.Combine(RepoRoot, "examples", "configs", "invalid.json");

        var e = Assert.Throws<ConfigException>(() => ConfigLoader.Load(path, getEnv: NoEnv));

        AssertOneLine(e);
        Assert.Equal($"{path}: $.backends.api.helth: unknown property (did you mean \"health\"?)", e.Message);
        Assert.Equal(path, e.File);
    }

    [Fact]
    public void Parse_MinimalBackend_AppliesEveryDefault()
    {
        var api = ParseApi(""" "command": "server" """);

        Assert.Equal("server", api.Command);
        Assert.Empty(api.Args);
        Assert.Equal(ConfigDir, api.Cwd);
        Assert.Empty(api.Env);
        Assert.Null(api.EnvFile);
        Assert.Empty(api.SearchPaths);
        Assert.Null(api.Port);
        Assert.Null(api.Health);
        Assert.Equal(new RestartOptions(), api.Restart);
        Assert.Equal(new StopOptions(), api.Stop);
        Assert.Equal(PortInUsePolicy.Fail, api.OnPortInUse);
        Assert.Equal(new LogOptions(), api.Log);
        Assert.False(api.AutoStart);
        Assert.Empty(api.DependsOn);
        Assert.Equal(ConfigDir, api.ConfigDirectory);
    }

    [Fact]
    public void Parse_HealthWithTargetOnly_AppliesHealthDefaults()
    {
        var health = ParseApi(""" "command": "x", "health": {"tcp": "127.0.0.1:5432"} """).Health!;

        Assert.Equal(HealthKind.Tcp, health.Kind);
        Assert.Equal("127.0.0.1:5432", health.Target);
        Assert.Equal(ConfigDefaults.ExpectStatus, health.ExpectStatus);
        Assert.Null(health.ExpectJson);
        Assert.Equal(ConfigDefaults.HealthInterval, health.Interval);
        Assert.Equal(ConfigDefaults.HealthTimeout, health.Timeout);
        Assert.Equal(ConfigDefaults.StartupTimeout, health.StartupTimeout);
        Assert.Equal(ConfigDefaults.FailureThreshold, health.FailureThreshold);
    }

    [Fact]
    public void Parse_EnumsAndNullMaxRestarts_AreConverted()
    {
        var api = ParseApi("""
            "command": "x", "onPortInUse": "reclaim", "autoStart": true,
            "restart": {"policy": "always", "maxRestarts": null, "backoff": {"initialMs": 0}},
            "stop": {"signal": "SIGINT"}, "health": {"stdoutPattern": "Uvicorn running on .*:\\d+"}
            """);

        Assert.Equal(PortInUsePolicy.Reclaim, api.OnPortInUse);
        Assert.True(api.AutoStart);
        Assert.Equal(RestartPolicyKind.Always, api.Restart.Policy);
        Assert.Null(api.Restart.MaxRestarts);
        Assert.Equal(TimeSpan.Zero, api.Restart.Backoff.Initial);
        Assert.Equal(ConfigDefaults.BackoffFactor, api.Restart.Backoff.Factor);
        Assert.Equal("SIGINT", api.Stop.Signal);
        Assert.Equal(HealthKind.StdoutPattern, api.Health!.Kind);
        Assert.Equal(@"Uvicorn running on .*:\d+", api.Health.Target);
    }

    [Fact]
    public void Parse_EmptyBackends_IsValid()
    {
        var config = Parse("""{"$schema": "x.json", "backends": {}}""");

        Assert.Empty(config.Backends);
    }

    [Fact]
    public void Parse_SeveralBackends_KeepsFileOrder()
    {
        var config = Parse("""{"backends": {"web": {"command": "a"}, "api": {"command": "b"}, "db": {"command": "c"}}}""");

        Assert.Equal(["web", "api", "db"], config.Backends.Select(b => b.Name));
    }

    [Fact]
    public void Parse_RelativePaths_ResolveAgainstConfigFolder()
    {
        var api = ParseApi("""
            "command": "x", "cwd": "server", "envFile": "../common/.env", "searchPaths": [".venv/bin", "/opt/py/bin"],
            "log": {"file": "logs/api.log"}
            """);

        Assert.Equal("/srv/app/server", api.Cwd);
        Assert.Equal("/srv/common/.env", api.EnvFile);
        Assert.Equal(["/srv/app/.venv/bin", "/opt/py/bin"], api.SearchPaths);
        Assert.Equal("/srv/app/logs/api.log", api.Log.File);
    }

    [Fact]
    public void Parse_RelativeCommandPath_IsKeptForTheResolver()
    {
        // A command with '/' is resolved against cwd by CommandResolver at spawn time, not here.
        Assert.Equal("./bin/server", ParseApi(""" "command": "./bin/server" """).Command);
    }

    [Fact]
    public void Parse_JsonElement_UsesGivenFolderAndNoFile()
    {
        using var document = JsonDocument.Parse(Api(""" "command": "${configDir}/run.sh", "cwd": "work" """));

        var config = ConfigLoader.Parse(document.RootElement, "/home/me/project/", getEnv: NoEnv);

        var api = Assert.Single(config.Backends);
        Assert.Null(config.SourcePath);
        Assert.Equal("/home/me/project/run.sh", api.Command);
        Assert.Equal("/home/me/project/work", api.Cwd);
    }

    [Fact]
    public void Parse_JsonElementInvalid_MessageHasPathButNoFile()
    {
        using var document = JsonDocument.Parse(Api(""" "command": "x", "port": 0 """));

        var e = Assert.Throws<ConfigException>(() => ConfigLoader.Parse(document.RootElement, "/srv", getEnv: NoEnv));

        Assert.Equal("$.backends.api.port: must be >= 1, got 0", e.Message);
        Assert.Null(e.File);
    }

    [Fact]
    public void Parse_ExpectJson_IsDetachedFromTheDocument()
    {
        JsonNode? expect;
        using (var document = JsonDocument.Parse(Api(""" "command": "x", "health": {"http": "http://h/", "expectJson": {"a": [1, {"b": true}]}} """)))
        {
            expect = ConfigLoader.Parse(document.RootElement, "/srv", getEnv: NoEnv).Backends[0].Health!.ExpectJson;
        }

        Assert.Equal("""{"a":[1,{"b":true}]}""", expect!.ToJsonString());
    }

    [Fact]
    public void Parse_IntegerWrittenWithFraction_IsAccepted()
    {
        var api = ParseApi(""" "command": "x", "port": 8080.0, "health": {"tcp": "h:1", "intervalMs": 250.0} """);

        Assert.Equal(8080, api.Port);
        Assert.Equal(TimeSpan.FromMilliseconds(250), api.Health!.Interval);
    }

    [Fact]
    public void Load_MissingFile_NamesTheFile()
    {
        using var temp = new TempFolder();
        var path = temp.Combine("nope.json");

        var e = Assert.Throws<ConfigException>(() => ConfigLoader.Load(path));

        Assert.Equal($"{path}: file not found", e.Message);
        Assert.Equal("$", e.Path);
    }

    [Fact]
    public void Load_Directory_SaysSo()
    {
        using var temp = new TempFolder();

        var e = Assert.Throws<ConfigException>(() => ConfigLoader.Load(temp.Path));

        Assert.Equal($"{temp.Path}: is a directory, not a config file", e.Message);
    }

    [Fact]
    public void Load_InvalidJson_NamesFileLineAndColumn()
    {
        using var temp = new TempFolder();
        var path = temp.Write("backends.json", "{\n  \"backends\": {\n    \"api\": }\n}\n");

        var e = Assert.Throws<ConfigException>(() => ConfigLoader.Load(path));

        AssertOneLine(e);
        Assert.Equal(3, e.Line);
        Assert.Equal(12, e.Column);
        Assert.StartsWith($"{path}:3:12: invalid JSON: ", e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("")]
    [InlineData("{\"backends\": {},}")]
    [InlineData("{\"backends\": {}} // comment")]
    [InlineData("{\"backends\": {}} {}")]
    public void Load_NotStrictJson_IsInvalidJson(string content)
    {
        using var temp = new TempFolder();
        var path = temp.Write("backends.json", content);

        var e = Assert.Throws<ConfigException>(() => ConfigLoader.Load(path));

        AssertOneLine(e);
        Assert.Contains("invalid JSON: ", e.Message, StringComparison.Ordinal);
        Assert.NotNull(e.Line);
    }

    [Fact]
    public void Parse_InvalidJsonText_NamesLineWithoutFile()
    {
        var e = Assert.Throws<ConfigException>(() => ConfigLoader.Parse("{\n\"backends\": [}", "/srv"));

        AssertOneLine(e);
        Assert.StartsWith("line 2, column 14: invalid JSON: ", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_FileWithByteOrderMark_Loads()
    {
        using var temp = new TempFolder();
        var path = temp.Combine("bom.json");
        File.WriteAllText(path, Api(""" "command": "x" """), new System.Text.UTF8Encoding(encoderShouldEmitUTF8Identifier: true));

        Assert.Single(ConfigLoader.Load(path).Backends);
    }

    [Fact]
    public void Load_SchemaErrorInFile_MessageStartsWithFile()
    {
        using var temp = new TempFolder();
        var path = temp.Write("b.json", Api(""" "command": "x", "restart": {"policy": "sometimes"} """));

        var e = Assert.Throws<ConfigException>(() => ConfigLoader.Load(path));

        Assert.Equal(
            $"{path}: $.backends.api.restart.policy: must be one of \"never\", \"on-failure\", \"always\", got string \"sometimes\"",
            e.Message);
        Assert.Equal("$.backends.api.restart.policy", e.Path);
    }

    [Fact]
    public void Load_PathWithDotDot_ConfigDirIsTheFilesNormalizedFolder()
    {
        using var temp = new TempFolder();
        temp.Write("conf/b.json", Api(""" "command": "${configDir}/srv" """));
        Directory.CreateDirectory(temp.Combine("other"));

        var config = ConfigLoader.Load(temp.Combine("other", "..", "conf", "b.json"));

        Assert.Equal(temp.Combine("conf", "srv"), config.Backends[0].Command);
        Assert.Equal(temp.Combine("conf", "b.json"), config.SourcePath);
    }
}
