using BackendSidecar.Core.Insights;
using BackendSidecar.Core.Ports;
using BackendSidecar.Core.Processes;

namespace BackendSidecar.Core.Platform.Linux;

/// <summary>
/// Linux: posix_spawn into a new process group (through setpriv for the parent-death signal), exits from pidfds, ports
/// and identities from /proc, and a shell guard that kills every marked descendant when the sidecar is killed.
/// </summary>
/// <remarks>The fast path the figures in bench/ are measured on: this class only names the parts, it adds no step.</remarks>
public sealed class LinuxPlatform(TimeProvider? time = null) : IProcessPlatform
{
    private readonly PosixProcessLauncher _launcher = new(time);

    /// <inheritdoc/>
    public string Name => "linux";

    /// <inheritdoc/>
    public IProcessLauncher Launcher => _launcher;

    /// <inheritdoc/>
    public IPortInspector Ports { get; } = new LinuxPortInspector();

    /// <inheritdoc/>
    public IProcessTable Processes => LinuxProcessTable.Instance;

    /// <summary>False when no setpriv with --pdeathsig was found: then there is no containment either.</summary>
    public bool ParentDeathSignalAvailable => _launcher.ParentDeathSignalAvailable;

    /// <inheritdoc/>
    public IAsyncDisposable? StartContainment() => SidecarDeathGuard.TryStart(_launcher);

    /// <inheritdoc/>
    /// <remarks>From /proc at once: the task is always completed.</remarks>
    public ValueTask<GroupSample?> SampleGroupAsync(int processGroupId, TimeProvider time, CancellationToken cancellationToken = default) =>
        new(ProcessGroupSampler.Sample(processGroupId, time));
}
