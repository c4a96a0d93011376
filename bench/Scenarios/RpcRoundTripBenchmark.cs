using System.Text.Json.Nodes;
using BenchmarkDotNet.Attributes;

namespace BackendSidecar.Bench.Scenarios;

/// <summary>
/// The same round trip under BenchmarkDotNet (in process): its warm-up, pilot and outlier handling give a second opinion
/// on the Stopwatch figures of <see cref="RpcRoundTrip"/>. Its statistics are over iteration means, not single calls.
/// </summary>
public class RpcRoundTripBenchmark
{
    /// <summary>Set before BenchmarkDotNet runs the class (in process, so the static is shared).</summary>
    internal static BenchContext? Context { get; set; }

    private BenchSidecar? _sidecar;
    private readonly JsonObject _parameters = new() { ["backend"] = "b" };

    [GlobalSetup]
    public void Setup()
    {
        var context = Context ?? throw new InvalidOperationException("RpcRoundTripBenchmark.Context is not set");
        var work = context.Artifacts.NewWorkDirectory("rpc-bdn");
        _sidecar = BenchSidecar.Start(context, work, new JsonObject { ["b"] = Backends.Config(context, work, "b", "sleep") });
        var cursor = _sidecar.Client.NotificationCount;
        _sidecar.Start("b");
        _sidecar.WaitForState(cursor, "b", "running");
    }

    [Benchmark]
    public JsonNode? Status() => _sidecar!.Client.Call("status", _parameters.DeepClone(), BenchContext.Timeout).Result;

    [GlobalCleanup]
    public void Cleanup() => _sidecar?.Dispose();
}
