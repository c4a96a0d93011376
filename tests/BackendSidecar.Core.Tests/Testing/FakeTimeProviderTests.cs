using System.Collections.Concurrent;
using BackendSidecar.Testing;

namespace BackendSidecar.Core.Tests.Testing;

public class FakeTimeProviderTests
{
    private static readonly DateTimeOffset Start = new(2024, 1, 1, 0, 0, 0, TimeSpan.Zero);
    private static readonly TimeSpan Infinite = Timeout.InfiniteTimeSpan;

    [Fact]
    public void Constructor_NoStart_Year2000Utc()
    {
        var time = new FakeTimeProvider();

        Assert.Equal(new DateTimeOffset(2000, 1, 1, 0, 0, 0, TimeSpan.Zero), time.GetUtcNow());
        Assert.Equal(TimeZoneInfo.Utc, time.LocalTimeZone);
        Assert.Equal(time.GetUtcNow(), time.GetLocalNow());
    }

    [Fact]
    public void Advance_Delta_MovesNowAndTimestampsTogether()
    {
        var time = new FakeTimeProvider(Start);
        var before = time.GetTimestamp();

        time.Advance(TimeSpan.FromMilliseconds(1500));

        Assert.Equal(Start.AddMilliseconds(1500), time.GetUtcNow());
        Assert.Equal(TimeSpan.FromMilliseconds(1500), time.GetElapsedTime(before));
        Assert.Equal(TimeSpan.TicksPerSecond, time.TimestampFrequency);
    }

