using System.IO.Pipes;
using BackendSidecar.Core.Processes;
using BackendSidecar.Core.Processes.Interop;

namespace BackendSidecar.Core.Platform.Posix;

/// <summary>
/// Starts backends on any Unix with posix_spawn, each in a new process group, stdout and stderr piped, stdin on
/// /dev/null, <see cref="PosixProcessLauncher.InstanceMarkerVariable"/> in its environment (as on Linux). Containment is
/// the guard's: every new group is reported to it before <see cref="Launch"/> returns.
/// </summary>
internal sealed class PosixLauncher(PosixProcessTable processes, TimeProvider? time = null) : IProcessLauncher
{
    private static int s_launchCount;
    private readonly TimeProvider _time = time ?? TimeProvider.System;

    /// <summary>The guard to report groups to, once containment has started.</summary>
    public PosixGuardClient? Guard { get; set; }

    public IChildProcess Launch(LaunchRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        LaunchValidation.Check(request);
        var marker = $"{Environment.ProcessId}.{processes.CurrentStartTime}.{Interlocked.Increment(ref s_launchCount)}";
        List<string> environment = [.. request.Environment.Where(e => e.Key != PosixProcessLauncher.InstanceMarkerVariable)
            .Select(e => $"{e.Key}={e.Value}"), $"{PosixProcessLauncher.InstanceMarkerVariable}={marker}"];

        var (pid, stdoutRead, stderrRead) = OutputPipes.Spawn(PosixGroupSpawn.CreatePipe, (stdoutWrite, stderrWrite) =>
            PosixGroupSpawn.Spawn(request.FileName, [request.FileName, .. request.Args], environment, request.WorkingDirectory,
                -1, stdoutWrite, stderrWrite));

        var guard = Guard;
        guard?.Watch(pid);
        // Not reaped yet (only its waitpid thread reaps it), so ps sees it even if it already exited.
        var startTime = processes.TryGetStartTime(pid) ?? 0;
        return new PosixChildProcess(pid, startTime, marker, PosixGroupSpawn.OpenStream(stdoutRead, PipeDirection.In),
            PosixGroupSpawn.OpenStream(stderrRead, PipeDirection.In), _time, guard is null ? null : guard.Forget);
    }
}
