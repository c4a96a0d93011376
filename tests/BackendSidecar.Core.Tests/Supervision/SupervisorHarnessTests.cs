using BackendSidecar.Testing;

namespace BackendSidecar.Core.Tests.Supervision;

/// <summary>The harness moves fake time on observed events only; these pin what it takes for an event.</summary>
public sealed class SupervisorHarnessTests
{
    private static readonly TimeSpan Never = Timeout.InfiniteTimeSpan;

    [Fact]
    public async Task Advance_WokenCodeArmsNothing_FailsNamingWhatItWaitedFor()
    {
        // The guard is short here only to keep the test short: it bounds a hang, it does not schedule anything.
        await using var h = new SupervisorHarness { Guard = TimeSpan.FromSeconds(1) };
        using var idle = h.Time.CreateTimer(_ => { }, null, TimeSpan.FromSeconds(1), Never);

        var ex = await Assert.ThrowsAsync<TimeoutException>(() => h.AdvanceAsync(TimeSpan.FromSeconds(2)));

        Assert.Contains("the code it woke armed no timer, changed no state: nothing to advance on", ex.Message);
    }

    [Fact]
    public async Task Advance_WokenCodeWaitsOnATimerBeyondTheWindow_MovesOnWithoutTheGuard()
    {
        await using var h = new SupervisorHarness();
        var began = h.Time.GetUtcNow();
        ITimer? next = null;
        using var first = h.Time.CreateTimer(_ => next = h.Time.CreateTimer(_ => { }, null, TimeSpan.FromSeconds(5), Never), null, TimeSpan.FromSeconds(1), Never);

        await h.AdvanceAsync(TimeSpan.FromSeconds(2)).WaitAsync(h.Guard / 2);

        Assert.Equal(began + TimeSpan.FromSeconds(2), h.Time.GetUtcNow());
        Assert.Equal(began + TimeSpan.FromSeconds(6), h.Time.NextDue());
        next!.Dispose();
    }

    [Fact]
    public async Task Advance_TimeoutArmedAndDisposed_IsNotTheNextStep_TimeWaitsForTheTimerArmedAfter()
    {
        // As a health check does: its timeout armed and disposed once it answered, then (after a hop) the next poll.
        await using var h = new SupervisorHarness();
        var began = h.Time.GetUtcNow();
        var release = new TaskCompletionSource();
        ITimer? poll = null;
        using var first = h.Time.CreateTimer(_ =>
        {
            h.Time.CreateTimer(_ => { }, null, TimeSpan.FromSeconds(10), Never).Dispose();
            _ = Task.Run(async () =>
            {
                await release.Task;
                poll = h.Time.CreateTimer(_ => { }, null, TimeSpan.FromSeconds(3), Never);
            });
        }, null, TimeSpan.FromSeconds(1), Never);

        // Back from the call, the harness has seen the timeout armed and gone, and waits for what comes next.
        var advance = h.AdvanceAsync(TimeSpan.FromSeconds(2));
        release.SetResult();
        await advance.WaitAsync(TestTimeouts.Unexpected);

        // Armed at 1 s, where the woken code was: not at the end of the window.
        Assert.Equal(began + TimeSpan.FromSeconds(4), h.Time.NextDue());
        poll!.Dispose();
    }
}
