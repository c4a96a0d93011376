using System.Text.Json.Nodes;
using BackendSidecar.Core.Insights;
using BackendSidecar.Testing;
using BackendSidecar.Tests.Support;

namespace BackendSidecar.Tests.EndToEnd;

/// <summary>
/// Issue 12's "done when", end to end with real processes, scaled down in time: a load of 10%..100% that takes longer
/// than startupTimeoutMs becomes running, one that stops at 40% fails naming 40%; crash causes and resources.
/// </summary>
public sealed class InsightsTests
{
    /// <summary>Prints Loading 10%.. every <c>step</c> seconds up to <c>stop</c>, then either serves "ready" or hangs.</summary>
    private const string LoaderScript = """
        import sys, time
        step, stop = float(sys.argv[1]), int(sys.argv[2])
        for percent in range(10, stop + 1, 10):
            print(f"Loading {percent}% (layer {percent // 10})", flush=True)
            time.sleep(step)
        if stop == 100:
            print("model ready", flush=True)
        time.sleep(600)
        """;

    /// <summary>
    /// The interpreter itself: a version manager's python3 shim (pyenv) takes seconds on a loaded machine, longer than the
    /// scaled-down startup timeout, before the script prints anything.
    /// </summary>
    private static readonly Lazy<string> s_python = new(() =>
    {
        using var process = System.Diagnostics.Process.Start(new System.Diagnostics.ProcessStartInfo("python3", ["-c", "import sys; print(sys.executable)"])
        {
            RedirectStandardOutput = true,
        })!;
        var path = process.StandardOutput.ReadToEnd().Trim();
        process.WaitForExit();
        return path.Length > 0 ? path : "python3";
    });

