using BackendSidecar.Bench.Report;
using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Loggers;
using BenchmarkDotNet.Running;
using BenchmarkDotNet.Toolchains.InProcess.Emit;

namespace BackendSidecar.Bench.Scenarios;

/// <summary>Runs <see cref="RpcRoundTripBenchmark"/> with BenchmarkDotNet, in process, and reports its statistics.</summary>
internal sealed class RpcRoundTripBdn : Scenario
{
    public override string Name => "rpc-bdn";

    public override string Description => "status round trip under BenchmarkDotNet (in process; statistics of iteration means)";

    public override void Run(BenchContext context, ScenarioReport report)
    {
        RpcRoundTripBenchmark.Context = context;
        var job = Job.Default
            .WithToolchain(InProcessEmitToolchain.Instance)
            .WithWarmupCount(context.Iterations(5, 2))
            .WithIterationCount(context.Iterations(20, 5))
            .WithLaunchCount(1);
        var config = ManualConfig.CreateEmpty()
            .AddJob(job)
            .AddLogger(ConsoleLogger.Default)
            .AddColumnProvider(DefaultColumnProviders.Instance)
            .WithArtifactsPath(Path.Combine(context.Artifacts.Directory, "BenchmarkDotNet"))
            .WithOptions(ConfigOptions.DisableLogFile);
        var summary = BenchmarkRunner.Run<RpcRoundTripBenchmark>(config);

        var statistics = summary.Reports.SingleOrDefault()?.ResultStatistics
            ?? throw new InvalidOperationException("BenchmarkDotNet produced no result; see its output above");
        const double NsPerMs = 1e6;
        var samples = statistics.OriginalValues.Select(ns => ns / NsPerMs).ToArray();
        report.Add(new ResultRow(Name, "status round trip, mean per iteration", "ms", samples,
            statistics.Median / NsPerMs, statistics.Percentiles.P90 / NsPerMs, statistics.Max / NsPerMs,
            null, null,
            $"BenchmarkDotNet, {statistics.N} iterations of {summary.Reports.Single().AllMeasurements.FirstOrDefault().Operations} calls; " +
            "includes the client's own serialisation and the wake-up of the calling thread, which the rpc row leaves out"));
    }
}
