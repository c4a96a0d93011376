using BackendSidecar.Core.Supervision;

namespace BackendSidecar.Rpc;

/// <summary>
/// One supervisor shared by every session attached to it (the stdio host and the endpoint's clients), and the rules of
/// protocol/README.md "Attach": a session's shutdown detaches it; the backends stop for good when the last session leaves
/// a sidecar that serves only sessions (<c>serve</c>), or on an explicit stop (<c>shutdown</c> with <c>stopBackends</c>).
/// </summary>
/// <param name="endsWithLastSession">True for <c>serve</c>; false for <c>run</c>, whose terminal owns the backends.</param>
internal sealed class SharedSupervisor(Supervisor supervisor, string configPath, bool endsWithLastSession)
{
    private readonly object _gate = new();
    private readonly TaskCompletionSource _ended = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _sessions;

    public Supervisor Supervisor => supervisor;

    /// <summary>The configuration's full path: an attaching client that names another one is refused.</summary>
    public string ConfigPath => configPath;

    /// <summary>Completes when the backends stop for good: the sidecar then ends, whoever is still attached.</summary>
    public Task Ended => _ended.Task;

    public int Sessions
    {
        get { lock (_gate) return _sessions; }
    }

    /// <summary>Counts a session in; false once the sidecar is ending (the client must start a new one).</summary>
    public bool TryJoin()
    {
        lock (_gate)
        {
            if (_ended.Task.IsCompleted) return false;
            _sessions++;
            return true;
        }
    }

    /// <summary>Counts a session out. True when the caller must stop every backend (the sidecar ends once they are stopped).</summary>
    public bool Leave(bool stopBackends)
    {
        lock (_gate)
        {
            _sessions--;
            return stopBackends || (endsWithLastSession && _sessions == 0);
        }
    }

    /// <summary>The session whose shutdown stopped the backends for good.</summary>
    public object? EndedBy { get; private set; }

    /// <summary>Called by <paramref name="session"/> once the backends are stopped for good.</summary>
    public void End(object session)
    {
        lock (_gate) EndedBy ??= session;
        _ended.TrySetResult();
    }
}
