using BackendSidecar.Core.Health;
using BackendSidecar.Core.Insights;
using BackendSidecar.Core.Platform;
using BackendSidecar.Core.Ports;
using BackendSidecar.Core.Processes;
using BackendSidecar.Core.State;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace BackendSidecar.Core.Supervision;

/// <summary>
/// What a supervisor needs from the outside world. Every member is a seam: tests swap the clock, the launcher, the probes.
/// </summary>
public sealed record SupervisorServices
{
    public required IProcessLauncher Launcher { get; init; }
    public required IHealthProbeFactory HealthProbes { get; init; }
    public required IPortInspector Ports { get; init; }
    public IStateStore? StateStore { get; init; }

    /// <summary>Process identities for the state records, the orphan reaper and <c>reclaim</c>
    /// (<see cref="IProcessPlatform.Processes"/>); null where nothing is recorded (tests with fake processes).</summary>
    public IProcessTable? Processes { get; init; }
    public TimeProvider Time { get; init; } = TimeProvider.System;

    /// <summary>Uniform random numbers in [0, 1) for backoff jitter.</summary>
    public Func<double> Random { get; init; } = System.Random.Shared.NextDouble;

    /// <summary>The environment children start from (the sidecar's own, by default).</summary>
    public Func<IReadOnlyDictionary<string, string>> BaseEnvironment { get; init; } = Configuration.EnvironmentBuilder.CurrentProcessEnvironment;

    public ILoggerFactory LoggerFactory { get; init; } = NullLoggerFactory.Instance;

    /// <summary>Begins one run's out-of-memory evidence, just before its launch (issue 12: crash causes).</summary>
    public Func<OomWatch> OomEvidence { get; init; } = () => OomWatch.Begin(s_oomCounter.Value);

    /// <summary>A process group's counters for <c>resources</c> (<see cref="IProcessPlatform.SampleGroupAsync"/>); null when it has
    /// no live member.</summary>
    public Func<int, TimeProvider, CancellationToken, ValueTask<GroupSample?>> SampleProcessGroup { get; init; } = (_, _, _) => new((GroupSample?)null);

    /// <summary>The services an operating system provides, from <paramref name="platform"/>; the caller adds the rest.</summary>
    public static SupervisorServices ForPlatform(IProcessPlatform platform, IHealthProbeFactory healthProbes)
    {
        ArgumentNullException.ThrowIfNull(platform);
        return new SupervisorServices
        {
            Launcher = platform.Launcher,
            Ports = platform.Ports,
            Processes = platform.Processes,
            SampleProcessGroup = platform.SampleGroupAsync,
            HealthProbes = healthProbes,
        };
    }

    // Looked up once: which cgroup the sidecar is in does not change while it runs.
    private static readonly Lazy<CgroupOomCounter?> s_oomCounter = new(CgroupOomCounter.ForCurrentProcess);
}
