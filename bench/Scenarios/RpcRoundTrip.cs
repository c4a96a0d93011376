using System.Text.Json.Nodes;
using BackendSidecar.Bench.Client;
using BackendSidecar.Bench.Measure;
using BackendSidecar.Bench.Report;

namespace BackendSidecar.Bench.Scenarios;

/// <summary>A status request -> its response, one client, header framing; every round trip timed on its own.</summary>
internal sealed class RpcRoundTrip : Scenario
{
    public override string Name => "rpc";

    public override string Description => "status request -> response, one client, header framing";

    public override void Run(BenchContext context, ScenarioReport report)
    {
        var work = context.Artifacts.NewWorkDirectory(Name);
        using var sidecar = BenchSidecar.Start(context, work, new JsonObject { ["b"] = Backends.Config(context, work, "b", "sleep") });
        var cursor = sidecar.Client.NotificationCount;
        sidecar.Start("b");
        sidecar.WaitForState(cursor, "b", "running");

        var samples = new List<double>();
        var parameters = new JsonObject { ["backend"] = "b" };
        var warmUp = context.Iterations(2000, 500);
        for (var i = -warmUp; i < context.Iterations(10000, 2000); i++)
        {
            var sent = sidecar.Client.Send("status", parameters.DeepClone());
            var response = SidecarClient.Wait(sent, BenchContext.Timeout, "status");
            if (i >= 0) samples.Add(Clock.Ms(sent.WrittenAt, response.Timestamp));
        }

        report.Samples("status request -> response", "ms", samples, "median < 0.15 ms", s => s.Median < 0.15,
            note: "from the write of the request to the read of the response, on the client's side of the pipes");
    }
}
