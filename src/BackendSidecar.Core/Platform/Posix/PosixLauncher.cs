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

    // Only makes the marker unique to this sidecar: the POSIX platform finds leftovers by group, never by marker, so
    // the marker needs no start time (which would mean running ps in the launch, under the supervisor's gate).
    private static readonly string s_sidecarNonce = Random.Shared.NextInt64().ToString("x", System.Globalization.CultureInfo.InvariantCulture);
    private readonly TimeProvider _time = time ?? TimeProvider.System;

    /// <summary>The guard to report groups to, once containment has started.</summary>
    public PosixGuardClient? Guard { get; set; }

    public IChildProcess Launch(LaunchRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        LaunchValidation.Check(request);
        var marker = $"{Environment.ProcessId}.{s_sidecarNonce}.{Interlocked.Increment(ref s_launchCount)}";
        List<string> environment = [.. request.Environment.Where(e => e.Key != PosixProcessLauncher.InstanceMarkerVariable)
            .Select(e => $"{e.Key}={e.Value}"), $"{PosixProcessLauncher.InstanceMarkerVariable}={marker}"];

        var (pid, stdoutRead, stderrRead) = OutputPipes.Spawn(PosixGroupSpawn.CreatePipe, (stdoutWrite, stderrWrite) =>
            PosixGroupSpawn.Spawn(request.FileName, [request.FileName, .. request.Args], environment, request.WorkingDirectory,
                -1, stdoutWrite, stderrWrite));

        var guard = Guard;
        guard?.Watch(pid);
        // Read after the launch, not in it (ps takes milliseconds and the launch runs under the supervisor's gate). The
        // waitpid thread does not reap the child before the read ends, so ps sees it even if it has exited already.
        var startTime = processes.TryGetStartTimeAsync(pid).AsTask();
        return new PosixChildProcess(pid, startTime, marker, PosixGroupSpawn.OpenStream(stdoutRead, PipeDirection.In),
            PosixGroupSpawn.OpenStream(stderrRead, PipeDirection.In), _time, guard is null ? null : guard.Forget);
    }
}
