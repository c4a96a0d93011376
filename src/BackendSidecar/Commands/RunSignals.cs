using System.Runtime.InteropServices;

namespace BackendSidecar.Commands;

/// <summary>
/// Ctrl+C and SIGTERM for <c>run</c>: the first asks for a graceful stop, the second forces it, a third is left to the runtime
/// (the process ends at once).
/// </summary>
internal sealed class RunSignals : IDisposable
{
    private readonly CancellationTokenSource _stopping = new();
    private readonly TaskCompletionSource _forced = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly PosixSignalRegistration _sigint;
    private readonly PosixSignalRegistration _sigterm;
    private int _count;

    public RunSignals()
    {
        _sigint = PosixSignalRegistration.Create(PosixSignal.SIGINT, OnSignal);
        _sigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, OnSignal);
    }

    /// <summary>Cancelled at the first signal.</summary>
    public CancellationToken Stopping => _stopping.Token;

    /// <summary>Completes at the second signal.</summary>
    public Task Forced => _forced.Task;

    private void OnSignal(PosixSignalContext context)
    {
        switch (Interlocked.Increment(ref _count))
        {
            case 1:
                context.Cancel = true; // we stop the backends first, then exit 0
                _stopping.Cancel();
                break;
            case 2:
                context.Cancel = true;
                _forced.TrySetResult();
                break;
        }
    }

    public void Dispose()
    {
        _sigint.Dispose();
        _sigterm.Dispose();
        _stopping.Dispose();
    }
}
