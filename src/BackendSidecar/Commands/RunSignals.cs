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
    private readonly PosixSignalRegistration? _sigint;
    private readonly PosixSignalRegistration? _sigterm;
    private readonly TimeProvider _time;
    private long _firstAt;
    private int _count;

    /// <summary>
    /// A second signal this soon after the first is the same press: a launcher in front of us (<c>dotnet run</c>,
    /// <c>timeout</c>, an npm script) passes the terminal's SIGINT on to us, who got it from the terminal already.
    /// A person pressing twice takes longer.
    /// </summary>
    internal static readonly TimeSpan SamePress = TimeSpan.FromMilliseconds(150);

    /// <param name="time">The clock that tells one press delivered twice from two presses.</param>
    /// <param name="register">False in tests: signals come through <see cref="Receive"/> only.</param>
    public RunSignals(TimeProvider? time = null, bool register = true)
    {
        _time = time ?? TimeProvider.System;
        if (!register) return;
        _sigint = PosixSignalRegistration.Create(PosixSignal.SIGINT, OnSignal);
        _sigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, OnSignal);
    }

    /// <summary>Cancelled at the first signal.</summary>
    public CancellationToken Stopping => _stopping.Token;

    /// <summary>Completes at the second signal.</summary>
    public Task Forced => _forced.Task;

    private void OnSignal(PosixSignalContext context) => context.Cancel = Receive();

    /// <summary>One signal; true when it is ours to handle (the runtime must not end the process).</summary>
    internal bool Receive()
    {
        switch (Interlocked.Increment(ref _count))
        {
            case 1:
                Volatile.Write(ref _firstAt, _time.GetTimestamp());
                _stopping.Cancel(); // we stop the backends first, then exit 0
                return true;
            case 2 when _time.GetElapsedTime(Volatile.Read(ref _firstAt)) < SamePress:
                Interlocked.Decrement(ref _count);
                return true;
            case 2:
                _forced.TrySetResult();
                return true;
            default:
                return false;
        }
    }

    public void Dispose()
    {
        _sigint?.Dispose();
        _sigterm?.Dispose();
        _stopping.Dispose();
    }
}
