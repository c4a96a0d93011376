using System.Text.Json.Nodes;
using BackendSidecar.Bench.Measure;
using BackendSidecar.Bench.Report;

namespace BackendSidecar.Bench.Scenarios;

/// <summary>
/// The backend's health endpoint starting to answer -> statusChanged running received.
/// </summary>
/// <remarks>
/// bench-backend binds its port only after its start-up work (as uvicorn does) and prints the CLOCK_MONOTONIC time right
/// after listen() returned: from then on a health check succeeds. The start-up work takes a random 150 to 350 ms in each
/// iteration, so the moment of readiness falls at a random phase of the sidecar's polling, as it would in real life.
/// </remarks>
internal sealed class Readiness : Scenario
{
    public override string Name => "readiness";

    public override string Description => "health endpoint first answering -> statusChanged running received";

    public override void Run(BenchContext context, ScenarioReport report)
    {
        var work = context.Artifacts.NewWorkDirectory(Name);
        var port = Backends.FreePorts(1)[0];
        var config = Backends.Http(context, work, "web", port, intervalMs: 1000);
        using var sidecar = BenchSidecar.Start(context, work, new JsonObject { ["web"] = config });
        sidecar.SubscribeLogs();

        var random = new Random(6);
        var readyToRunning = new List<double>();
        var answeredToRunning = new List<double>();
        for (var i = -1; i < context.Iterations(30, 8); i++)
        {
            var readyAfter = random.Next(150, 350);
            var cursor = sidecar.Client.NotificationCount;
            sidecar.Call("start", new JsonObject
            {
                ["backend"] = "web",
                ["args"] = new JsonArray("http", "--port", port.ToString(System.Globalization.CultureInfo.InvariantCulture),
                    "--ready-after-ms", readyAfter.ToString(System.Globalization.CultureInfo.InvariantCulture)),
            });
            var (running, _) = sidecar.WaitForState(cursor, "web", "running");
            var (ready, _) = sidecar.WaitForLogLine(cursor, "web", t => t.StartsWith("ready ", StringComparison.Ordinal));
            var (answered, _) = sidecar.WaitForLogLine(cursor, "web", t => t.StartsWith("answered ", StringComparison.Ordinal));
            if (i >= 0)
            {
                readyToRunning.Add(Clock.Ms(Backends.Stamp(ready, "ready"), running.Timestamp));
                answeredToRunning.Add(Clock.Ms(Backends.Stamp(answered, "answered"), running.Timestamp));
            }
            sidecar.Stop("web");
        }

        report.Samples("health endpoint answering -> statusChanged running", "ms", readyToRunning, "median < 10 ms", s => s.Median < 10);
        report.Samples("first health answer sent -> statusChanged running", "ms", answeredToRunning,
            note: "the sidecar's own part: from the backend's reply to the client; the rest is the wait for the next poll");
    }
}
