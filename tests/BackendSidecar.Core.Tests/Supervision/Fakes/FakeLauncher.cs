using System.Collections.Concurrent;
using System.Threading.Channels;
using BackendSidecar.Core.Processes;

namespace BackendSidecar.Core.Tests.Supervision.Fakes;

internal sealed class FakeLauncher(TimeProvider time) : IProcessLauncher
{
    private readonly Channel<FakeChildProcess> _launched = Channel.CreateUnbounded<FakeChildProcess>();
    private int _nextPid = 1000;

    public ConcurrentQueue<FakeChildProcess> All { get; } = new();

    /// <summary>When set, the next launches fail with it.</summary>
    public LaunchException? Failure { get; set; }

    /// <summary>Applied to every new child before it is handed out.</summary>
    public Action<FakeChildProcess>? Configure { get; set; }

    public IChildProcess Launch(LaunchRequest request)
    {
        if (Failure is { } failure) throw failure;
        var child = new FakeChildProcess(Interlocked.Increment(ref _nextPid), request, time);
        Configure?.Invoke(child);
        All.Enqueue(child);
        _launched.Writer.TryWrite(child);
        return child;
    }

    /// <summary>The next child launched (in order), waiting for it with a bound.</summary>
    public async Task<FakeChildProcess> NextAsync() =>
        await _launched.Reader.ReadAsync().AsTask().WaitAsync(BackendSidecar.Testing.TestTimeouts.Unexpected);
}
