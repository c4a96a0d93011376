using System.Text.Json.Nodes;
using BackendSidecar.Core.State;
using BackendSidecar.Testing;
using BackendSidecar.Tests.Support;

namespace BackendSidecar.Tests.Attach;

/// <summary>
/// The attach endpoint with real processes (protocol/README.md "Attach"): a second <c>serve --config</c> for the same file
/// attaches to the live sidecar through its socket, as a second editor window would.
/// </summary>
public sealed class AttachTests
{
    private const int SIGKILL = 9;

    private static JsonObject OneBackend() => new() { ["api"] = BackendConfigs.TestBackend(TestWorkspace.FreePort()) };

    /// <summary>The socket of the sidecar serving <paramref name="config"/> (SidecarClient sets XDG_RUNTIME_DIR to the workspace).</summary>
    private static string SocketOf(TestWorkspace work, string config) =>
        Path.Combine(work.Path, "backend-sidecar", SidecarFolders.ConfigKey(config) + ".sock");

    /// <summary>The first sidecar, initialized, once its endpoint is there (it opens right after the initialize answer).</summary>
    private static async Task<SidecarClient> StartFirstAsync(TestWorkspace work, string config)
    {
        var first = SidecarClient.Start(work, WireFraming.Ndjson, ["--config", config]);
        await first.InitializeAsync();
        var socket = SocketOf(work, config);
        using var limit = new CancellationTokenSource(TestTimeouts.Expected);
        while (!File.Exists(socket))
            await Task.Delay(20, limit.Token); // bounded: the socket is bound within milliseconds of the answer
        return first;
    }

    private static async Task<SidecarClient> AttachAsync(TestWorkspace work, string config)
    {
        var second = SidecarClient.Start(work, WireFraming.Header, ["--config", config]);
        await second.InitializeAsync();
        return second;
    }

    private static async Task DetachAsync(SidecarClient client)
    {
        await client.CallAsync("shutdown");
        await client.NotifyAsync("exit");
        Assert.Equal(0, await client.WaitForExitAsync());
    }

    [Fact]
    public async Task TwoClients_SeeTheSameBackend_AndTheSameStatusChanges()
    {
        using var work = new TestWorkspace();
        var config = work.WriteConfig(OneBackend());
        await using var first = await StartFirstAsync(work, config);
        await using var second = await AttachAsync(work, config);

        var cursor = second.Cursor();
        var started = (await first.CallAsync("start", new JsonObject { ["backend"] = "api" }))!;
        var seen = await cursor.NextStatusAsync("api", "running");

        Assert.Equal(started.Int("pid"), seen.Int("pid"));
        var status = (await second.CallAsync("status"))!.Arr("backends")[0]!;
        Assert.Equal("running", status.Str("state"));
        Assert.Equal(started.Int("pid"), status.Int("pid"));
    }

    [Fact]
    public async Task ADetach_LeavesTheBackendRunningForTheOtherClient()
    {
        using var work = new TestWorkspace();
        var config = work.WriteConfig(OneBackend());
        await using var first = await StartFirstAsync(work, config);
        await using var second = await AttachAsync(work, config);
        var pid = (await second.CallAsync("start", new JsonObject { ["backend"] = "api" }))!.Int("pid");

        await DetachAsync(second);

        Assert.True(ProcessProbe.IsAlive(pid), "the backend should outlive a client's detach");
        var status = (await first.CallAsync("status"))!.Arr("backends")[0]!;
        Assert.Equal("running", status.Str("state"));
        Assert.Equal(pid, status.Int("pid"));
    }

    [Fact]
    public async Task TheHostLeavingFirst_KeepsServingTheOther_AndTheLastDetachStopsEverything()
    {
        using var work = new TestWorkspace();
        var config = work.WriteConfig(OneBackend());
        await using var first = await StartFirstAsync(work, config);
        await using var second = await AttachAsync(work, config);
        var pid = (await first.CallAsync("start", new JsonObject { ["backend"] = "api" }))!.Int("pid");

        // The stdio host that spawned the sidecar goes: the sidecar stays for the attached client.
        first.CloseInput();
        var status = (await second.CallAsync("status"))!.Arr("backends")[0]!;
        Assert.Equal("running", status.Str("state"));
        Assert.True(ProcessProbe.IsAlive(first.Pid), "the sidecar should keep serving the attached client");

        await DetachAsync(second);

        Assert.Equal(0, await first.WaitForExitAsync());
        Assert.True(await ProcessProbe.WaitUntilGoneAsync(pid, TestTimeouts.Expected), "the backend should be stopped");
        Assert.False(File.Exists(SocketOf(work, config)), "the socket file should be removed");
    }

    [Fact]
    public async Task ShutdownWithStopBackends_StopsThemForEveryone_AndEndsTheSidecar()
    {
        using var work = new TestWorkspace();
        var config = work.WriteConfig(OneBackend());
        await using var first = await StartFirstAsync(work, config);
        await using var second = await AttachAsync(work, config);
        var pid = (await first.CallAsync("start", new JsonObject { ["backend"] = "api" }))!.Int("pid");

        await second.CallAsync("shutdown", new JsonObject { ["stopBackends"] = true });

        Assert.True(await ProcessProbe.WaitUntilGoneAsync(pid, TestTimeouts.Expected), "the backend should be stopped");
        Assert.Equal(0, await first.WaitForExitAsync());
    }

