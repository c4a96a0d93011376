using System.Diagnostics;
using System.Text.Json.Nodes;
using BackendSidecar.Testing;
using BackendSidecar.Tests.Support;

namespace BackendSidecar.Tests.EndToEnd;

/// <summary>Starts that run a backend and fail, or give up, end to end, with the <c>data</c> the contract promises (CONTRACT.md, Errors).</summary>
public sealed class StartFailureTests
{
    [Fact]
    public async Task Start_NeverHealthyWithinStartupTimeout_FailsAndStopsTheProcess()
    {
        using var work = new TestWorkspace();
        var port = TestWorkspace.FreePort();
        var backend = BackendConfigs.TestBackend(port, "--ready-after-ms", "600000");
        backend.Obj("health")["startupTimeoutMs"] = 400;
        backend["restart"] = BackendConfigs.Restart(maxRestarts: 0, policy: "never");
        await using var sidecar = await SidecarClient.StartInitializedAsync(work, new JsonObject { ["api"] = backend }, WireFraming.Header);
        var cursor = sidecar.Cursor();

        var error = await sidecar.CallForErrorAsync("start", new JsonObject { ["backend"] = "api" }, -32013);

        var pid = (await cursor.NextStatusAsync("api", "starting")).Int("pid");
        Assert.Equal("api", error.Obj("data").Obj("status").Str("backend"));
        Assert.Contains("400 ms", error.Str("message"));
        await Expect.FailedWithAsync(sidecar, "api", -32013);
        Assert.True(await ProcessProbe.WaitUntilGoneAsync(pid));
    }

    [Fact]
    public async Task Start_ExitsBeforeHealthy_FailsWithExitCodeAndLastLines()
    {
        using var work = new TestWorkspace();
        var port = TestWorkspace.FreePort();
        // Health is checked on a port it never opens: it exits first.
        var backend = BackendConfigs.TestBackend(port);
        backend["args"] = BackendConfigs.Strings(["--print", "loading model", "--stderr", "fatal: no model file", "--exit-code", "3"]);
        // Restarts allowed: a start that waits is answered with its own attempt's failure, not retried.
        backend["restart"] = BackendConfigs.Restart(maxRestarts: 3);
        await using var sidecar = await SidecarClient.StartInitializedAsync(work, new JsonObject { ["api"] = backend });

        var error = await sidecar.CallForErrorAsync("start", new JsonObject { ["backend"] = "api" }, -32014);

        var data = error.Obj("data");
        Assert.Equal(3, data.Int("exitCode"));
        Assert.True(data.IsNullMember("signal"));
        var lastLines = data.Arr("lastLines").Select(l => l!.GetValue<string>()).ToList();
        Assert.Contains("fatal: no model file", lastLines);
        Assert.Contains("loading model", lastLines);
        var status = await Expect.FailedWithAsync(sidecar, "api", -32014);
        Assert.Equal(3, status.Obj("lastExit").Int("code"));
        Assert.Equal(0, status.Int("restartCount"));
        Assert.Single(sidecar.BackendPids);
    }

    [Fact]
    public async Task Start_PortHeldByAForeignProcess_FailsNamingIt()
    {
        using var work = new TestWorkspace();
        using var tracker = new ProcessTracker();
        var port = TestWorkspace.FreePort();
        var script = work.WriteScript("hold_port.py", """
            import socket, sys, time
            s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
            s.bind(("127.0.0.1", int(sys.argv[1])))
            s.listen()
            print("listening", flush=True)
            time.sleep(3600)
            """);
        using var holder = Process.Start(new ProcessStartInfo("python3", [script, BackendConfigs.Text(port)]) { RedirectStandardOutput = true })!;
        tracker.Track(holder.Id);
        try
        {
            await new OutputLines(holder.StandardOutput.BaseStream).WaitForLineAsync(l => l == "listening");
            await using var sidecar = await SidecarClient.StartInitializedAsync(work, new JsonObject { ["api"] = BackendConfigs.TestBackend(port) });

            var error = await sidecar.CallForErrorAsync("start", new JsonObject { ["backend"] = "api" }, -32015);

            var data = error.Obj("data");
            Assert.Equal((port, holder.Id), (data.Int("port"), data.Int("pid")));
            Assert.StartsWith("python", data.Str("processName"));
            await Expect.FailedWithAsync(sidecar, "api", -32015);
            Assert.True(ProcessProbe.IsAlive(holder.Id), "the foreign process must not be touched");
        }
        finally
        {
            holder.Kill();
        }
    }

