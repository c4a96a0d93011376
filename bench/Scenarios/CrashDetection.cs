using System.Text.Json.Nodes;
using BackendSidecar.Bench.Measure;
using BackendSidecar.Bench.Report;

namespace BackendSidecar.Bench.Scenarios;

/// <summary>SIGKILL of a running backend -> its statusChanged received by the client.</summary>
internal sealed class CrashDetection : Scenario
{
    public override string Name => "crash";

    public override string Description => "SIGKILL of the backend -> statusChanged received by the client";

    public override void Run(BenchContext context, ScenarioReport report)
    {
        var samples = MeasureKillToStatusChanged(context, context.Artifacts.NewWorkDirectory(Name));
        report.Samples("SIGKILL -> statusChanged received", "ms", samples, "median < 2 ms", s => s.Median < 2);
    }

    /// <summary>Starts one backend, SIGKILLs it and times the statusChanged, a few warm-up rounds first.</summary>
    internal static List<double> MeasureKillToStatusChanged(BenchContext context, string work)
    {
        // Restart policy never: the crash ends in failed, and the next start is ours.
        using var sidecar = BenchSidecar.Start(context, work, new JsonObject { ["b"] = Backends.Config(context, work, "b", "sleep") });

        var samples = new List<double>();
        var warmUp = 3;
        for (var i = -warmUp; i < context.Iterations(40, 10); i++)
        {
            var cursor = sidecar.Client.NotificationCount;
            sidecar.Start("b");
            var (running, next) = sidecar.WaitForState(cursor, "b", "running");
            var pid = running.Pid ?? throw new InvalidOperationException("running without a pid");

            var killedAt = Clock.Now();
            if (Native.kill(pid, Native.SIGKILL) != 0) throw new InvalidOperationException($"kill {pid} failed");
            var (failed, _) = sidecar.WaitForState(next, "b", "failed");
            if (i >= 0) samples.Add(Clock.Ms(killedAt, failed.Timestamp));
        }
        return samples;
    }
}
