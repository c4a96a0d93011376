using BackendSidecar.Core.Processes.Interop;
using System.IO.Pipes;
using Microsoft.Win32.SafeHandles;

namespace BackendSidecar.Core.Processes;

/// <summary>
/// Starts backends on Linux with posix_spawn: each one leads its own process group, has stdout and stderr piped,
/// stdin on /dev/null, and (when asked) is killed by the kernel when the sidecar dies.
/// </summary>
/// <remarks>
/// <para>Thread-safe. Every spawn runs on one dedicated long-lived thread, because the parent-death signal is tied to
/// the thread that forked; <see cref="Launch"/> blocks until that thread has the PID.</para>
/// <para>The parent-death signal uses <c>setpriv --pdeathsig KILL</c>, which execs the backend in the same PID, so
/// <see cref="IChildProcess.Pid"/> is the backend's own; <see cref="Launch"/> returns once setpriv has armed the signal and
/// exec'd. Without setpriv the backend is started directly and <see cref="ParentDeathSignalAvailable"/> is false.</para>
/// <para>Every launch gets <see cref="InstanceMarkerVariable"/> in its environment, unique per launch
/// (<c>sidecarPid.sidecarStartTime.n</c>): descendants inherit it, so those that leave the group can still be found.</para>
/// </remarks>
public sealed unsafe class PosixProcessLauncher(TimeProvider? time = null) : IProcessLauncher
{
    /// <summary>Set in every backend's environment to a value unique per launch; descendants inherit it.</summary>
    public const string InstanceMarkerVariable = "BACKEND_SIDECAR_INSTANCE";

    /// <summary>Pipes get this capacity when the system allows it, so a burst of output does not stall the backend.</summary>
    private const int PipeCapacityBytes = 1024 * 1024;

    private static int s_launchCount;
    private readonly TimeProvider _time = time ?? TimeProvider.System;

    /// <summary>False when no setpriv with --pdeathsig was found: backends would outlive a killed sidecar (warn the user).</summary>
    public bool ParentDeathSignalAvailable => ParentDeathSignal.SetprivPath is not null;

    /// <inheritdoc/>
    IChildProcess IProcessLauncher.Launch(LaunchRequest request) => Launch(request);

    /// <summary>Starts <paramref name="request"/>; see <see cref="IProcessLauncher.Launch"/>.</summary>
    /// <exception cref="LaunchException">The file or working directory is missing or unusable, or the spawn failed.</exception>
    public ChildProcess Launch(LaunchRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        LaunchValidation.Check(request);
        var marker = $"{Environment.ProcessId}.{ProcessInfo.CurrentStartTimeTicks}.{Interlocked.Increment(ref s_launchCount)}";
        var environment = BuildEnvironment(request.Environment, marker);
        var setpriv = request.KillOnParentDeath ? ParentDeathSignal.SetprivPath : null;
        var (path, argv) = setpriv is null
            ? (request.FileName, (IReadOnlyList<string>)[request.FileName, .. request.Args])
            : (setpriv, ParentDeathSignal.WrapArguments(setpriv, request.ParentDeathSignal, request.FileName, request.Args));

        var (pid, stdoutRead, stderrRead) = OutputPipes.Spawn(CreatePipe, (stdoutWrite, stderrWrite) =>
            SpawnerThread.Shared.Invoke(() => PosixSpawn.Spawn(
                path, argv, environment, request.WorkingDirectory, -1, stdoutWrite, stderrWrite, PosixSpawnSignals.Linux)));

        if (setpriv is not null) WaitUntilPastSetpriv(pid, request.FileName);
        var stdout = OpenReadStream(stdoutRead);
        var stderr = OpenReadStream(stderrRead);
        try
        {
            // Not reaped yet (only the child's exit watch reaps it), so /proc/PID/stat is there even if it already exited.
            return new ChildProcess(pid, ProcessInfo.TryGetStartTime(pid) ?? 0, marker, stdout, stderr, _time);
        }
        catch (IOException e)
        {
            // Without an exit watch nobody would reap it: do not leave it running unsupervised.
            _ = Posix.kill(-pid, Signals.SIGKILL);
            int status;
            _ = Posix.waitpid(pid, &status, 0);
            stdout.Dispose();
            stderr.Dispose();
            throw new LaunchException($"Started '{request.FileName}' but cannot watch it: {e.Message}");
        }
    }

    /// <summary>
    /// setpriv arms the parent-death signal and then execs the backend. Until it has, a SIGKILL of the sidecar would leave
    /// the backend unarmed and /proc would show setpriv at this PID, so Launch returns only after that exec. No event
    /// reports an exec of an untraced process: this is a short bounded poll of /proc/PID/exe (about a millisecond).
    /// </summary>
    private static void WaitUntilPastSetpriv(int pid, string fileName)
    {
        if (Path.GetFileName(fileName) == "setpriv") return;
        for (var attempt = 0; attempt < 2000; attempt++)
        {
            string? exe;
            try { exe = new FileInfo($"/proc/{pid}/exe").LinkTarget; }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException) { return; } // exited already (a zombie has no exe): the exit watch reports it
            if (exe is null || Path.GetFileName(exe) != "setpriv") return;
            Thread.Sleep(attempt < 10 ? 0 : 1);
        }
    }

    private static List<string> BuildEnvironment(IReadOnlyDictionary<string, string> environment, string marker)
    {
        var entries = new List<string>(environment.Count + 1);
        foreach (var (name, value) in environment)
        {
            if (name != InstanceMarkerVariable) entries.Add($"{name}={value}");
        }
        entries.Add($"{InstanceMarkerVariable}={marker}");
        return entries;
    }

    private static (int Read, int Write) CreatePipe()
    {
        var fds = stackalloc int[2];
        if (Posix.pipe2(fds, Posix.O_CLOEXEC) != 0)
        {
            var errno = Posix.LastError;
            throw new LaunchException($"Cannot create a pipe for the backend's output: {Posix.ErrorText(errno)}", errno);
        }
        _ = Posix.fcntl(fds[0], Posix.F_SETPIPE_SZ, PipeCapacityBytes); // best effort: limited by /proc/sys/fs/pipe-max-size
        return (fds[0], fds[1]);
    }

    /// <summary>An unbuffered pipe stream: each read is one read(2) of up to the caller's buffer size (use 64 KiB), and
    /// an asynchronous read waits in the runtime's epoll loop, not on a thread (a FileStream would block a pool thread).</summary>
    private static AnonymousPipeClientStream OpenReadStream(int fd) =>
        new(PipeDirection.In, new SafePipeHandle(fd, ownsHandle: true));
}
