using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text.Json.Nodes;
using BackendSidecar.Testing;
using BackendSidecar.Tests.Support;

namespace BackendSidecar.Tests.Commands;

/// <summary><c>backend-sidecar run</c>, run as a person would: start, read, Ctrl+C (SIGINT), Ctrl+C again.</summary>
public sealed class RunCommandTests
{
    /// <summary>A shell backend that prints its pid, then either leaves on SIGTERM or ignores it.</summary>
    private static JsonObject ShellBackend(bool ignoresSigterm, int stopTimeoutMs = 5000)
    {
        var trap = ignoresSigterm ? "trap '' TERM" : "trap 'echo bye; exit 0' TERM";
        return new JsonObject
        {
            ["command"] = "sh",
            ["args"] = new JsonArray("-c", $"{trap}; echo \"pid $$\"; while true; do sleep 0.1; done"),
            ["stop"] = new JsonObject { ["timeoutMs"] = stopTimeoutMs },
            ["autoStart"] = true,
        };
    }

    private static int PidIn(string line) =>
        int.Parse(line[(line.LastIndexOf("pid ", StringComparison.Ordinal) + 4)..].Trim(), CultureInfo.InvariantCulture);

    [Fact]
    public async Task Run_ShowsLoadingProgress_AndTheHintOfACrash()
    {
        using var work = new TestWorkspace();
        var loader = new JsonObject
        {
            ["command"] = "sh",
            ["args"] = new JsonArray("-c", "echo 'Loading 50%'; sleep 0.3; echo ready; while true; do sleep 0.1; done"),
            ["health"] = new JsonObject { ["stdoutPattern"] = "^ready$", ["progress"] = @"Loading (?<percent>\d+)%" },
            ["autoStart"] = true,
        };
        var crasher = new JsonObject
        {
            ["command"] = "sh",
            ["args"] = new JsonArray("-c", "sleep 0.5; nosuchcommand-bs"),
            ["restart"] = new JsonObject { ["policy"] = "never" },
            ["autoStart"] = true,
        };
        var config = work.WriteConfig(new JsonObject { ["model"] = loader, ["crasher"] = crasher });
        await using var run = SidecarCli.Start("run", "--config", config);

        await run.WaitForLineAsync(l => l.Contains("starting (pid", StringComparison.Ordinal) && l.Contains("loading 50%", StringComparison.Ordinal));
        await run.WaitForLineAsync("crasher: command not found: nosuchcommand-bs");
        run.Signal(SidecarCli.SIGINT);

        Assert.Equal(0, await run.WaitForExitAsync());
    }

    [Fact]
    public async Task Run_SaysWhereTheLogsAre_AndCtrlCStopsEverythingGracefully()
    {
        using var work = new TestWorkspace();
        var config = work.WriteConfig(new JsonObject { ["api"] = ShellBackend(ignoresSigterm: false) });
        await using var run = SidecarCli.Start("run", "--config", config);

        await run.WaitForLineAsync("Log files: ");
        var pid = PidIn(await run.WaitForLineAsync(l => l.Contains("| pid ", StringComparison.Ordinal)));
        run.Signal(SidecarCli.SIGINT);

        Assert.Equal(0, await run.WaitForExitAsync());
        Assert.Contains(run.Seen, l => l.Contains("stopping api (SIGTERM, 5 s before SIGKILL)... press Ctrl+C again to force", StringComparison.Ordinal));
        Assert.Contains("All stopped. Bye.", run.Seen);
        Assert.True(await ProcessProbe.WaitUntilGoneAsync(pid), $"backend pid {pid} is still running");
    }

    [Fact]
    public async Task ASecondCtrlC_ForcesTheStop()
    {
        using var work = new TestWorkspace();
        var config = work.WriteConfig(new JsonObject { ["api"] = ShellBackend(ignoresSigterm: true, stopTimeoutMs: 120_000) });
        await using var run = SidecarCli.Start("run", "--config", config);
        var pid = PidIn(await run.WaitForLineAsync(l => l.Contains("| pid ", StringComparison.Ordinal)));
        // The backend's first line and the "running" line race (the NativeAOT build often says running first).
        if (!run.Seen.Any(l => l.Contains("-> running", StringComparison.Ordinal)))
            await run.WaitForLineAsync("-> running");

        run.Signal(SidecarCli.SIGINT);
        await run.WaitForLineAsync("stopping api (SIGTERM, 120 s before SIGKILL)... press Ctrl+C again to force");
        // The backend ignores SIGTERM: without a second Ctrl+C this run would wait two minutes.
        await Task.Delay(TestTimeouts.Expected);
        Assert.True(ProcessProbe.IsAlive(pid));
        run.Signal(SidecarCli.SIGINT);

        Assert.Equal(0, await run.WaitForExitAsync(TimeSpan.FromSeconds(30)));
        Assert.Contains(run.Seen, l => l.Contains("api: forced: SIGKILL to pid", StringComparison.Ordinal));
        Assert.True(await ProcessProbe.WaitUntilGoneAsync(pid), $"backend pid {pid} is still running");
    }

    [Fact]
    public async Task APortConflict_IsSaidOnce_AndTheDependentSaysWhyItDidNotStart()
    {
        using var work = new TestWorkspace();
        using var squatter = new TcpListener(IPAddress.Loopback, 0);
        squatter.Start();
        var port = ((IPEndPoint)squatter.LocalEndpoint).Port;
        var api = ShellBackend(ignoresSigterm: false);
        api["port"] = port;
        var worker = ShellBackend(ignoresSigterm: false);
        worker["dependsOn"] = new JsonArray("api");
        var config = work.WriteConfig(new JsonObject { ["api"] = api, ["worker"] = worker });
        await using var run = SidecarCli.Start("run", "--config", config);

        Assert.Equal(1, await run.WaitForExitAsync());

        Assert.Single(run.Seen, l => l.Contains($"port {port} is in use", StringComparison.Ordinal));
        Assert.DoesNotContain(run.Seen, l => l.Contains("failed -> failed", StringComparison.Ordinal));
        Assert.Contains(run.Seen, l => l.StartsWith("worker", StringComparison.Ordinal) && l.EndsWith("failed: not started: dependency \"api\" failed", StringComparison.Ordinal));
        Assert.Contains(run.Seen, l => l.StartsWith("Nothing is running.", StringComparison.Ordinal));
    }

    [Fact]
    public async Task ACommandNotFound_SaysWhatWasSearched_AndTheDependentWaits()
    {
        using var work = new TestWorkspace();
        var api = new JsonObject { ["command"] = "no-such-command-run-test", ["autoStart"] = true };
        var worker = ShellBackend(ignoresSigterm: false);
        worker["dependsOn"] = new JsonArray("api");
        var config = work.WriteConfig(new JsonObject { ["api"] = api, ["worker"] = worker });
        await using var run = SidecarCli.Start("run", "--config", config);

        Assert.Equal(1, await run.WaitForExitAsync());

        Assert.Single(run.Seen, l => l.StartsWith("api: ", StringComparison.Ordinal) && l.Contains("searched: ", StringComparison.Ordinal));
        Assert.Contains(run.Seen, l => l.StartsWith("worker", StringComparison.Ordinal) && l.EndsWith("failed: not started: dependency \"api\" failed", StringComparison.Ordinal));
    }
}
