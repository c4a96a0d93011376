using BackendSidecar.Core.Configuration;
using BackendSidecar.Core.Logging;

namespace BackendSidecar.Core.Health;

/// <summary>Makes the probe for one start of a backend (the seam the supervisor's tests replace).</summary>
public interface IHealthProbeFactory
{
    /// <param name="options">The backend's health settings.</param>
    /// <param name="logs">The backend's log, for <see cref="HealthKind.StdoutPattern"/>.</param>
    /// <param name="fromSeq">The first log seq of this start (see <see cref="StdoutPatternProbe"/>).</param>
    /// <exception cref="ArgumentException">The target is not a valid URL, <c>host:port</c> or regex.</exception>
    IHealthProbe Create(HealthOptions options, LogRingBuffer logs, long fromSeq);
}
