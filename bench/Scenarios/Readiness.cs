using System.Text.Json.Nodes;
using BackendSidecar.Bench.Measure;
using BackendSidecar.Bench.Report;

namespace BackendSidecar.Bench.Scenarios;

/// <summary>
/// The backend's health endpoint starting to answer -> statusChanged running received: for a backend that says nothing
/// (the sidecar finds out at its next poll) and for one that prints a line when it listens, as uvicorn and mlx_lm.server do
/// (the line brings the next check forward).
/// </summary>
/// <remarks>
/// bench-backend binds its port only after its start-up work (as uvicorn does); the time right after listen() returned is
/// when a health check can first succeed. The start-up work takes a random 150 to 350 ms in each iteration, so the moment
/// of readiness falls at a random phase of the sidecar's polling, as it would in real life.
/// </remarks>
internal sealed class Readiness : Scenario
{
    public override string Name => "readiness";

    public override string Description => "health endpoint first answering -> statusChanged running received (quiet backend; one that says so)";

    public override void Run(BenchContext context, ScenarioReport report)
    {
        var work = context.Artifacts.NewWorkDirectory(Name);
        var port = Backends.FreePorts(1)[0];
        var config = Backends.Http(context, work, "web", port, intervalMs: 1000);
        using var sidecar = BenchSidecar.Start(context, work, new JsonObject { ["web"] = config });
        sidecar.SubscribeLogs();

        var quiet = Measure(context, sidecar, port, quietStart: true);
        var announced = Measure(context, sidecar, port, quietStart: false);

        report.Samples("health endpoint answering -> statusChanged running", "ms", quiet.ReadyToRunning, "median < 10 ms", s => s.Median < 10,
            note: "a backend that prints nothing when it listens: found at the next poll");
        report.Samples("first health answer sent -> statusChanged running", "ms", quiet.AnsweredToRunning,
            note: "the sidecar's own part: from the backend's reply to the client; the rest is the wait for the next poll");
        report.Samples("listening line printed -> statusChanged running", "ms", announced.ReadyToRunning,
            note: "a backend that prints a line when it listens (uvicorn, mlx_lm.server): the line brings the next check forward");
    }

    private static (List<double> ReadyToRunning, List<double> AnsweredToRunning) Measure(BenchContext context, BenchSidecar sidecar, int port, bool quietStart)
    {
        var random = new Random(6);
        var readyToRunning = new List<double>();
        var answeredToRunning = new List<double>();
        for (var i = -1; i < context.Iterations(30, 8); i++)
        {
            var readyAfter = random.Next(150, 350);
            var cursor = sidecar.Client.NotificationCount;
            var args = new JsonArray("http", "--port", port.ToString(System.Globalization.CultureInfo.InvariantCulture),
                "--ready-after-ms", readyAfter.ToString(System.Globalization.CultureInfo.InvariantCulture));
            if (quietStart) args.Add("--quiet-start");
            sidecar.Call("start", new JsonObject { ["backend"] = "web", ["args"] = args });
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
        return (readyToRunning, answeredToRunning);
    }
}
