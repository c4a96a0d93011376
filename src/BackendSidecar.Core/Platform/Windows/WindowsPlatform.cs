using System.Runtime.Versioning;
using BackendSidecar.Core.Insights;
using BackendSidecar.Core.Ports;
using BackendSidecar.Core.Processes;

namespace BackendSidecar.Core.Platform.Windows;

/// <summary>
/// Windows: a kill-on-close Job Object per backend (the child is put in it while suspended), the exit from the process
/// handle, CTRL_BREAK then TerminateJobObject, the port owner from the TCP table, identity from the creation time.
/// </summary>
[SupportedOSPlatform("windows")]
public sealed class WindowsPlatform : IProcessPlatform
{
    private readonly WindowsProcessTable _processes = new();
    private readonly WindowsProcessLauncher _launcher;

    public WindowsPlatform(TimeProvider? time = null)
    {
        _launcher = new WindowsProcessLauncher(time);
        Ports = new WindowsPortInspector();
    }

    /// <inheritdoc/>
    public string Name => "windows";

    /// <inheritdoc/>
    public IProcessLauncher Launcher => _launcher;

    /// <inheritdoc/>
    public IPortInspector Ports { get; }

    /// <inheritdoc/>
    public IProcessTable Processes => _processes;

    /// <inheritdoc/>
    /// <remarks>Nothing to start: each backend's job handle is the containment (Windows closes it when the sidecar dies,
    /// and the job's kill-on-close ends every process in it).</remarks>
    public IAsyncDisposable? StartContainment() => new JobHandleContainment();

    /// <inheritdoc/>
    /// <remarks>The job's accounting gives the CPU time of every process that ran in it (exited ones included) and the
    /// live count; the memory is the sum of the working sets of the processes in it now.</remarks>
    public ValueTask<GroupSample?> SampleGroupAsync(int processGroupId, TimeProvider time, CancellationToken cancellationToken = default) =>
        new(SampleGroup(processGroupId, time));

    private GroupSample? SampleGroup(int processGroupId, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(time);
        if (_launcher.FindJob(processGroupId) is not { } job) return null;
        var takenAt = time.GetTimestamp();
        var active = job.ActiveProcesses;
        if (active == 0 || job.CpuTime is not { } cpu) return null;
        var workingSet = job.ProcessIds().Sum(pid => WindowsProcessTable.TryGetWorkingSet(pid) ?? 0);
        return new GroupSample(cpu, workingSet, active, takenAt);
    }

    private sealed class JobHandleContainment : IAsyncDisposable
    {
        public ValueTask DisposeAsync() => ValueTask.CompletedTask;
    }
}
