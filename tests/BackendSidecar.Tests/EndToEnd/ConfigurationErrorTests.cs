using System.Text.Json.Nodes;
using BackendSidecar.Testing;
using BackendSidecar.Tests.Support;

namespace BackendSidecar.Tests.EndToEnd;

/// <summary>Errors found before any backend runs: unknown names, a bad configuration, a command that is not there.</summary>
public sealed class ConfigurationErrorTests
{
    [Fact]
    public async Task Start_UnknownBackend_IsRefusedWithTheKnownNames()
    {
        using var work = new TestWorkspace();
        await using var sidecar = await SidecarClient.StartInitializedAsync(work, new JsonObject
        {
            ["api"] = new JsonObject { ["command"] = TestBackendApp.Path },
            ["worker"] = new JsonObject { ["command"] = TestBackendApp.Path },
        });

        var error = await sidecar.CallForErrorAsync("start", new JsonObject { ["backend"] = "nope" }, -32010);
        Assert.Equal("nope", error.Obj("data").Str("backend"));
        Assert.Equal(["api", "worker"], error.Obj("data").Arr("known").Select(k => k!.GetValue<string>()).Order());

        await sidecar.CallForErrorAsync("subscribe", new JsonObject { ["logs"] = BackendConfigs.Strings(["api", "nope"]) }, -32010);
        await sidecar.CallForErrorAsync("logs", new JsonObject { ["backend"] = "nope" }, -32010);
    }

    [Fact]
    public async Task Initialize_InvalidInlineConfig_IsRefusedWithThePath_AndCanBeSentAgain()
    {
        using var work = new TestWorkspace();
        await using var sidecar = SidecarClient.Start(work, WireFraming.Header);
        var bad = new JsonObject { ["backends"] = new JsonObject { ["api"] = new JsonObject { ["command"] = "x", ["port"] = "eighty" } } };

        var response = await sidecar.RequestAsync("initialize", new JsonObject
        {
            ["protocolVersion"] = "1.0",
            ["clientInfo"] = new JsonObject { ["name"] = "e2e" },
            ["config"] = bad,
        });

        var error = sidecar.ErrorOf(response, -32011, "initialize with a bad config");
        Assert.Equal("$.backends.api.port", error.Obj("data").Str("path"));
        var good = new JsonObject { ["backends"] = new JsonObject { ["api"] = new JsonObject { ["command"] = TestBackendApp.Path } } };
        var init = await sidecar.InitializeAsync(config: good);
        Assert.Equal("api", Assert.Single(init.Arr("backends")).Str("backend"));
    }

    [Fact]
    public async Task Initialize_ConfigFileWithInvalidUtf8_IsAConfigurationErrorNamingLineAndColumn()
    {
        using var work = new TestWorkspace();
        var path = work.File("config.json");
        File.WriteAllBytes(path, [.. "{\"backends\": {\"api\": {\n  \"command\": \"py"u8, 0xFF, .. "\"}}}"u8]);
        await using var sidecar = SidecarClient.Start(work, WireFraming.Ndjson);

        var error = await InitializeForErrorAsync(sidecar, path);

        Assert.StartsWith($"invalid configuration: {path}:2:17: invalid UTF-8", error.Str("message"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Initialize_ConfigPathIsAFifo_IsRefusedAtOnce()
    {
        using var work = new TestWorkspace();
        var fifo = work.File("config.json");
        using (var mkfifo = System.Diagnostics.Process.Start("mkfifo", [fifo])) await mkfifo.WaitForExitAsync();
        await using var sidecar = SidecarClient.Start(work, WireFraming.Ndjson);

        var error = await InitializeForErrorAsync(sidecar, fifo);

        Assert.Contains("is not a regular file", error.Str("message"), StringComparison.Ordinal);
    }

    private static async Task<JsonObject> InitializeForErrorAsync(SidecarClient sidecar, string configPath)
    {
        var response = await sidecar.RequestAsync("initialize", new JsonObject
        {
            ["protocolVersion"] = "1.0",
            ["clientInfo"] = new JsonObject { ["name"] = "e2e" },
            ["configPath"] = configPath,
        });
        return sidecar.ErrorOf(response, -32011, "initialize with a bad config file");
    }

    [Fact]
    public async Task Start_CommandNotFound_FailsWithWhatWasSearched()
    {
        using var work = new TestWorkspace();
        await using var sidecar = await SidecarClient.StartInitializedAsync(work, new JsonObject
        {
            ["api"] = new JsonObject { ["command"] = "no-such-command-e2e", ["searchPaths"] = BackendConfigs.Strings(["venv/bin"]) },
        });

        var error = await sidecar.CallForErrorAsync("start", new JsonObject { ["backend"] = "api" }, -32012);

        var searched = error.Obj("data").Arr("searched").Select(s => s!.GetValue<string>()).ToList();
        Assert.Contains(Path.Combine(work.Path, "venv", "bin", "no-such-command-e2e"), searched);
        Assert.Equal("api", error.Obj("data").Str("backend"));
        await Expect.FailedWithAsync(sidecar, "api", -32012);
    }
}
