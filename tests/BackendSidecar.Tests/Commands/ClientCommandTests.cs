using System.Text.Json.Nodes;
using BackendSidecar.Testing;
using BackendSidecar.Tests.Support;

namespace BackendSidecar.Tests.Commands;

/// <summary><c>status</c>, <c>logs</c>, <c>start|stop|restart</c> and <c>diagnose</c> against a live <c>run</c>, as a person uses them.</summary>
public sealed class ClientCommandTests
{
    private static async Task<(RunningSidecar Run, string Config)> StartRunAsync(TestWorkspace work)
    {
        var api = BackendConfigs.TestBackend(TestWorkspace.FreePort());
        api["autoStart"] = true;
        var config = work.WriteConfig(new JsonObject { ["api"] = api });
        var run = SidecarCli.StartIn(work.Path, "run", "--config", config);
        await run.WaitForLineAsync("-> running");
        return (run, config);
    }

    [Fact]
    public async Task Status_ShowsATableOfTheRunningBackends_AndJsonForScripts()
    {
        using var work = new TestWorkspace();
        var (run, config) = await StartRunAsync(work);
        await using var _ = run;

        var table = await SidecarCli.RunIn(work.Path, "status", "--config", config);
        var json = await SidecarCli.RunIn(work.Path, "status", "--config", config, "--json");

        Assert.Equal(0, table.ExitCode);
        var lines = table.StandardOutput.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.StartsWith("NAME", lines[0], StringComparison.Ordinal);
        Assert.Contains("HEALTH", lines[0], StringComparison.Ordinal);
        // The first status of a run already has a CPU figure (two samples, one health interval apart) and memory as "20.9 MB".
        Assert.Matches(@"^api\s+running\s+\d+\s+\d+[smhd]\s+0\s+\d+\s+ok\s+\d+ms\s+\d+(\.\d)?%\s+\d+(\.\d)? (KB|MB|GB)$", lines[1]);
        Assert.Equal(0, json.ExitCode);
        var api = JsonNode.Parse(json.StandardOutput)!["backends"]![0]!;
        Assert.Equal("running", api["state"]!.GetValue<string>());
        Assert.NotNull(api["resources"]!["cpuPercent"]);
    }

    [Fact]
    public async Task Restart_Stop_Start_Logs_AndDiagnose_GoThroughTheLiveRun_WhichKeepsRunning()
    {
        using var work = new TestWorkspace();
        var (run, config) = await StartRunAsync(work);
        await using var _ = run;

        var restart = await SidecarCli.RunIn(work.Path, "restart", "api", "--config", config);
        Assert.Equal(0, restart.ExitCode);
        Assert.Matches(@"^api: running \(pid \d+\)", restart.StandardOutput);
        await run.WaitForLineAsync("running -> stopping");

        var stop = await SidecarCli.RunIn(work.Path, "stop", "api", "--config", config);
        Assert.Equal("api: stopped", stop.StandardOutput.Trim());
        var start = await SidecarCli.RunIn(work.Path, "start", "api", "--config", config);
        Assert.StartsWith("api: running", start.StandardOutput, StringComparison.Ordinal);

        var logs = await SidecarCli.RunIn(work.Path, "logs", "api", "-n", "5", "--config", config);
        Assert.Equal(0, logs.ExitCode);
        var logLines = logs.StandardOutput.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.InRange(logLines.Length, 1, 5);

        var diagnose = await SidecarCli.RunIn(work.Path, "diagnose", "--config", config);
        Assert.Equal(0, diagnose.ExitCode);
        Assert.StartsWith("api: ok", diagnose.StandardOutput, StringComparison.Ordinal);

        var unknown = await SidecarCli.RunIn(work.Path, "restart", "nosuch", "--config", config);
        Assert.Equal(1, unknown.ExitCode);
        Assert.Contains("nosuch", unknown.StandardError, StringComparison.Ordinal);

        // Every CLI client detached: the run is still serving.
        Assert.True(ProcessProbe.IsAlive(run.Pid));
        run.Signal(SidecarCli.SIGINT);
        Assert.Equal(0, await run.WaitForExitAsync());
    }

    [Fact]
    public async Task LogsFollow_PrintsNewLinesAsTheyCome()
    {
        using var work = new TestWorkspace();
        var (run, config) = await StartRunAsync(work);
        await using var _ = run;
        await using var follow = SidecarCli.StartIn(work.Path, "logs", "-f", "api", "-n", "0", "--config", config);

        var restart = await SidecarCli.RunIn(work.Path, "restart", "api", "--config", config);
        Assert.Equal(0, restart.ExitCode);

        await follow.WaitForLineAsync("stopped -> starting");
        follow.Signal(SidecarCli.SIGINT);
        Assert.Equal(0, await follow.WaitForExitAsync());
    }

    [Fact]
    public async Task WithoutASidecar_TheCommandsSaySoInOneLine_AndExit1()
    {
        using var work = new TestWorkspace();
        var config = work.WriteConfig(new JsonObject { ["api"] = BackendConfigs.TestBackend(TestWorkspace.FreePort()) });

        var status = await SidecarCli.RunIn(work.Path, "status", "--config", config);

        Assert.Equal(1, status.ExitCode);
        Assert.Equal($"no sidecar is running for config.json; start one with `backend-sidecar run --config {config}`", status.StandardError.Trim());
    }

    [Fact]
    public async Task ASecondRun_AttachesAndShowsTheFirstOnesBackends_CtrlCDetaches()
    {
        using var work = new TestWorkspace();
        var (run, config) = await StartRunAsync(work);
        await using var _ = run;
        var status = await SidecarCli.RunIn(work.Path, "status", "--config", config, "--json");
        var pid = JsonNode.Parse(status.StandardOutput)!["backends"]![0]!["pid"]!.GetValue<int>();

        await using (var second = SidecarCli.StartIn(work.Path, "run", "--config", config))
        {
            await second.WaitForLineAsync("a sidecar is already running");
            await second.WaitForLineAsync(l => l.StartsWith("api ", StringComparison.Ordinal) && l.Contains("running", StringComparison.Ordinal));
            second.Signal(SidecarCli.SIGINT);
            Assert.Equal(0, await second.WaitForExitAsync());
            Assert.Contains(second.Seen, l => l.StartsWith("Detached", StringComparison.Ordinal));
        }

        Assert.True(ProcessProbe.IsAlive(pid), "the first run's backend should still run");
        run.Signal(SidecarCli.SIGINT);
        Assert.Equal(0, await run.WaitForExitAsync());
        Assert.True(await ProcessProbe.WaitUntilGoneAsync(pid));
    }
}