    [Fact]
    public async Task AStaleSocketLeftByAKilledSidecar_IsReplaced()
    {
        using var work = new TestWorkspace();
        var config = work.WriteConfig(OneBackend());
        await using (var killed = await StartFirstAsync(work, config))
        {
            ProcessProbe.Signal(killed.Pid, SIGKILL);
            await killed.WaitForExitAsync();
        }
        Assert.True(File.Exists(SocketOf(work, config)), "the killed sidecar should have left its socket file");

        // The next serve finds nobody behind the file: it serves by itself, and its endpoint takes the file over.
        await using var next = await StartFirstAsync(work, config);
        var pid = (await next.CallAsync("start", new JsonObject { ["backend"] = "api" }))!.Int("pid");
        await using var attached = await AttachAsync(work, config);
        var status = (await attached.CallAsync("status"))!.Arr("backends")[0]!;
        Assert.Equal(pid, status.Int("pid"));
    }

    [Fact]
    public async Task ASecondServe_Attaches_SoThereIsOneSetOfBackendsAndNoPortFight()
    {
        using var work = new TestWorkspace();
        var api = BackendConfigs.TestBackend(TestWorkspace.FreePort());
        api["autoStart"] = true;
        var config = work.WriteConfig(new JsonObject { ["api"] = api });
        var first = SidecarClient.Start(work, WireFraming.Ndjson, ["--config", config]);
        await using var _ = first;
        var cursor = first.Cursor();
        await first.InitializeAsync();
        var running = await cursor.NextStatusAsync("api", "running");
        await using var second = await AttachAsync(work, config);

        var status = (await second.CallAsync("status"))!.Arr("backends")[0]!;
        Assert.Equal(running.Int("pid"), status.Int("pid"));
        Assert.Equal(0, status.Int("restartCount"));
        Assert.True(ProcessProbe.IsAlive(running.Int("pid")));
    }

    /// <summary>
    /// A host that spawns plain <c>serve</c> and names the file in <c>initialize</c> (as the Electron example and the
    /// TypeScript client do) is a second window too: it reaches the live sidecar instead of starting the backends again.
    /// </summary>
    [Fact]
    public async Task AServeWithoutConfig_InitializedWithTheSameConfigPath_Attaches_SoThereIsNoPortFight()
    {
        using var work = new TestWorkspace();
        var api = BackendConfigs.TestBackend(TestWorkspace.FreePort());
        api["autoStart"] = true;
        var config = work.WriteConfig(new JsonObject { ["api"] = api });
        await using var first = SidecarClient.Start(work, WireFraming.Ndjson, ["--config", config]);
        var cursor = first.Cursor();
        await first.InitializeAsync();
        var running = await cursor.NextStatusAsync("api", "running");

        await using var second = SidecarClient.Start(work, WireFraming.Header);
        var initialized = await second.InitializeAsync(configPath: config, protocolVersion: "1.1");

        var status = (await second.CallAsync("status"))!.Arr("backends")[0]!;
        Assert.Equal("running", initialized.Arr("backends")[0]!.Str("state"));
        Assert.Equal(running.Int("pid"), status.Int("pid"));
        Assert.Equal(0, status.Int("restartCount"));
        // Its shutdown detaches, as any attached client's: the first one still has its backend.
        await DetachAsync(second);
        Assert.True(ProcessProbe.IsAlive(running.Int("pid")), "the backend should outlive the second host's detach");
        Assert.Equal(running.Int("pid"), (await first.CallAsync("status"))!.Arr("backends")[0]!.Int("pid"));
    }

    [Fact]
    public async Task AServeWithoutConfig_InitializedWithAConfigPath_OpensTheEndpointForThatFile()
    {
        using var work = new TestWorkspace();
        var config = work.WriteConfig(OneBackend());
        await using var first = SidecarClient.Start(work, WireFraming.Ndjson);
        await first.InitializeAsync(configPath: config);
        var pid = (await first.CallAsync("start", new JsonObject { ["backend"] = "api" }))!.Int("pid");

        await using var second = await AttachAsync(work, config);

        Assert.True(File.Exists(SocketOf(work, config)), "the endpoint should be named from the file initialize gave");
        Assert.Equal(pid, (await second.CallAsync("status"))!.Arr("backends")[0]!.Int("pid"));
    }

    /// <summary>An inline configuration (built in memory, perhaps with secrets) has no file to name an endpoint from:
    /// nobody can attach, and a second host with the same inline configuration gets a sidecar of its own.</summary>
    [Fact]
    public async Task AnInlineConfiguration_HasNoEndpoint()
    {
        using var work = new TestWorkspace();
        await using var host = SidecarClient.Start(work, WireFraming.Ndjson);
        await host.InitializeAsync(config: new JsonObject { ["backends"] = OneBackend() });
        var pid = (await host.CallAsync("start", new JsonObject { ["backend"] = "api" }))!.Int("pid");

        // The endpoint would be open by now: it opens right after the initialize answer, before the start was read.
        var endpoints = Path.Combine(work.Path, "backend-sidecar");
        Assert.Empty(Directory.Exists(endpoints) ? Directory.GetFiles(endpoints, "*.sock") : []);
        Assert.True(ProcessProbe.IsAlive(pid));
    }
}
