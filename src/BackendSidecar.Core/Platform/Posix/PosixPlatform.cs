using BackendSidecar.Core.Insights;
using BackendSidecar.Core.Ports;
using BackendSidecar.Core.Processes;

namespace BackendSidecar.Core.Platform.Posix;

/// <summary>
/// Any Unix, macOS first: posix_spawn into a new process group, the exit from a thread blocked in waitpid, killpg for the
/// stop ladder, ports and start times from lsof and ps, containment by a guard process (the sidecar binary in guard
/// mode). Selectable on Linux (<c>BACKEND_SIDECAR_PLATFORM=posix</c>), where CI runs it.
/// </summary>
/// <param name="guardCommand">The command that runs <see cref="PosixGuard"/> (the sidecar binary and
/// <see cref="PosixGuard.Argument"/>); null: no containment.</param>
public sealed class PosixPlatform : IProcessPlatform
{
    private readonly PosixProcessTable _processes = new();
    private readonly IReadOnlyList<string>? _guardCommand;
    private readonly TimeProvider _time;
    private readonly PosixLauncher _launcher;

    public PosixPlatform(IReadOnlyList<string>? guardCommand, TimeProvider? time = null)
    {
        _guardCommand = guardCommand;
        _time = time ?? TimeProvider.System;
        _launcher = new PosixLauncher(_processes, _time);
    }

    /// <inheritdoc/>
    public string Name => "posix";

    /// <inheritdoc/>
    public IProcessLauncher Launcher => _launcher;

    /// <inheritdoc/>
    public IPortInspector Ports { get; } = new PosixPortInspector();

    /// <inheritdoc/>
    public IProcessTable Processes => _processes;

    /// <inheritdoc/>
    public IAsyncDisposable? StartContainment()
    {
        if (_guardCommand is null || PosixGuardClient.TryStart(_guardCommand, _time) is not { } guard) return null;
        _launcher.Guard = guard;
        return new Containment(_launcher, guard);
    }

    /// <inheritdoc/>
    /// <remarks>From one <c>ps -A -o pgid=,rss=,time=</c> (no /proc): CPU time to the hundredth on macOS, to the second
    /// on procps.</remarks>
    public async ValueTask<GroupSample?> SampleGroupAsync(int processGroupId, TimeProvider time, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(time);
        var takenAt = time.GetTimestamp();
        var output = await ShortCommand.RunAsync("ps", ["-A", "-o", "pgid=,rss=,time="], cancellationToken).ConfigureAwait(false);
        return ToolOutput.ParseGroupUsage(output, processGroupId) is { } usage
            ? new GroupSample(usage.Cpu, usage.RssBytes, usage.Processes, takenAt)
            : null;
    }

    private sealed class Containment(PosixLauncher launcher, PosixGuardClient guard) : IAsyncDisposable
    {
        public async ValueTask DisposeAsync()
        {
            launcher.Guard = null;
            await guard.DisposeAsync().ConfigureAwait(false);
        }
    }
}
