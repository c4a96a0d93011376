using System.Runtime.Versioning;
using BackendSidecar.Core.Processes;
using Microsoft.Win32.SafeHandles;
using static BackendSidecar.Core.Platform.Windows.Kernel32;

namespace BackendSidecar.Core.Platform.Windows;

/// <summary>A backend started by <see cref="WindowsProcessLauncher"/>: the leader of its own process group and job.</summary>
/// <remarks>
/// <para>Thread-safe. The exit comes from a wait on the process handle. The stop ladder: CTRL_BREAK_EVENT to the group
/// (whatever <c>stop.signal</c> says: Windows has no other event a console program can catch that can be sent to one
/// group), then TerminateJobObject after the timeout; it is done when the job has no active process.</para>
/// <para>Disposing closes the pipe read ends. The job handle is closed once both the leader has exited and this object
/// is disposed: closing it earlier would kill the backend (kill-on-close).</para>
/// </remarks>
[SupportedOSPlatform("windows")]
public sealed class WindowsChildProcess : IChildProcess
{
    /// <summary>The exit code of a process ended by the hard step, as <c>taskkill /F</c> leaves it.</summary>
    public const int KilledExitCode = 1;

    /// <summary>How long TerminateJobObject may take before a clear <see cref="TimeoutException"/>.</summary>
    public static readonly TimeSpan KillWaitLimit = TimeSpan.FromSeconds(5);

    /// <summary>How often the job is asked whether descendants remain once the leader has gone (a job has no "empty"
    /// event short of an I/O completion port).</summary>
    private static readonly TimeSpan JobPollInterval = TimeSpan.FromMilliseconds(20);

    private readonly TaskCompletionSource<ProcessExit> _exited = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly SafeProcessHandle _process;
    private readonly BackendJob _job;
    private readonly TimeProvider _time;
    private readonly Lock _gate = new();
    private bool _disposed;

    internal WindowsChildProcess(int pid, SafeProcessHandle process, BackendJob job, Stream standardOutput, Stream standardError, TimeProvider time)
    {
        Pid = pid;
        _process = process;
        _job = job;
        _time = time;
        StandardOutput = standardOutput;
        StandardError = standardError;
        StartedAt = time.GetUtcNow();
        StartTimeTicks = GetProcessTimes(process, out var created, out _, out _, out _) ? (ulong)created : 0;
        ProcessExitWait.Register(process, OnExit);
    }

    /// <inheritdoc/>
    public int Pid { get; }

    /// <inheritdoc/>
    public int ProcessGroupId => Pid;

    /// <inheritdoc/>
    public DateTimeOffset StartedAt { get; }

    /// <summary>The creation time (FILETIME: 100 ns since 1601, UTC), which with the PID identifies the process.</summary>
    public ulong StartTimeTicks { get; }

    /// <inheritdoc/>
    public Stream StandardOutput { get; }

    /// <inheritdoc/>
    public Stream StandardError { get; }

    /// <inheritdoc/>
    public Task<ProcessExit> Exited => _exited.Task;

    /// <summary>The job's counters, for <c>resources</c>; null once the job is closed.</summary>
    internal BackendJob? Job
    {
        get { lock (_gate) return _job; }
    }

    /// <inheritdoc/>
    public string GracefulStepName(int signal) => "CTRL_BREAK";

    /// <inheritdoc/>
    public string HardKillName => "TerminateJobObject";

    /// <inheritdoc/>
    public async Task<bool> StopGroupAsync(int signal, TimeSpan timeout, TimeProvider time, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(time);
        if (IsEmpty()) return true;
        // SIGKILL asked for as the stop signal means no graceful step; a CTRL_BREAK that cannot be sent (no console) likewise.
        var sent = signal != Processes.Signals.SIGKILL && GenerateConsoleCtrlEvent(CTRL_BREAK_EVENT, (uint)Pid);
        if (sent && await WaitEmptyAsync(timeout, time, cancellationToken).ConfigureAwait(false)) return true;
        await KillGroupAsync(cancellationToken).ConfigureAwait(false);
        return false;
    }

    /// <inheritdoc/>
    public async Task KillGroupAsync(CancellationToken cancellationToken = default)
    {
        // False once the job is closed: then nothing of it is left to end.
        _ = _job.Terminate(KilledExitCode);
        // The bound is a safety net against a hang, not behaviour under test: measured on the real clock.
        if (!await WaitEmptyAsync(KillWaitLimit, TimeProvider.System, cancellationToken).ConfigureAwait(false))
            throw new TimeoutException(
                $"The job of process {Pid} was terminated but {_job.ActiveProcesses} processes were still in it after {KillWaitLimit.TotalSeconds:0} s.");
    }

    /// <inheritdoc/>
    public void Dispose()
    {
        StandardOutput.Dispose();
        StandardError.Dispose();
        lock (_gate)
        {
            _disposed = true;
            if (_exited.Task.IsCompleted) CloseHandles();
        }
    }

    private bool IsEmpty() => _exited.Task.IsCompleted && _job.ActiveProcesses == 0;

    /// <summary>Waits for the leader's exit (an event), then for the job to empty (polled), up to <paramref name="limit"/>.</summary>
    private async Task<bool> WaitEmptyAsync(TimeSpan limit, TimeProvider time, CancellationToken cancellationToken)
    {
        using var stopDelay = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var deadline = Task.Delay(limit, time, stopDelay.Token);
        try
        {
            while (!IsEmpty())
            {
                Task next = _exited.Task.IsCompleted ? Task.Delay(JobPollInterval, stopDelay.Token) : _exited.Task;
                if (await Task.WhenAny(next, deadline).ConfigureAwait(false) == deadline)
                {
                    cancellationToken.ThrowIfCancellationRequested();
                    return IsEmpty();
                }
            }
            return true;
        }
        finally
        {
            await stopDelay.CancelAsync().ConfigureAwait(false);
        }
    }

    private void OnExit()
    {
        var code = GetExitCodeProcess(_process, out var exitCode) ? (int)exitCode : (int?)null;
        lock (_gate)
        {
            _exited.TrySetResult(new ProcessExit(code, null, _time.GetUtcNow()));
            if (_disposed) CloseHandles();
        }
    }

    /// <summary>Closing the job ends what is left in it: only done once the leader is gone and nobody holds this object.</summary>
    private void CloseHandles()
    {
        _job.Dispose();
        _process.Dispose();
    }
}
