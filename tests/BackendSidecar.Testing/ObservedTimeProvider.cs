using Microsoft.Extensions.Time.Testing;

namespace BackendSidecar.Testing;

/// <summary>
/// A <see cref="FakeTimeProvider"/> that lets a test see the timers the code under test schedules, so it can move time
/// to the next one when the code has armed it, instead of stepping the clock on a real-time sleep.
/// </summary>
public sealed class ObservedTimeProvider : FakeTimeProvider
{
    private readonly List<Tracked> _timers = [];
    private readonly object _lock = new();
    private TaskCompletionSource _scheduled = NewSignal();
    private readonly List<(DateTimeOffset DueBy, TaskCompletionSource Done)> _scheduledBy = [];
    private long _scheduledCount;

    public ObservedTimeProvider()
    {
    }

    public ObservedTimeProvider(DateTimeOffset start)
        : base(start)
    {
    }

    /// <summary>How many times a timer was armed (created with a due time, or changed to one).</summary>
    public long ScheduledCount => Interlocked.Read(ref _scheduledCount);

    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
    {
        var tracked = new Tracked(this);
        // Registered before the inner timer exists: the inner one may fire at once on a zero due time.
        tracked.Arm(GetUtcNow(), dueTime, period);
        tracked.Inner = base.CreateTimer(callback, state, dueTime, period);
        lock (_lock) _timers.Add(tracked);
        OnScheduled(tracked);
        return tracked;
    }

    /// <summary>
    /// Whether a timer armed after the <paramref name="scheduledCount"/>-th arming (see <see cref="ScheduledCount"/>) is
    /// still waiting to fire: the code that armed it has reached a wait. A timer armed and disposed again (a check's timeout
    /// once the check is done) says only that the code went past it.
    /// </summary>
    public bool HasPendingTimerArmedAfter(long scheduledCount)
    {
        var now = GetUtcNow();
        lock (_lock)
        {
            return _timers.Any(t => !t.Disposed && t.ArmedAs > scheduledCount && t.DueAt is { } due
                && (due > now || t.Period > TimeSpan.Zero));
        }
    }

    /// <summary>Whether a timer due exactly at <paramref name="due"/> is armed and has not fired.</summary>
    public bool HasPendingTimerDueAt(DateTimeOffset due)
    {
        lock (_lock) return _timers.Any(t => !t.Disposed && t.DueAt == due && !t.FiredBy(GetUtcNow()));
    }

    /// <summary>When the earliest armed timer is due, or null when none is armed.</summary>
    public DateTimeOffset? NextDue()
    {
        var now = GetUtcNow();
        lock (_lock)
        {
            _timers.RemoveAll(t => t.Disposed);
            DateTimeOffset? next = null;
            foreach (var t in _timers)
            {
                if (t.DueAt is not { } due) continue;
                // A one-shot timer that already fired is spent until it is changed again.
                if (due <= now && t.Period <= TimeSpan.Zero && t.FiredBy(now)) continue;
                if (next is null || due < next) next = due;
            }
            return next;
        }
    }

    /// <summary>Completes when a timer is armed after this call.</summary>
    public Task NextScheduleAsync()
    {
        lock (_lock) return _scheduled.Task;
    }

    /// <summary>
    /// Completes when a timer is armed, after this call, to fire at or before <paramref name="dueBy"/>. A timer armed for
    /// later (a check's timeout, the startup deadline) does not count: within a window of fake time, only timers due in it
    /// say that the code woken by the last one has taken its next step.
    /// </summary>
    public Task NextScheduleAsync(DateTimeOffset dueBy)
    {
        var done = NewSignal();
        lock (_lock) _scheduledBy.Add((dueBy, done));
        return done.Task;
    }

    private void OnScheduled(Tracked tracked)
    {
        var dueAt = tracked.DueAt;
        tracked.ArmedAs = Interlocked.Increment(ref _scheduledCount);
        TaskCompletionSource done;
        List<TaskCompletionSource> within = [];
        lock (_lock)
        {
            done = _scheduled;
            _scheduled = NewSignal();
            if (dueAt is { } due)
            {
                foreach (var w in _scheduledBy.Where(w => due <= w.DueBy).ToArray())
                {
                    _scheduledBy.Remove(w);
                    within.Add(w.Done);
                }
            }
        }
        done.TrySetResult();
        foreach (var w in within) w.TrySetResult();
    }

    private static TaskCompletionSource NewSignal() => new(TaskCreationOptions.RunContinuationsAsynchronously);

    private sealed class Tracked(ObservedTimeProvider owner) : ITimer
    {
        public ITimer? Inner { get; set; }
        public DateTimeOffset? DueAt { get; private set; }
        public TimeSpan Period { get; private set; }
        public bool Disposed { get; private set; }

        /// <summary>Which arming (counted by <see cref="ScheduledCount"/>) last set its due time.</summary>
        public long ArmedAs { get; set; }

        public void Arm(DateTimeOffset now, TimeSpan dueTime, TimeSpan period)
        {
            DueAt = dueTime == Timeout.InfiniteTimeSpan ? null : now + dueTime;
            Period = period;
        }

        public bool FiredBy(DateTimeOffset now) => DueAt <= now;

        public bool Change(TimeSpan dueTime, TimeSpan period)
        {
            Arm(owner.GetUtcNow(), dueTime, period);
            var changed = Inner!.Change(dueTime, period);
            owner.OnScheduled(this);
            return changed;
        }

        public void Dispose()
        {
            Disposed = true;
            Inner?.Dispose();
        }

        public ValueTask DisposeAsync()
        {
            Dispose();
            return ValueTask.CompletedTask;
        }
    }
}
