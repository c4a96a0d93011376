namespace BackendSidecar.Core.Supervision;

/// <summary>What moves a backend from one state to another.</summary>
public enum BackendTrigger
{
    /// <summary>A process was launched (a manual start, or the restart at the end of a backoff).</summary>
    Launched,
    /// <summary>The port is held and onPortInUse says to adopt or reclaim it: that goes on outside the gate, nothing launched yet.</summary>
    ClaimingPort,
    /// <summary>The port was reclaimed from our own leftover and the process launched.</summary>
    PortReclaimed,
    /// <summary>The process on the port was a healthy match and is adopted instead of launching one: running at once.</summary>
    Adopted,
    /// <summary>The launch was refused: command not found, port held by a stranger, a dependency that failed.</summary>
    CannotStart,
    /// <summary>A stop or a shutdown came while the port was being claimed: nothing is launched.</summary>
    StartCancelled,
    /// <summary>The health check passed while starting (or there is none).</summary>
    Ready,
    /// <summary>failureThreshold checks in a row failed while running.</summary>
    HealthFailed,
    /// <summary>A check passed again while unhealthy.</summary>
    HealthRecovered,
    /// <summary>A stop was asked for while a process runs: the stop signal goes out.</summary>
    StopRequested,
    /// <summary>A stop was asked for with nothing to signal (waiting in backoff, or an adopted backend).</summary>
    StopWithoutProcess,
    /// <summary>Not healthy within startupTimeoutMs: the process is stopped.</summary>
    StartupTimedOut,
    /// <summary>Unhealthy under a restart policy: the process is stopped so it can be restarted.</summary>
    StoppingUnhealthy,
    /// <summary>A stop that was asked for finished: the process group is gone.</summary>
    StopCompleted,
    /// <summary>The process ended (or was stopped after failing) and the restart policy will restart it after a delay.</summary>
    RestartScheduled,
    /// <summary>The process ended and the policy leaves it down (a clean exit under on-failure).</summary>
    StayedDown,
    /// <summary>The process ended and the policy gives up (never, maxRestarts), or a waited-on attempt failed.</summary>
    GaveUp,
    /// <summary>The sidecar is shutting down: a pending restart is cancelled.</summary>
    ShutdownDuringBackoff,
}

/// <summary>
/// The contract's state machine as data: which trigger is allowed in which state, where it leads, and the reason text a
/// <c>statusChanged</c> carries. Pure: the supervisor asks it for every change of state, so a change it does not list is
/// a bug that fails loudly instead of a state a client cannot explain.
/// </summary>
public static class BackendTransitions
{
    /// <summary>One allowed transition. <paramref name="Reason"/> is a format with <c>{0}</c> for the caller's detail.</summary>
    public sealed record Transition(BackendState From, BackendTrigger Trigger, BackendState To, string Reason);

    private const BackendState Stopped = BackendState.Stopped;
    private const BackendState Starting = BackendState.Starting;
    private const BackendState Running = BackendState.Running;
    private const BackendState Unhealthy = BackendState.Unhealthy;
    private const BackendState Stopping = BackendState.Stopping;
    private const BackendState Backoff = BackendState.Backoff;
    private const BackendState Failed = BackendState.Failed;

    /// <summary>Every allowed transition; anything else is refused.</summary>
    public static readonly IReadOnlyList<Transition> All =
    [
        .. From([Stopped, Failed, Backoff], BackendTrigger.Launched, Starting, "{0}"),
        .. From([Stopped, Failed, Backoff], BackendTrigger.ClaimingPort, Starting, "{0}"),
        new(Starting, BackendTrigger.PortReclaimed, Starting, "{0}"),
        new(Starting, BackendTrigger.Adopted, Running, "{0}"),
        .. From([Stopped, Failed, Backoff, Starting], BackendTrigger.CannotStart, Failed, "{0}"),
        new(Starting, BackendTrigger.StartCancelled, Stopped, "{0} while the port was being claimed; nothing was launched"),
        new(Starting, BackendTrigger.Ready, Running, "{0}"),
        new(Running, BackendTrigger.HealthFailed, Unhealthy, "health check failed {0}"),
        new(Unhealthy, BackendTrigger.HealthRecovered, Running, "health check passed again ({0})"),
        .. From([Starting, Running, Unhealthy], BackendTrigger.StopRequested, Stopping, "{0}"),
        .. From([Starting, Running, Unhealthy], BackendTrigger.StopWithoutProcess, Stopped, "{0}; an adopted backend is not ours to stop, so it is left running"),
        new(Backoff, BackendTrigger.StopWithoutProcess, Stopped, "{0} during backoff"),
        new(Starting, BackendTrigger.StartupTimedOut, Stopping, "{0}"),
        new(Unhealthy, BackendTrigger.StoppingUnhealthy, Stopping, "restarting: {0}"),
        new(Stopping, BackendTrigger.StopCompleted, Stopped, "{0}"),
        .. From([Starting, Running, Unhealthy, Stopping], BackendTrigger.RestartScheduled, Backoff, "{0}"),
        .. From([Starting, Running, Unhealthy, Stopping], BackendTrigger.StayedDown, Stopped, "{0}"),
        .. From([Starting, Running, Unhealthy, Stopping], BackendTrigger.GaveUp, Failed, "{0}"),
        new(Backoff, BackendTrigger.ShutdownDuringBackoff, Stopped, "the sidecar is shutting down; the pending restart is cancelled"),
    ];

    private static readonly Dictionary<(BackendState, BackendTrigger), Transition> Table =
        All.ToDictionary(t => (t.From, t.Trigger));

    /// <summary>Where <paramref name="trigger"/> leads from <paramref name="from"/>, or null when it is not allowed there.</summary>
    public static Transition? Find(BackendState from, BackendTrigger trigger) => Table.GetValueOrDefault((from, trigger));

    /// <summary>The new state and its reason text.</summary>
    /// <exception cref="InvalidOperationException">The transition is not in the table.</exception>
    public static (BackendState To, string Reason) Apply(BackendState from, BackendTrigger trigger, string detail = "")
    {
        var transition = Find(from, trigger)
            ?? throw new InvalidOperationException($"no transition from {from} on {trigger}");
        return (transition.To, string.Format(System.Globalization.CultureInfo.InvariantCulture, transition.Reason, detail));
    }

    private static IEnumerable<Transition> From(BackendState[] states, BackendTrigger trigger, BackendState to, string reason) =>
        states.Select(s => new Transition(s, trigger, to, reason));
}
