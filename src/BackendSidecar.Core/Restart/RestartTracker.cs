using BackendSidecar.Core.Configuration;

namespace BackendSidecar.Core.Restart;

/// <summary>What the supervisor should do after a backend ended on its own.</summary>
public abstract record RestartDecision
{
    private RestartDecision() { }

    /// <summary>Restart after <paramref name="Delay"/>.</summary>
    public sealed record Restart(TimeSpan Delay) : RestartDecision;

    /// <summary>Do not restart: the policy says so (<c>never</c>, or a clean exit under <c>on-failure</c>).</summary>
    public sealed record Stay(string Why) : RestartDecision;

    /// <summary>Too many restarts within the window.</summary>
    public sealed record GiveUp(string Why) : RestartDecision;
}

/// <summary>
/// The restart policy of one backend: which exits restart, the sliding window of <c>maxRestarts</c> in <c>windowMs</c>,
/// and the streak that backoff grows over, forgotten after <c>resetAfterMs</c> of stable running.
/// </summary>
/// <remarks>
/// <see cref="Count"/> is the number of automatic restarts of the current streak that are still inside the window, so it
/// never exceeds <c>maxRestarts</c> when the backend gives up. Not thread-safe: the supervisor calls it under its gate.
/// </remarks>
public sealed class RestartTracker(RestartOptions options)
{
    private readonly Queue<DateTimeOffset> _restarts = new();

    public int Count => _restarts.Count;

    /// <param name="failure">False for an exit with code 0; a crash, a signal, a startup timeout or an unhealthy backend are failures.</param>
    public RestartDecision Decide(bool failure, DateTimeOffset now, double random01)
    {
        if (options.Policy == RestartPolicyKind.Never)
            return new RestartDecision.Stay("restart policy is never");
        if (options.Policy == RestartPolicyKind.OnFailure && !failure)
            return new RestartDecision.Stay("exited cleanly; restart policy is on-failure");

        Forget(now);
        if (options.MaxRestarts is { } max && _restarts.Count >= max)
        {
            var window = (long)options.Window.TotalMilliseconds;
            return new RestartDecision.GiveUp(max == 0
                ? "maxRestarts is 0"
                : $"{_restarts.Count} restarts within {window} ms (maxRestarts {max})");
        }

        return new RestartDecision.Restart(Backoff.Delay(options.Backoff, _restarts.Count, random01));
    }

    /// <summary>Counts a restart that is being carried out now.</summary>
    public void Record(DateTimeOffset now)
    {
        Forget(now);
        _restarts.Enqueue(now);
    }

    /// <summary>A manual start, or <c>resetAfterMs</c> of stable running: the next failure starts a new streak.</summary>
    public void Reset() => _restarts.Clear();

    private void Forget(DateTimeOffset now)
    {
        while (_restarts.Count > 0 && now - _restarts.Peek() >= options.Window)
            _restarts.Dequeue();
    }
}
