using BackendSidecar.Core.Supervision;

namespace BackendSidecar.Core.Tests.Supervision;

public sealed class BackendTransitionsTests
{
    private const BackendState Stopped = BackendState.Stopped;
    private const BackendState Starting = BackendState.Starting;
    private const BackendState Running = BackendState.Running;
    private const BackendState Unhealthy = BackendState.Unhealthy;
    private const BackendState Stopping = BackendState.Stopping;
    private const BackendState Backoff = BackendState.Backoff;
    private const BackendState Failed = BackendState.Failed;

    /// <summary>Every allowed transition, written out by hand: the table must hold exactly these.</summary>
    public static TheoryData<BackendState, BackendTrigger, BackendState, string, string> Allowed => new()
    {
        { Stopped, BackendTrigger.Launched, Starting, "start requested", "start requested" },
        { Failed, BackendTrigger.Launched, Starting, "start requested", "start requested" },
        { Backoff, BackendTrigger.Launched, Starting, "restart 1 after backoff", "restart 1 after backoff" },
        { Stopped, BackendTrigger.ClaimingPort, Starting, "start requested; reclaiming port 1", "start requested; reclaiming port 1" },
        { Failed, BackendTrigger.ClaimingPort, Starting, "start requested; reclaiming port 1", "start requested; reclaiming port 1" },
        { Backoff, BackendTrigger.ClaimingPort, Starting, "restart 1 after backoff; reclaiming port 1", "restart 1 after backoff; reclaiming port 1" },
        { Starting, BackendTrigger.PortReclaimed, Starting, "reclaimed port 1", "reclaimed port 1" },
        { Starting, BackendTrigger.Adopted, Running, "adopted the healthy backend", "adopted the healthy backend" },
        { Stopped, BackendTrigger.CannotStart, Failed, "command \"x\" not found", "command \"x\" not found" },
        { Failed, BackendTrigger.CannotStart, Failed, "port 1 is in use", "port 1 is in use" },
        { Backoff, BackendTrigger.CannotStart, Failed, "port 1 is in use", "port 1 is in use" },
        { Starting, BackendTrigger.CannotStart, Failed, "port 1 is in use", "port 1 is in use" },
        { Starting, BackendTrigger.StartCancelled, Stopped, "stop requested", "stop requested while the port was being claimed; nothing was launched" },
        { Starting, BackendTrigger.Ready, Running, "health check passed (HTTP 200)", "health check passed (HTTP 200)" },
        { Running, BackendTrigger.HealthFailed, Unhealthy, "3 times: timed out", "health check failed 3 times: timed out" },
        { Unhealthy, BackendTrigger.HealthRecovered, Running, "HTTP 200", "health check passed again (HTTP 200)" },
        { Starting, BackendTrigger.StopRequested, Stopping, "stop requested", "stop requested" },
        { Running, BackendTrigger.StopRequested, Stopping, "stop requested", "stop requested" },
        { Unhealthy, BackendTrigger.StopRequested, Stopping, "stop requested", "stop requested" },
        { Starting, BackendTrigger.StopWithoutProcess, Stopped, "stop requested", "stop requested; an adopted backend is not ours to stop, so it is left running" },
        { Running, BackendTrigger.StopWithoutProcess, Stopped, "stop requested", "stop requested; an adopted backend is not ours to stop, so it is left running" },
        { Unhealthy, BackendTrigger.StopWithoutProcess, Stopped, "stop requested", "stop requested; an adopted backend is not ours to stop, so it is left running" },
        { Backoff, BackendTrigger.StopWithoutProcess, Stopped, "stop requested", "stop requested during backoff" },
        { Starting, BackendTrigger.StartupTimedOut, Stopping, "not healthy within 30000 ms", "not healthy within 30000 ms" },
        { Unhealthy, BackendTrigger.StoppingUnhealthy, Stopping, "health check failed 3 times", "restarting: health check failed 3 times" },
        { Stopping, BackendTrigger.StopCompleted, Stopped, "stopped by SIGTERM", "stopped by SIGTERM" },
        { Starting, BackendTrigger.RestartScheduled, Backoff, "exited with code 1; restarting in 1000 ms", "exited with code 1; restarting in 1000 ms" },
        { Running, BackendTrigger.RestartScheduled, Backoff, "exited with code 1; restarting in 1000 ms", "exited with code 1; restarting in 1000 ms" },
        { Unhealthy, BackendTrigger.RestartScheduled, Backoff, "exited with code 1; restarting in 1000 ms", "exited with code 1; restarting in 1000 ms" },
        { Stopping, BackendTrigger.RestartScheduled, Backoff, "not healthy; restarting in 1000 ms", "not healthy; restarting in 1000 ms" },
        { Starting, BackendTrigger.StayedDown, Stopped, "exited with code 0", "exited with code 0" },
        { Running, BackendTrigger.StayedDown, Stopped, "exited with code 0", "exited with code 0" },
        { Unhealthy, BackendTrigger.StayedDown, Stopped, "exited with code 0", "exited with code 0" },
        { Stopping, BackendTrigger.StayedDown, Stopped, "exited with code 0", "exited with code 0" },
        { Starting, BackendTrigger.GaveUp, Failed, "gave up", "gave up" },
        { Running, BackendTrigger.GaveUp, Failed, "gave up", "gave up" },
        { Unhealthy, BackendTrigger.GaveUp, Failed, "gave up", "gave up" },
        { Stopping, BackendTrigger.GaveUp, Failed, "gave up", "gave up" },
        { Backoff, BackendTrigger.ShutdownDuringBackoff, Stopped, "", "the sidecar is shutting down; the pending restart is cancelled" },
    };

    [Theory]
    [MemberData(nameof(Allowed))]
    public void Apply_AllowedTransition_LeadsToItsStateWithItsReason(BackendState from, BackendTrigger trigger, BackendState to, string detail, string reason)
    {
        var (state, text) = BackendTransitions.Apply(from, trigger, detail);

        Assert.Equal(to, state);
        Assert.Equal(reason, text);
    }

    /// <summary>Every pair of state and trigger that is not in <see cref="Allowed"/>.</summary>
    public static TheoryData<BackendState, BackendTrigger> Refused()
    {
        var allowed = Allowed.Select(row => ((BackendState)row[0], (BackendTrigger)row[1])).ToHashSet();
        var data = new TheoryData<BackendState, BackendTrigger>();
        foreach (var state in Enum.GetValues<BackendState>())
        foreach (var trigger in Enum.GetValues<BackendTrigger>())
        {
            if (!allowed.Contains((state, trigger))) data.Add(state, trigger);
        }
        return data;
    }

    [Theory]
    [MemberData(nameof(Refused))]
    public void Apply_TransitionNotInTheTable_IsRefused(BackendState from, BackendTrigger trigger)
    {
        Assert.Null(BackendTransitions.Find(from, trigger));
        var ex = Assert.Throws<InvalidOperationException>(() => BackendTransitions.Apply(from, trigger, "detail"));
        Assert.Contains($"from {from} on {trigger}", ex.Message);
    }

    [Fact]
    public void Table_HoldsExactlyTheAllowedTransitions()
    {
        var expected = Allowed.Select(row => ((BackendState)row[0], (BackendTrigger)row[1], (BackendState)row[2])).Order().ToArray();
        var actual = BackendTransitions.All.Select(t => (t.From, t.Trigger, t.To)).Order().ToArray();

        Assert.Equal(expected, actual);
    }
}
