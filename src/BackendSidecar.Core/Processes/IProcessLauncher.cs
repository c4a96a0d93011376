namespace BackendSidecar.Core.Processes;

/// <summary>Starts backend processes. The seam between the supervisor and the operating system.</summary>
public interface IProcessLauncher
{
    /// <summary>
    /// Starts <paramref name="request"/> as the leader of a new process group, with stdout and stderr piped.
    /// Throws <see cref="LaunchException"/> when the process cannot be started (not found, not executable, bad cwd).
    /// </summary>
    IChildProcess Launch(LaunchRequest request);
}

/// <summary>What to start. <see cref="FileName"/> is already resolved to an absolute path.</summary>
public sealed record LaunchRequest
{
    public required string FileName { get; init; }
    public IReadOnlyList<string> Args { get; init; } = [];
    public required string WorkingDirectory { get; init; }

    /// <summary>The child's whole environment (nothing is inherited implicitly).</summary>
    public required IReadOnlyDictionary<string, string> Environment { get; init; }

    /// <summary>Ask the kernel to SIGKILL the child when the sidecar dies (Linux parent-death signal).</summary>
    public bool KillOnParentDeath { get; init; } = true;

    /// <summary>The signal sent on the sidecar's death when <see cref="KillOnParentDeath"/> is set.</summary>
    public int ParentDeathSignal { get; init; } = Signals.SIGKILL;
}

public sealed class LaunchException(string message, int errno = 0) : Exception(message)
{
    /// <summary>The POSIX errno of the failed spawn, 0 when not known.</summary>
    public int Errno { get; } = errno;
}