    [Fact]
    public void Advance_Negative_Throws()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new FakeTimeProvider(Start).Advance(TimeSpan.FromTicks(-1)));
    }

    [Fact]
    public void SetUtcNow_Backwards_ThrowsAndForwardMoves()
    {
        var time = new FakeTimeProvider(Start);

        Assert.Throws<ArgumentOutOfRangeException>(() => time.SetUtcNow(Start.AddTicks(-1)));
        time.SetUtcNow(Start.AddMinutes(5));
        Assert.Equal(Start.AddMinutes(5), time.GetUtcNow());
    }

    [Fact]
    public void CreateTimer_NotYetDue_NotFiredThenFiredOnceWhenDue()
    {
        var time = new FakeTimeProvider(Start);
        var fired = new List<DateTimeOffset>();
        using var timer = time.CreateTimer(_ => fired.Add(time.GetUtcNow()), null, TimeSpan.FromSeconds(2), Infinite);

        time.Advance(TimeSpan.FromMilliseconds(1999));
        Assert.Empty(fired);

        time.Advance(TimeSpan.FromSeconds(10));
        Assert.Equal([Start.AddSeconds(2)], fired);
        Assert.Equal(0, time.PendingTimerCount);
    }

    [Fact]
    public void Advance_SeveralTimersDue_FiredInDueOrderEachSeeingItsDueTime()
    {
        var time = new FakeTimeProvider(Start);
        var fired = new List<(string, DateTimeOffset)>();
        using var c = time.CreateTimer(_ => fired.Add(("c", time.GetUtcNow())), null, TimeSpan.FromSeconds(3), Infinite);
        using var a = time.CreateTimer(_ => fired.Add(("a", time.GetUtcNow())), null, TimeSpan.FromSeconds(1), Infinite);
        using var b = time.CreateTimer(_ => fired.Add(("b", time.GetUtcNow())), null, TimeSpan.FromSeconds(2), Infinite);

        time.Advance(TimeSpan.FromSeconds(5));

        Assert.Equal([("a", Start.AddSeconds(1)), ("b", Start.AddSeconds(2)), ("c", Start.AddSeconds(3))], fired);
        Assert.Equal(Start.AddSeconds(5), time.GetUtcNow());
    }

    [Fact]
    public void Advance_SameDueTime_EarlierScheduledFiresFirst()
    {
        var time = new FakeTimeProvider(Start);
        var fired = new List<int>();
        using var first = time.CreateTimer(_ => fired.Add(1), null, TimeSpan.FromSeconds(2), Infinite);
        time.Advance(TimeSpan.FromSeconds(1));
        using var second = time.CreateTimer(_ => fired.Add(2), null, TimeSpan.FromSeconds(1), Infinite);
        using var third = time.CreateTimer(_ => fired.Add(3), null, TimeSpan.FromSeconds(1), Infinite);

        time.Advance(TimeSpan.FromSeconds(1));

        Assert.Equal([1, 2, 3], fired);
    }

    [Fact]
    public void Advance_PeriodicTimer_FiresForEveryPeriodPassed()
    {
        var time = new FakeTimeProvider(Start);
        var fired = new List<DateTimeOffset>();
        using var timer = time.CreateTimer(_ => fired.Add(time.GetUtcNow()), null, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(1));

        time.Advance(TimeSpan.FromMilliseconds(3500));

        Assert.Equal([Start.AddSeconds(1), Start.AddSeconds(2), Start.AddSeconds(3)], fired);
        time.Advance(TimeSpan.FromMilliseconds(500));
        Assert.Equal(4, fired.Count);
    }

    [Fact]
    public void Advance_CallbackStartsATimerDueBeforeTheTarget_ItFiresInTheSameAdvance()
    {
        // Like a retry loop: each delay starts when the previous one ended.
        var time = new FakeTimeProvider(Start);
        var fired = new List<DateTimeOffset>();
        void Chain(object? _)
        {
            fired.Add(time.GetUtcNow());
            if (fired.Count < 3)
            {
                time.CreateTimer(Chain, null, TimeSpan.FromSeconds(1), Infinite);
            }
        }

        time.CreateTimer(Chain, null, TimeSpan.FromSeconds(1), Infinite);
        time.Advance(TimeSpan.FromSeconds(10));

        Assert.Equal([Start.AddSeconds(1), Start.AddSeconds(2), Start.AddSeconds(3)], fired);
    }

    [Fact]
    public void Change_Reschedules_RelativeToNow()
    {
        var time = new FakeTimeProvider(Start);
        var fired = new List<DateTimeOffset>();
        using var timer = time.CreateTimer(_ => fired.Add(time.GetUtcNow()), null, TimeSpan.FromSeconds(1), Infinite);

        time.Advance(TimeSpan.FromMilliseconds(500));
        Assert.True(timer.Change(TimeSpan.FromSeconds(2), Infinite));
        time.Advance(TimeSpan.FromSeconds(2));

        Assert.Equal([Start.AddMilliseconds(2500)], fired);
    }

    [Fact]
    public void Change_InfiniteDueTime_Disarms()
    {
        var time = new FakeTimeProvider(Start);
        var fired = 0;
        using var timer = time.CreateTimer(_ => fired++, null, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(1));

        timer.Change(Infinite, Infinite);
        time.Advance(TimeSpan.FromMinutes(1));

        Assert.Equal(0, fired);
        Assert.Equal(0, time.PendingTimerCount);
    }

    [Fact]
    public void Dispose_PendingTimer_NeverFiresAndChangeReturnsFalse()
    {
        var time = new FakeTimeProvider(Start);
        var fired = 0;
        var timer = time.CreateTimer(_ => fired++, null, TimeSpan.FromSeconds(1), Infinite);

        timer.Dispose();
        time.Advance(TimeSpan.FromSeconds(5));

        Assert.Equal(0, fired);
        Assert.False(timer.Change(TimeSpan.Zero, Infinite));
        Assert.Equal(0, fired);
    }

    [Fact]
    public void CreateTimer_DueTimeZero_FiresAtOnce()
    {
        var time = new FakeTimeProvider(Start);
        var fired = 0;

        using var timer = time.CreateTimer(_ => fired++, null, TimeSpan.Zero, Infinite);

        Assert.Equal(1, fired);
        Assert.Equal(Start, time.GetUtcNow());
    }

    [Fact]
    public void CreateTimer_State_PassedToTheCallback()
    {
        var time = new FakeTimeProvider(Start);
        object? seen = null;
        var state = new object();
        using var timer = time.CreateTimer(s => seen = s, state, TimeSpan.FromSeconds(1), Infinite);

        time.Advance(TimeSpan.FromSeconds(1));

        Assert.Same(state, seen);
    }

    [Fact]
    public async Task TaskDelay_WithFakeTime_CompletesOnlyWhenAdvancedPastTheDelay()
    {
        var time = new FakeTimeProvider(Start);

        var delay = Task.Delay(TimeSpan.FromSeconds(5), time);
        time.Advance(TimeSpan.FromMilliseconds(4999));
        Assert.False(delay.IsCompleted);

        time.Advance(TimeSpan.FromMilliseconds(1));
        await delay.WaitAsync(TestTimeouts.Unexpected);
    }

    [Fact]
    public async Task TaskDelay_TokenCancelled_CancelledAndItsTimerRemoved()
    {
        var time = new FakeTimeProvider(Start);
        using var cancel = new CancellationTokenSource();

        var delay = Task.Delay(TimeSpan.FromSeconds(5), time, cancel.Token);
        Assert.Equal(1, time.PendingTimerCount);
        cancel.Cancel();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => delay.WaitAsync(TestTimeouts.Unexpected));
        Assert.Equal(0, time.PendingTimerCount);
    }

    [Fact]
    public void CancellationTokenSource_WithFakeTime_CancelsWhenAdvanced()
    {
        var time = new FakeTimeProvider(Start);
        using var cancel = new CancellationTokenSource(TimeSpan.FromSeconds(10), time);

        time.Advance(TimeSpan.FromSeconds(9));
        Assert.False(cancel.IsCancellationRequested);

        cancel.CancelAfter(TimeSpan.FromSeconds(3));
        time.Advance(TimeSpan.FromSeconds(2));
        Assert.False(cancel.IsCancellationRequested);
        time.Advance(TimeSpan.FromSeconds(1));
        Assert.True(cancel.IsCancellationRequested);
    }

    [Fact]
    public async Task WaitAsync_WithFakeTime_TimesOutWhenAdvanced()
    {
        var time = new FakeTimeProvider(Start);
        var never = new TaskCompletionSource();

        var wait = never.Task.WaitAsync(TimeSpan.FromSeconds(30), time);
        time.Advance(TimeSpan.FromSeconds(30));

        await Assert.ThrowsAsync<TimeoutException>(() => wait.WaitAsync(TestTimeouts.Unexpected));
    }

    [Fact]
    public void AutoAdvanceAmount_Set_EachReadMovesTimeAndFiresDueTimers()
    {
        var time = new FakeTimeProvider(Start);
        var fired = 0;
        using var timer = time.CreateTimer(_ => fired++, null, TimeSpan.FromSeconds(2), Infinite);
        time.AutoAdvanceAmount = TimeSpan.FromSeconds(1);

        Assert.Equal(Start, time.GetUtcNow());
        Assert.Equal(0, fired);
        Assert.Equal(Start.AddSeconds(1), time.GetUtcNow());
        Assert.Equal(1, fired);
    }

    [Fact]
    public async Task Advance_ConcurrentTimerCreationFromManyThreads_EveryTimerFiresExactlyOnce()
    {
        const int threads = 4, perThread = 500;
        var time = new FakeTimeProvider(Start);
        var fired = new ConcurrentDictionary<int, int>();
        using var go = new Barrier(threads + 1);

        var creators = Enumerable.Range(0, threads).Select(t => Task.Factory.StartNew(
            () =>
            {
                var random = new Random(t);
                go.SignalAndWait(TestTimeouts.Unexpected);
                for (var i = 0; i < perThread; i++)
                {
                    var id = t * perThread + i;
                    time.CreateTimer(_ => fired.AddOrUpdate(id, 1, (_, n) => n + 1), null, TimeSpan.FromMilliseconds(random.Next(0, 50)), Infinite);
                }
            },
            CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default)).ToArray();

        go.SignalAndWait(TestTimeouts.Unexpected);
        for (var i = 0; i < 10_000 && !creators.All(c => c.IsCompleted); i++)
        {
            time.Advance(TimeSpan.FromMilliseconds(1));
        }

        await Task.WhenAll(creators).WaitAsync(TestTimeouts.Unexpected);
        time.Advance(TimeSpan.FromSeconds(1));

        Assert.Equal(threads * perThread, fired.Count);
        Assert.All(fired.Values, n => Assert.Equal(1, n));
        Assert.Equal(0, time.PendingTimerCount);
    }
}
