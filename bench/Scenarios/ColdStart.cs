using System.Text.Json.Nodes;
using BackendSidecar.Bench.Client;
using BackendSidecar.Bench.Measure;
using BackendSidecar.Bench.Report;

namespace BackendSidecar.Bench.Scenarios;

/// <summary>Spawn of the sidecar -> initialize answered (one backend configured, not started), a new process each time.</summary>
internal sealed class ColdStart : Scenario
{
    public override string Name => "cold-start";

    public override string Description => "spawn of the sidecar -> initialize answered (one backend configured)";

    public override void Run(BenchContext context, ScenarioReport report)
    {
        var samples = new List<double>();
        var iterations = context.Iterations(20, 5);
        // The first run pays for reading the files from disk; it is not what a user sees twice.
        for (var i = -1; i < iterations; i++)
        {
            var work = context.Artifacts.NewWorkDirectory(Name);
            var backends = new JsonObject { ["api"] = Backends.Config(context, work, "api", "sleep") };
            using var client = SidecarClient.Start(context.Artifacts.Sidecar, work);
            var initialized = client.Call("initialize", BenchSidecar.InitializeParams(backends), BenchContext.Timeout);
            if (i >= 0) samples.Add(Clock.Ms(client.SpawnedAt, initialized.Timestamp));
            var code = client.Shutdown(BenchContext.Timeout);
            if (code != 0) throw new InvalidOperationException($"the sidecar exited with {code}{client.StderrHint()}");
            Directory.Delete(work, recursive: true);
        }

        report.Samples("spawn -> initialize answered", "ms", samples, "median < 40 ms", s => s.Median < 40);
    }
}
