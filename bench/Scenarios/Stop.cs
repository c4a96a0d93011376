using System.Text.Json.Nodes;
using BackendSidecar.Bench.Measure;
using BackendSidecar.Bench.Report;

namespace BackendSidecar.Bench.Scenarios;

/// <summary>
/// stop request -> stopped received, for a backend that exits 200 ms after SIGTERM, or (with <paramref name="ignoreSigterm"/>)
/// one that ignores SIGTERM under stop.timeoutMs 1000.
/// </summary>
internal sealed class Stop(bool ignoreSigterm) : Scenario
{
    private const int TermDelayMs = 200;
    private const int TimeoutMs = 1000;

    public override string Name => ignoreSigterm ? "stop-ignored" : "stop";

    public override string Description => ignoreSigterm
        ? $"stop of a backend that ignores SIGTERM (stop.timeoutMs {TimeoutMs}) -> stopped received"
        : $"stop of a backend that exits {TermDelayMs} ms after SIGTERM -> stopped received";

    public override void Run(BenchContext context, ScenarioReport report)
    {
        var work = context.Artifacts.NewWorkDirectory(Name);
        var config = ignoreSigterm
            ? Backends.Config(context, work, "s", "sleep", "--ignore-sigterm")
            : Backends.Config(context, work, "s", "sleep", "--term-delay-ms", TermDelayMs.ToString(System.Globalization.CultureInfo.InvariantCulture));
        config["stop"] = new JsonObject { ["timeoutMs"] = TimeoutMs };
        using var sidecar = BenchSidecar.Start(context, work, new JsonObject { ["s"] = config });
        sidecar.SubscribeLogs();

        var samples = new List<double>();
        for (var i = -1; i < context.Iterations(ignoreSigterm ? 8 : 15, ignoreSigterm ? 3 : 5); i++)
        {
            var cursor = sidecar.Client.NotificationCount;
            sidecar.Start("s");
            var (_, next) = sidecar.WaitForState(cursor, "s", "running");
            // Without a health check the backend is running once spawned, before it has set its SIGTERM handler: a stop
            // sent then kills it at once (a 5 ms "stop"). Its first line comes after the handler.
            sidecar.WaitForLogLine(cursor, "s", t => t.StartsWith("start ", StringComparison.Ordinal));
            var sent = sidecar.Client.Send("stop", new JsonObject { ["backend"] = "s" });
            var (stopped, _) = sidecar.WaitForState(next, "s", "stopped");
            Client.SidecarClient.Wait(sent, BenchContext.Timeout, "stop");
            if (i >= 0) samples.Add(Clock.Ms(sent.WrittenAt, stopped.Timestamp));
        }

        if (ignoreSigterm)
            report.Samples("stop -> stopped (SIGKILL after 1000 ms)", "ms", samples, "within 20 ms of 1000 ms", s => s.Median >= TimeoutMs && s.Median <= TimeoutMs + 20);
        else
            report.Samples("stop -> stopped (exits 200 ms after SIGTERM)", "ms", samples, "median < 205 ms", s => s.Median >= TermDelayMs && s.Median < 205);
    }
}
