using System.Diagnostics;
using System.Text.Json.Nodes;
using BackendSidecar.Testing;
using BackendSidecar.Tests.Support;

namespace BackendSidecar.Tests.EndToEnd;

/// <summary>
/// However the session ends (end of input, death of the parent, SIGKILL of the sidecar itself), no backend outlives it
/// (CONTRACT.md, Lifecycle 4 and Precise behaviours).
/// </summary>
public sealed class SessionEndTests
{
    private const int SIGKILL = 9;

    /// <summary>Two backends on their own ports; the second also has a grandchild in its group.</summary>
    private static JsonObject TwoBackends() => new()
    {
        ["api"] = BackendConfigs.TestBackend(TestWorkspace.FreePort()),
        ["worker"] = BackendConfigs.TestBackend(TestWorkspace.FreePort(), "--grandchildren", "1"),
    };

    /// <summary>Starts both backends and returns every PID they hold: the two leaders and the grandchild.</summary>
    private static async Task<IReadOnlyList<int>> StartBothAsync(SidecarClient sidecar)
    {
        var pids = new List<int>();
        foreach (var name in (string[])["api", "worker"])
        {
            var status = (await sidecar.CallAsync("start", new JsonObject { ["backend"] = name }))!;
            Assert.Equal("running", status.Str("state"));
            pids.Add(status.Int("pid"));
        }

        // The grandchild's line may still be on its way when the backend is healthy: wait for it (bounded).
        var cursor = sidecar.Cursor();
        await sidecar.CallAsync("subscribe", new JsonObject { ["logs"] = BackendConfigs.Strings(["worker"]) });
        var logs = (await sidecar.CallAsync("logs", new JsonObject { ["backend"] = "worker", ["stream"] = "stdout" }))!;
        var line = logs.Arr("entries").Texts().FirstOrDefault(t => t.StartsWith("grandchild ", StringComparison.Ordinal))
            ?? (await cursor.NextNotificationAsync("log", p => p.Arr("entries").Texts().Any(t => t.StartsWith("grandchild ", StringComparison.Ordinal)),
                "the grandchild's pid")).Arr("entries").Texts().First(t => t.StartsWith("grandchild ", StringComparison.Ordinal));
        pids.Add(int.Parse(line["grandchild ".Length..], System.Globalization.CultureInfo.InvariantCulture));
        Assert.All(pids, pid => Assert.True(ProcessProbe.IsAlive(pid), $"pid {pid} should be alive"));
        return pids;
    }

    [Fact]
    public async Task EndOfInput_WithBackendsRunning_StopsThemAndExitsZero()
    {
        using var work = new TestWorkspace();
        await using var sidecar = await SidecarClient.StartInitializedAsync(work, TwoBackends());
        var pids = await StartBothAsync(sidecar);

        sidecar.CloseInput();

        Assert.Equal(0, await sidecar.WaitForExitAsync());
        Assert.Empty(await ProcessProbe.WaitAllGoneAsync(pids, TestTimeouts.Expected));
        await sidecar.AssertOutputEndedCleanlyAsync();
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task ParentDeath_StopsEverythingAndExitsZero(bool onCommandLine)
    {
        using var work = new TestWorkspace();
        using var parent = Process.Start(new ProcessStartInfo("sleep", "600"))!;
        try
        {
            var config = work.WriteConfig(TwoBackends());
            await using var sidecar = SidecarClient.Start(work, WireFraming.Header,
                onCommandLine ? ["--parent-pid", BackendConfigs.Text(parent.Id)] : [],
                test: $"{nameof(ParentDeath_StopsEverythingAndExitsZero)}_{(onCommandLine ? "CommandLine" : "Initialize")}");
            await sidecar.InitializeAsync(configPath: config, parentPid: onCommandLine ? null : parent.Id);
            var pids = await StartBothAsync(sidecar);

            parent.Kill();

            Assert.Equal(0, await sidecar.WaitForExitAsync());
            Assert.Empty(await ProcessProbe.WaitAllGoneAsync(pids, TestTimeouts.Expected));
            await sidecar.AssertOutputEndedCleanlyAsync();
        }
        finally
        {
            if (!parent.HasExited) parent.Kill();
        }
    }

    [Fact]
    public async Task SidecarKilled_BackendsDieAnyway()
    {
        using var work = new TestWorkspace();
        await using var sidecar = await SidecarClient.StartInitializedAsync(work, TwoBackends());
        var pids = await StartBothAsync(sidecar);
        // Its helpers too (the death guard): nothing the sidecar started may stay.
        var descendants = Descendants(sidecar.Pid);
        Assert.Subset(descendants.ToHashSet(), pids.ToHashSet());

        Assert.True(ProcessProbe.Signal(sidecar.Pid, SIGKILL));

        Assert.Equal(137, await sidecar.WaitForExitAsync());
        Assert.Empty(await ProcessProbe.WaitAllGoneAsync(descendants));
    }

    [Fact]
    public async Task SidecarAndItsGuardKilledTogether_NextStartLeavesNothingOfTheFirstRun()
    {
        using var work = new TestWorkspace();
        IReadOnlyList<int> firstRun;
        await using (var sidecar = await SidecarClient.StartInitializedAsync(work, TwoBackends()))
        {
            await StartBothAsync(sidecar);
            firstRun = Descendants(sidecar.Pid);
            // The Linux guard is a shell script; the POSIX one (BACKEND_SIDECAR_PLATFORM=posix) is this binary in guard mode.
            var guard = firstRun.Single(pid => File.ReadAllText($"/proc/{pid}/cmdline") is var cmdline
                && (cmdline.Contains("backend-sidecar-guard", StringComparison.Ordinal) || cmdline.EndsWith("\0__guard\0", StringComparison.Ordinal)));

            // The guard first: had the sidecar died first, the guard would have cleaned up after it.
            Assert.True(ProcessProbe.Signal(guard, SIGKILL));
            Assert.True(ProcessProbe.Signal(sidecar.Pid, SIGKILL));
            Assert.Equal(137, await sidecar.WaitForExitAsync());
        }

        // The same config.json: the same folder of state records.
        await using var second = await SidecarClient.StartInitializedAsync(work, TwoBackends());

        var left = await ProcessProbe.WaitAllGoneAsync(firstRun, TestTimeouts.Unexpected);
        Assert.True(left.Count == 0, "left of the first run: " + string.Join(", ",
            left.Select(pid => $"{pid} {File.ReadAllText($"/proc/{pid}/cmdline").Replace('\0', ' ')}")));
    }

    private static IReadOnlyList<int> Descendants(int root)
    {
        var all = Directory.EnumerateDirectories("/proc")
            .Select(d => int.TryParse(Path.GetFileName(d), out var pid) ? ProcessProbe.Read(pid) : null)
            .OfType<ProbedProcess>()
            .Where(p => !p.IsZombie)
            .ToList();
        var found = new List<int>();
        var frontier = new Queue<int>([root]);
        while (frontier.TryDequeue(out var parent))
        {
            foreach (var child in all.Where(p => p.ParentPid == parent))
            {
                found.Add(child.Pid);
                frontier.Enqueue(child.Pid);
            }
        }
        return found;
    }
}
