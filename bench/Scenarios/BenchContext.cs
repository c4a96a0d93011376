using BackendSidecar.Bench.Setup;

namespace BackendSidecar.Bench.Scenarios;

/// <summary>What every scenario gets: the artifacts, the mode, and progress output (stderr; the report goes to files).</summary>
internal sealed class BenchContext(BenchArtifacts artifacts, bool quick)
{
    /// <summary>A bound for any single wait: a scenario that hangs fails instead.</summary>
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);

    public BenchArtifacts Artifacts { get; } = artifacts;

    /// <summary>Fewer iterations and shorter idle periods: a quick check, not figures to publish.</summary>
    public bool Quick { get; } = quick;

    public int Iterations(int full, int quick) => Quick ? quick : full;

    public static void Progress(string text) => Console.Error.WriteLine("  " + text);
}
