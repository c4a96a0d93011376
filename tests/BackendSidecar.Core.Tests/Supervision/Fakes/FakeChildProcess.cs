using System.IO.Pipelines;
using System.Text;
using BackendSidecar.Core.Processes;

namespace BackendSidecar.Core.Tests.Supervision.Fakes;

/// <summary>A process that exists only in memory: the test decides when it writes, exits, and how it takes a stop signal.</summary>
internal sealed class FakeChildProcess : IChildProcess
{
    private readonly TaskCompletionSource<ProcessExit> _exited = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly Pipe _stdout = new();
    private readonly Pipe _stderr = new();
    private readonly TimeProvider _time;

    public FakeChildProcess(int pid, LaunchRequest request, TimeProvider time)
    {
        Pid = pid;
        Request = request;
        _time = time;
        StartedAt = time.GetUtcNow();
        StandardOutput = _stdout.Reader.AsStream();
        StandardError = _stderr.Reader.AsStream();
    }

    public int Pid { get; }
    public int ProcessGroupId => Pid;
    public DateTimeOffset StartedAt { get; }
    public ulong StartTimeTicks => StartTimeRead is { Task.IsCompleted: false } ? 0 : (ulong)Pid * 100;

    /// <summary>Set: the start time is known only once it completes (ps on macOS, read after the launch).</summary>
    public TaskCompletionSource? StartTimeRead { get; set; }

    public Task StartTimeKnown => StartTimeRead?.Task ?? Task.CompletedTask;
    public Stream StandardOutput { get; }
    public Stream StandardError { get; }
    public Task<ProcessExit> Exited => _exited.Task;
    public LaunchRequest Request { get; }

    /// <summary>False: the child ignores the stop signal and needs SIGKILL.</summary>
    public bool ExitsOnStopSignal { get; set; } = true;

    public List<int> SignalsReceived { get; } = [];
    public bool Disposed { get; private set; }

    public void WriteLine(string text, bool stderr = false)
    {
        var pipe = stderr ? _stderr : _stdout;
        pipe.Writer.WriteAsync(Encoding.UTF8.GetBytes(text + "\n")).AsTask().GetAwaiter().GetResult();
    }

    public void Exit(int? code, int? signal = null)
    {
        _stdout.Writer.Complete();
        _stderr.Writer.Complete();
        _exited.TrySetResult(new ProcessExit(signal is null ? code : null, signal, _time.GetUtcNow()));
    }

    public async Task<bool> StopGroupAsync(int signal, TimeSpan timeout, TimeProvider time, CancellationToken cancellationToken = default)
    {
        lock (SignalsReceived) SignalsReceived.Add(signal);
        if (_exited.Task.IsCompleted) return true;
        if (ExitsOnStopSignal)
        {
            Exit(code: null, signal);
            return true;
        }

        try
        {
            await _exited.Task.WaitAsync(timeout, time, cancellationToken);
            return true;
        }
        catch (TimeoutException)
        {
            lock (SignalsReceived) SignalsReceived.Add(Signals.SIGKILL);
            Exit(code: null, Signals.SIGKILL);
            return false;
        }
    }

    /// <summary>When set, clean-up of the group after an exit (killing remnants) takes until this completes.</summary>
    public Task? RemnantsGone { get; set; }

    public int KillGroupCalls => Volatile.Read(ref _killGroupCalls);

    private int _killGroupCalls;

    public Task KillGroupAsync(CancellationToken cancellationToken = default)
    {
        Interlocked.Increment(ref _killGroupCalls);
        if (!_exited.Task.IsCompleted) Exit(code: null, Signals.SIGKILL);
        return RemnantsGone?.WaitAsync(cancellationToken) ?? Task.CompletedTask;
    }

    public void Dispose() => Disposed = true;
}
