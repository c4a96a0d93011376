using BackendSidecar.Bench.Report;

namespace BackendSidecar.Bench.Scenarios;

/// <summary>One measured situation, run against the real published sidecar with real backend processes.</summary>
internal abstract class Scenario
{
    /// <summary>The name used on the command line and in the results.</summary>
    public abstract string Name { get; }

    /// <summary>One sentence: what is timed.</summary>
    public abstract string Description { get; }

    public abstract void Run(BenchContext context, ScenarioReport report);
}
