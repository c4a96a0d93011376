using System.Diagnostics;
using System.Text.Json.Nodes;
using BackendSidecar.Bench.Measure;
using BackendSidecar.Bench.Report;

namespace BackendSidecar.Bench.Scenarios;

/// <summary>
/// SIGKILL of the backend (restart with zero backoff) -> the new backend's first line of code, compared with a bare
/// posix_spawn of the same backend (spawn -> first line).
/// </summary>
internal sealed class Restart : Scenario
{
    public override string Name => "restart";

    public override string Description => "SIGKILL of the backend (zero backoff) -> new backend's first line of code, vs. a bare spawn";

    public override void Run(BenchContext context, ScenarioReport report)
    {
        var iterations = context.Iterations(40, 10);
        var restart = MeasureRestart(context, iterations);
        var bare = MeasureBareSpawn(context, iterations);

        var restartRow = report.Samples("SIGKILL -> new backend's first line", "ms", restart);
        var bareRow = report.Samples("bare posix_spawn -> first line", "ms", bare, note: "bench-backend spawn: posix_spawn from C, the floor");
        var overhead = restartRow.Median - bareRow.Median;
        report.Single("restart over bare spawn (difference of medians)", "ms", overhead, "within 2 ms", overhead <= 2);
    }

    private static List<double> MeasureRestart(BenchContext context, int iterations)
    {
        var work = context.Artifacts.NewWorkDirectory("restart");
        var config = Backends.Config(context, work, "r", "sleep");
        config["restart"] = new JsonObject
        {
            ["policy"] = "on-failure",
            ["maxRestarts"] = null,
            ["backoff"] = new JsonObject { ["initialMs"] = 0 },
        };
        using var sidecar = BenchSidecar.Start(context, work, new JsonObject { ["r"] = config });
        sidecar.SubscribeLogs();
        var cursor = sidecar.Client.NotificationCount;
        sidecar.Start("r");
        var (running, next) = sidecar.WaitForState(cursor, "r", "running");

        var samples = new List<double>();
        for (var i = -3; i < iterations; i++)
        {
            var pid = running.Pid ?? throw new InvalidOperationException("running without a pid");
            var killedAt = Clock.Now();
            if (Native.kill(pid, Native.SIGKILL) != 0) throw new InvalidOperationException($"kill {pid} failed");
            var (line, _) = sidecar.WaitForLogLine(next, "r",
                t => t.StartsWith("start ", StringComparison.Ordinal) && Backends.Stamp(t, "start") > killedAt);
            (running, next) = sidecar.Client.WaitForNotification(next, n => n.IsStatus("r", "running") && n.Pid != pid,
                BenchContext.Timeout, "the restarted backend running");
            if (i >= 0) samples.Add(Clock.Ms(killedAt, Backends.Stamp(line, "start")));
        }
        return samples;
    }

    private static List<double> MeasureBareSpawn(BenchContext context, int iterations)
    {
        var samples = new List<double>();
        for (var i = -3; i < iterations; i++)
        {
            var info = new ProcessStartInfo(context.Artifacts.Backend) { RedirectStandardOutput = true, UseShellExecute = false };
            foreach (var arg in new[] { "spawn", "--", context.Artifacts.Backend, "sleep", "--exit" }) info.ArgumentList.Add(arg);
            using var process = Process.Start(info)!;
            var lines = process.StandardOutput.ReadToEnd().Split('\n', StringSplitOptions.RemoveEmptyEntries);
            process.WaitForExit();
            var spawn = Backends.Stamp(lines.Single(l => l.StartsWith("spawn ", StringComparison.Ordinal)), "spawn");
            var start = Backends.Stamp(lines.Single(l => l.StartsWith("start ", StringComparison.Ordinal)), "start");
            if (i >= 0) samples.Add(Clock.Ms(spawn, start));
        }
        return samples;
    }
}
