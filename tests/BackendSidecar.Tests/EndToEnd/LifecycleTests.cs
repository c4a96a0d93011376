using System.Text.Json.Nodes;
using BackendSidecar.Testing;
using BackendSidecar.Tests.Support;

namespace BackendSidecar.Tests.EndToEnd;

/// <summary>A whole session with the real sidecar and a real backend, from initialize to exit (CONTRACT.md, Lifecycle).</summary>
public sealed class LifecycleTests
{
    private const int SIGKILL = 9;

    [Theory]
    [InlineData(WireFraming.Header)]
    [InlineData(WireFraming.Ndjson)]
    public async Task Session_FromInitializeToExit_BehavesAsTheContractSays(WireFraming framing)
    {
        using var work = new TestWorkspace();
        var port = TestWorkspace.FreePort();
        var config = work.WriteConfig(new JsonObject { ["api"] = BackendConfigs.TestBackend(port, "--print", "configured-args") });
        await using var sidecar = SidecarClient.Start(work, framing, test: $"{nameof(Session_FromInitializeToExit_BehavesAsTheContractSays)}_{framing}");

        // initialize: the configured backend, not started.
        var init = await sidecar.InitializeAsync(configPath: config);
        Assert.Equal("1.0", init.Str("protocolVersion"));
        Assert.Equal("backend-sidecar", init.Obj("serverInfo").Str("name"));
        var listed = Assert.Single(init.Arr("backends"));
        Assert.Equal(("api", "stopped", port), (listed.Str("backend"), listed.Str("state"), listed.Int("port")));
        Assert.True(listed.IsNullMember("pid"));

        // Subscribed before the start, the test can wait for a process's last line instead of guessing when logs are complete.
        Assert.Equal("{}", (await sidecar.CallAsync("subscribe", new JsonObject { ["logs"] = true }))!.ToJsonString());

        // start with wait: running, and pid is the backend's own (test-backend prints "pid <its pid>" first).
        var firstRun = sidecar.Cursor();
        var started = (await sidecar.CallAsync("start", new JsonObject { ["backend"] = "api", ["wait"] = true }))!;
        Assert.Equal("running", started.Str("state"));
        var firstPid = started.Int("pid");
        Assert.Equal("test-backend", ProcessProbe.Read(firstPid)?.Name);
        await WaitForOutputAsync(firstRun, $"pid {firstPid}", "configured-args", $"port {port}");

        var status = Assert.Single((await sidecar.CallAsync("status", new JsonObject()))!.Arr("backends"));
        Assert.Equal(("running", firstPid, $"http://127.0.0.1:{port}/health"), (status.Str("state"), status.Int("pid"), status.Str("healthUrl")));
        Assert.True(status.Obj("health").Bool("ok"));
        Assert.Equal(0, status.Int("restartCount"));

        // A crash (SIGKILL from outside) is seen, backed off and restarted with a new process.
        var afterCrash = sidecar.Cursor();
        var logsAfterCrash = sidecar.Cursor();
        Assert.True(ProcessProbe.Signal(firstPid, SIGKILL));
        var backoff = await afterCrash.NextStatusAsync("api", "backoff");
        Assert.Equal("SIGKILL", backoff.Obj("lastExit").Str("signal"));
        Assert.True(backoff.Obj("lastExit").IsNullMember("code"));
        Assert.False(backoff.IsNullMember("nextRestartAt"));
        var restarted = await afterCrash.NextStatusAsync("api", "running");
        var secondPid = restarted.Int("pid");
        Assert.NotEqual(firstPid, secondPid);
        Assert.Equal(1, restarted.Int("restartCount"));
        Assert.True(await ProcessProbe.WaitUntilGoneAsync(firstPid));

        // The subscription delivers the new process's lines as log notifications.
        await WaitForOutputAsync(logsAfterCrash, $"pid {secondPid}", "configured-args", $"port {port}");

        // logs: tail takes the newest entries; afterSeq continues after a given entry, oldest first.
        var all = (await sidecar.CallAsync("logs", new JsonObject { ["backend"] = "api", ["tail"] = 1000 }))!;
        var entries = all.Arr("entries");
        Assert.True(entries.Count >= 4, all.ToJsonString());
        var seqs = entries.Select(e => e.Long("seq")).ToList();
        Assert.Equal(seqs.Order(), seqs);
        Assert.Equal(seqs[^1] + 1, all.Long("nextSeq"));

        var tail = (await sidecar.CallAsync("logs", new JsonObject { ["backend"] = "api", ["tail"] = 2 }))!;
        Assert.Equal(seqs[^2..], tail.Arr("entries").Select(e => e.Long("seq")));
        Assert.True(tail.Bool("truncated"));

        var secondStart = entries.First(e => e.Str("text") == $"pid {secondPid}").Long("seq");
        var after = (await sidecar.CallAsync("logs", new JsonObject { ["backend"] = "api", ["afterSeq"] = secondStart - 1, ["tail"] = 1000 }))!;
        Assert.Equal(seqs.Where(s => s >= secondStart), after.Arr("entries").Select(e => e.Long("seq")));
        Assert.Equal(all.Long("nextSeq"), after.Long("nextSeq"));

        // stop: answered once the whole process group is gone.
        var stopped = (await sidecar.CallAsync("stop", new JsonObject { ["backend"] = "api" }))!;
        Assert.Equal("stopped", stopped.Str("state"));
        Assert.True(stopped.IsNullMember("pid"));
        Assert.False(ProcessProbe.IsAlive(secondPid));
        Assert.Empty(ProcessProbe.GroupMembers(secondPid));

        // restart with other args: the override is what the new process runs with.
        var afterRestart = sidecar.Cursor();
        var overridden = (await sidecar.CallAsync("restart", new JsonObject
        {
            ["backend"] = "api",
            ["args"] = BackendConfigs.Strings(["--port", BackendConfigs.Text(port), "--print", "override-X"]),
        }))!;
        Assert.Equal("running", overridden.Str("state"));
        var thirdPid = overridden.Int("pid");
        await WaitForOutputAsync(afterRestart, $"pid {thirdPid}", "override-X", $"port {port}");
        var stdout = (await sidecar.CallAsync("logs", new JsonObject { ["backend"] = "api", ["stream"] = "stdout", ["tail"] = 1000 }))!;
        var ownLines = stdout.Arr("entries").Texts().SkipWhile(t => t != $"pid {thirdPid}").ToList();
        Assert.Contains("override-X", ownLines);
        Assert.DoesNotContain("configured-args", ownLines);

        // diagnose starts nothing and reports its checks.
        var diagnosis = (await sidecar.CallAsync("diagnose", new JsonObject { ["backend"] = "api" }))!;
        Assert.Equal("api", diagnosis.Str("backend"));
        Assert.NotEmpty(diagnosis.Arr("checks"));
        Assert.All(diagnosis.Arr("checks"), c => Assert.Contains(c.Str("severity"), (string[])["error", "warning", "info"]));
        Assert.Equal(thirdPid, Assert.Single((await sidecar.CallAsync("status"))!.Arr("backends")).Int("pid"));

        // shutdown stops everything and answers null; exit then ends the process with 0.
        var shutdown = await sidecar.RequestAsync("shutdown");
        Assert.True(shutdown.IsNullMember("result"), shutdown.ToJsonString());
        Assert.False(ProcessProbe.IsAlive(thirdPid));
        await sidecar.NotifyAsync("exit");
        Assert.Equal(0, await sidecar.WaitForExitAsync());
        await sidecar.AssertOutputEndedCleanlyAsync();

        Assert.Equal(new HashSet<int> { firstPid, secondPid, thirdPid }, sidecar.BackendPids.ToHashSet());
        Assert.Empty(await ProcessProbe.WaitAllGoneAsync([.. sidecar.BackendPids, sidecar.Pid], TestTimeouts.Expected));
    }

    /// <summary>Waits for log notifications carrying <paramref name="lines"/>, in this order, none of them dropped.</summary>
    private static async Task WaitForOutputAsync(MessageCursor cursor, params string[] lines)
    {
        var next = 0;
        while (next < lines.Length)
        {
            var batch = await cursor.NextNotificationAsync("log", p => p.Str("backend") == "api", $"a log notification with \"{lines[next]}\"");
            Assert.Equal(0, batch.Long("dropped"));
            foreach (var text in batch.Arr("entries").Texts())
            {
                if (next < lines.Length && text == lines[next]) next++;
            }
        }
    }
}