    [Fact]
    public async Task StartWithoutWait_CrashingBeforeHealthyEveryTime_GivesUpAfterMaxRestarts()
    {
        using var work = new TestWorkspace();
        var port = TestWorkspace.FreePort();
        var backend = BackendConfigs.TestBackend(port);
        backend["args"] = BackendConfigs.Strings(["--exit-code", "1"]);
        backend["restart"] = BackendConfigs.Restart(maxRestarts: 2);
        await using var sidecar = await SidecarClient.StartInitializedAsync(work, new JsonObject { ["api"] = backend });
        var cursor = sidecar.Cursor();

        await sidecar.CallAsync("start", new JsonObject { ["backend"] = "api", ["wait"] = false });

        var failed = await cursor.NextStatusAsync("api", "failed");
        Assert.Equal(2, failed.Int("restartCount"));
        Assert.Equal(-32016, failed.Obj("lastError").Int("code"));
        Assert.Equal(3, sidecar.BackendPids.Count);
    }

    [Fact]
    public async Task Running_CrashingAgainAndAgain_GivesUpWithRestartCountAtMaxRestarts()
    {
        using var work = new TestWorkspace();
        var port = TestWorkspace.FreePort();
        var backend = BackendConfigs.TestBackend(port);
        backend["restart"] = BackendConfigs.Restart(maxRestarts: 1);
        await using var sidecar = await SidecarClient.StartInitializedAsync(work, new JsonObject { ["api"] = backend });
        var cursor = sidecar.Cursor();
        Assert.Equal("running", (await sidecar.CallAsync("start", new JsonObject { ["backend"] = "api" })).Str("state"));

        // test-backend exits with code 3 on GET /crash: a crash after it was healthy, twice.
        await CrashAsync(port);
        await cursor.NextStatusAsync("api", "running", p => p.Int("restartCount") == 1);
        await CrashAsync(port);

        var failed = await cursor.NextStatusAsync("api", "failed");
        Assert.Equal(-32016, failed.Obj("lastError").Int("code"));
        Assert.Equal(1, failed.Int("restartCount"));
        Assert.Equal(3, failed.Obj("lastExit").Int("code"));
    }

    private static async Task CrashAsync(int port)
    {
        using var http = new HttpClient { Timeout = TestTimeouts.Unexpected };
        try
        {
            await http.GetAsync(new Uri($"http://127.0.0.1:{port}/crash"));
        }
        catch (HttpRequestException)
        {
            // It exits before it answers.
        }
    }

    [Fact]
    public async Task StartWait_CancelledByCancelRequest_AnswersRequestCancelled_AndTheStartGoesOn()
    {
        using var work = new TestWorkspace();
        var port = TestWorkspace.FreePort();
        var backend = BackendConfigs.TestBackend(port, "--ready-after-ms", "600000");
        backend.Obj("health")["startupTimeoutMs"] = 60000;
        await using var sidecar = await SidecarClient.StartInitializedAsync(work, new JsonObject { ["api"] = backend }, WireFraming.Header);
        var cursor = sidecar.Cursor();

        var id = await sidecar.SendRequestAsync("start", new JsonObject { ["backend"] = "api", ["wait"] = true });
        var pid = (await cursor.NextStatusAsync("api", "starting")).Int("pid");
        await sidecar.NotifyAsync("$/cancelRequest", new JsonObject { ["id"] = id.DeepClone() });

        sidecar.ErrorOf(await sidecar.ResponseAsync(id), -32800, "the cancelled start");
        var status = Assert.Single((await sidecar.CallAsync("status"))!.Arr("backends"));
        Assert.Equal(("starting", pid), (status.Str("state"), status.Int("pid")));
        Assert.Equal("stopped", (await sidecar.CallAsync("stop", new JsonObject { ["backend"] = "api" })).Str("state"));
        Assert.False(ProcessProbe.IsAlive(pid));
    }
}