    /// <summary>startupTimeoutMs 1500 and stallTimeoutMs 1000: the issue's 30000/20000, scaled down by 20.</summary>
    private static JsonObject Loader(TestWorkspace work, double stepSeconds, int stopAt) => new()
    {
        ["command"] = s_python.Value,
        ["args"] = BackendConfigs.Strings(["-u", work.WriteScript("loader.py", LoaderScript), stepSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture), BackendConfigs.Text(stopAt)]),
        ["health"] = new JsonObject
        {
            ["stdoutPattern"] = "model ready",
            ["startupTimeoutMs"] = 1500,
            ["progress"] = @"Loading (?<percent>\d+)% \((?<message>[^)]*)\)",
            ["stallTimeoutMs"] = 1000,
        },
        ["restart"] = BackendConfigs.Restart(maxRestarts: 0, policy: "never"),
        ["stop"] = new JsonObject { ["timeoutMs"] = 5000 },
    };

    [Fact]
    public async Task Loading_ProgressKeepsComing_RunsLongerThanTheStartupTimeoutAndBecomesRunning()
    {
        using var work = new TestWorkspace();
        // 10 steps of 250 ms: 2.5 s of loading against a startup timeout of 1.5 s.
        await using var sidecar = await SidecarClient.StartInitializedAsync(work, new JsonObject { ["model"] = Loader(work, 0.25, 100) });
        var cursor = sidecar.Cursor();

        var result = await sidecar.CallAsync("start", new JsonObject { ["backend"] = "model" }, timeout: TimeSpan.FromSeconds(30));

        Assert.Equal("running", result.Str("state"));
        Assert.True(result.IsNullMember("progress"));
        var seen = new List<double>();
        while (true)
        {
            var change = await cursor.NextNotificationAsync("statusChanged", p => p.Str("reason") is "loading progress" or "health check passed (matched \"model ready\")" || p.Str("state") == "running", "progress or running");
            if (change.Str("state") == "running") break;
            Assert.Equal("starting", change.Str("previousState"));
            seen.Add(change.Obj("progress")["percent"]!.GetValue<double>());
            Assert.StartsWith("layer ", change.Obj("progress").Str("message"));
        }
        Assert.True(seen.Count >= 3, $"progress seen: {string.Join(", ", seen)}");
        Assert.Equal(seen.Order(), seen);
        Assert.True(seen[^1] >= 60, $"progress seen: {string.Join(", ", seen)}");
    }

    [Fact]
    public async Task Loading_StopsAt40Percent_FailsAfterTheStallTimeoutNamingIt()
    {
        using var work = new TestWorkspace();
        await using var sidecar = await SidecarClient.StartInitializedAsync(work, new JsonObject { ["model"] = Loader(work, 0.25, 40) });

        var error = await sidecar.CallForErrorAsync("start", new JsonObject { ["backend"] = "model" }, -32013, TimeSpan.FromSeconds(30));

        Assert.StartsWith("no progress for 1000 ms after 40% (layer 4)", error.Str("message"));
        Assert.Equal(40, error.Obj("data").Obj("progress")["percent"]!.GetValue<double>());
        var status = await Expect.FailedWithAsync(sidecar, "model", -32013);
        Assert.Equal("stopped-by-sidecar", status.Obj("lastExit").Str("cause"));
        Assert.Contains("loading progress stalled", status.Obj("lastExit").Str("hint"));
        Assert.True(status.IsNullMember("progress"));
    }

    [Fact]
    public async Task ExitCause_MissingPythonModule_ShowsCauseAndHint()
    {
        using var work = new TestWorkspace();
        var backend = new JsonObject
        {
            ["command"] = "python3",
            ["args"] = BackendConfigs.Strings(["-c", "import nosuchmodule"]),
            ["health"] = new JsonObject { ["stdoutPattern"] = "never printed" },
            ["restart"] = BackendConfigs.Restart(maxRestarts: 0, policy: "never"),
        };
        await using var sidecar = await SidecarClient.StartInitializedAsync(work, new JsonObject { ["api"] = backend });
        var cursor = sidecar.Cursor();

        await sidecar.CallForErrorAsync("start", new JsonObject { ["backend"] = "api" }, -32014);

        var failed = await cursor.NextStatusAsync("api", "failed");
        Assert.Equal("missing-module", failed.Obj("lastExit").Str("cause"));
        Assert.StartsWith("ModuleNotFoundError: No module named 'nosuchmodule': install it", failed.Obj("lastExit").Str("hint"));
    }

    [Fact]
    public async Task ExitCause_SigkillNotSentByTheSidecar_SaysWhatTheOomEvidenceAllows()
    {
        using var work = new TestWorkspace();
        var port = TestWorkspace.FreePort();
        var backend = BackendConfigs.TestBackend(port);
        backend["restart"] = BackendConfigs.Restart(maxRestarts: 0, policy: "never");
        await using var sidecar = await SidecarClient.StartInitializedAsync(work, new JsonObject { ["api"] = backend });
        var running = await sidecar.CallAsync("start", new JsonObject { ["backend"] = "api" });
        var cursor = sidecar.Cursor();

        ProcessProbe.Signal(running.Int("pid"), 9);

        var exit = (await cursor.NextNotificationAsync("statusChanged", p => p["lastExit"] is JsonObject, "an exit")).Obj("lastExit");
        Assert.Equal("SIGKILL", exit.Str("signal"));
        // The sidecar and this test share a cgroup: where its oom_kill count is readable, the kill is known not to be the
        // OOM killer's; where no counter is readable, a SIGKILL nobody here sent is "probably" the OOM killer.
        if (CgroupOomCounter.ForCurrentProcess() is null)
        {
            Assert.Equal("out-of-memory", exit.Str("cause"));
            Assert.StartsWith("probably killed by the kernel's out-of-memory killer", exit.Str("hint"));
        }
        else
        {
            Assert.Equal("signal", exit.Str("cause"));
            Assert.Equal("killed by SIGKILL, which the sidecar did not send", exit.Str("hint"));
        }
    }

    [Fact]
    public async Task Resources_StatusSamples_AndASubscriptionSendsSamples()
    {
        using var work = new TestWorkspace();
        var port = TestWorkspace.FreePort();
        await using var sidecar = await SidecarClient.StartInitializedAsync(work, new JsonObject { ["api"] = BackendConfigs.TestBackend(port) });
        var running = await sidecar.CallAsync("start", new JsonObject { ["backend"] = "api" });
        Assert.True(running.IsNullMember("resources"));

        var status = Assert.Single((await sidecar.CallAsync("status", new JsonObject { ["backend"] = "api" }))!.Arr("backends"))!;
        var resources = status.Obj("resources");
        Assert.True(resources.Long("rssBytes") > 1_000_000, resources.ToJsonString());
        Assert.Equal(1, resources.Int("processes"));

        var cursor = sidecar.Cursor();
        await sidecar.CallAsync("subscribe", new JsonObject { ["logs"] = false, ["resources"] = true });
        var sample = await cursor.NextNotificationAsync("statusChanged", p => p.Str("reason") == "resources sampled", "a resources sample");
        Assert.Equal("running", sample.Str("previousState"));
        Assert.True(sample.Obj("resources").Long("rssBytes") > 1_000_000);
        await cursor.NextNotificationAsync("statusChanged", p => p.Str("reason") == "resources sampled" && p.Obj("resources")["cpuPercent"] is not null, "a sample with cpuPercent");

        await sidecar.CallAsync("subscribe", new JsonObject { ["logs"] = false });
        var after = sidecar.Cursor();
        await Task.Delay(500);
        await Assert.ThrowsAsync<TimeoutException>(() => after.NextNotificationAsync("statusChanged", p => p.Str("reason") == "resources sampled", "no more samples", TimeSpan.FromMilliseconds(300)));
    }

    [Fact]
    public async Task Initialize_A11Client_IsAnswered11_A10Client10()
    {
        using var work = new TestWorkspace();
        await using var sidecar = SidecarClient.Start(work, WireFraming.Ndjson);

        var init = await sidecar.InitializeAsync(config: new JsonObject { ["backends"] = new JsonObject() }, protocolVersion: "1.1");

        Assert.Equal("1.1", init.Str("protocolVersion"));
    }
}
