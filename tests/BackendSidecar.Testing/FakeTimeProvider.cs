namespace BackendSidecar.Testing;

/// <summary>
/// A <see cref="TimeProvider"/> whose time moves only when a test says so, on the model of dotnet/extensions'
/// FakeTimeProvider (which does not restore here).
/// </summary>
/// <remarks>
/// <see cref="Advance"/> and <see cref="SetUtcNow"/> fire the timers that fall due, one at a time, in order of their
/// due time (ties: the one scheduled first), and set the clock to each timer's due time before calling it, so a
/// callback sees the time it was due at and a timer it starts in turn fires within the same advance when due.
/// Callbacks run synchronously on the advancing thread. A timer created or changed with a due time of zero fires at
/// once, on the calling thread. Thread-safe: advances are serialised, timers may be created and changed from any thread.
/// <c>Task.Delay(delay, provider, ct)</c> and <c>new CancellationTokenSource(delay, provider)</c> work with it.
/// </remarks>
public sealed class FakeTimeProvider : TimeProvider
{
    private readonly object _gate = new();

    // Serialises the firing of timers; held (re-entrantly) while callbacks run, never while _gate is wanted by them.
    private readonly object _advanceGate = new();
    private readonly List<FakeTimer> _waiters = [];
    private DateTimeOffset _now;
    private long _scheduleCount;
    private TimeSpan _autoAdvanceAmount;
    private volatile int _firingThread;

    /// <param name="start">The initial time; default 2000-01-01T00:00:00Z.</param>
    public FakeTimeProvider(DateTimeOffset? start = null)
    {
        Start = start ?? new DateTimeOffset(2000, 1, 1, 0, 0, 0, TimeSpan.Zero);
        _now = Start;
    }

    /// <summary>The time the provider started at.</summary>
    public DateTimeOffset Start { get; }

    /// <summary>Time added after each <see cref="GetUtcNow"/> (firing timers that fall due); zero by default.</summary>
    public TimeSpan AutoAdvanceAmount
    {
        get { lock (_gate) return _autoAdvanceAmount; }
        set
        {
            ArgumentOutOfRangeException.ThrowIfLessThan(value, TimeSpan.Zero);
            lock (_gate) _autoAdvanceAmount = value;
        }
    }

    /// <summary>Timers currently waiting to fire (for tests that check a timer was started or disposed).</summary>
    public int PendingTimerCount
    {
        get { lock (_gate) return _waiters.Count; }
    }

    public override TimeZoneInfo LocalTimeZone => TimeZoneInfo.Utc;

    public override long TimestampFrequency => TimeSpan.TicksPerSecond;

    public override DateTimeOffset GetUtcNow()
    {
        DateTimeOffset now;
        TimeSpan auto;
        lock (_gate)
        {
            now = _now;
            auto = _autoAdvanceAmount;
        }

        if (auto > TimeSpan.Zero)
        {
            if (_firingThread == Environment.CurrentManagedThreadId)
            {
                // Called from a timer callback: the firing loop in progress picks up what falls due.
                lock (_gate) _now += auto;
            }
            else
            {
                Advance(auto);
            }
        }

        return now;
    }

    public override long GetTimestamp()
    {
        lock (_gate) return _now.UtcTicks;
    }

    /// <summary>Moves time forward by <paramref name="delta"/>, firing the timers that fall due on the way.</summary>
    public void Advance(TimeSpan delta)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(delta, TimeSpan.Zero);
        lock (_advanceGate)
        {
            DateTimeOffset target;
            lock (_gate) target = _now + delta;
            FireDueNeedsAdvanceGate(target);
        }
    }

    /// <summary>Moves time forward to <paramref name="value"/>, firing the timers that fall due on the way.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The value is earlier than now: time never goes back.</exception>
    public void SetUtcNow(DateTimeOffset value)
    {
        lock (_advanceGate)
        {
            lock (_gate)
            {
                if (value < _now)
                {
                    throw new ArgumentOutOfRangeException(nameof(value), value, $"Time cannot go back from {_now:O}.");
                }
            }

            FireDueNeedsAdvanceGate(value);
        }
    }

    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
    {
        ArgumentNullException.ThrowIfNull(callback);
        var timer = new FakeTimer(this, callback, state);
        timer.Change(dueTime, period);
        return timer;
    }

    public override string ToString()
    {
        lock (_gate) return _now.ToString("O", global::System.Globalization.CultureInfo.InvariantCulture);
    }

    private void FireDueNeedsAdvanceGate(DateTimeOffset target)
    {
        var outerFiringThread = _firingThread;
        _firingThread = Environment.CurrentManagedThreadId;
        try
        {
            FireDueLoop(target);
        }
        finally
        {
            _firingThread = outerFiringThread;
        }
    }

    private void FireDueLoop(DateTimeOffset target)
    {
        while (true)
        {
            FakeTimer? next = null;
            lock (_gate)
            {
                // A callback may have moved time past the target (auto-advance): fire up to wherever time is.
                if (_now > target)
                {
                    target = _now;
                }

                foreach (var waiter in _waiters)
                {
                    if (waiter.DueAt <= target && (next is null || waiter.DueAt < next.DueAt
                        || (waiter.DueAt == next.DueAt && waiter.ScheduleOrder < next.ScheduleOrder)))
                    {
                        next = waiter;
                    }
                }

                if (next is null)
                {
                    // A callback that advanced further itself must not see time go back.
                    if (target > _now)
                    {
                        _now = target;
                    }

                    return;
                }

                if (next.DueAt > _now)
                {
                    _now = next.DueAt;
                }

                // Rearm (or drop) before calling, so a throwing or re-entrant callback leaves a consistent state.
                if (next.Period > TimeSpan.Zero)
                {
                    ScheduleNeedsLock(next, next.DueAt + next.Period);
                }
                else
                {
                    _waiters.Remove(next);
                }
            }

            next.Callback(next.State);
        }
    }

    private void ScheduleNeedsLock(FakeTimer timer, DateTimeOffset dueAt)
    {
        timer.DueAt = dueAt;
        timer.ScheduleOrder = ++_scheduleCount;
        if (!_waiters.Contains(timer))
        {
            _waiters.Add(timer);
        }
    }

    private bool Change(FakeTimer timer, TimeSpan dueTime, TimeSpan period)
    {
        ValidateTimerSpan(dueTime, nameof(dueTime));
        ValidateTimerSpan(period, nameof(period));
        bool fireNow;
        lock (_gate)
        {
            if (timer.Disposed)
            {
                return false;
            }

            if (dueTime == Timeout.InfiniteTimeSpan)
            {
                _waiters.Remove(timer);
                return true;
            }

            // Like System.Threading.Timer: a period of zero or infinite means "fire once".
            timer.Period = period == Timeout.InfiniteTimeSpan ? TimeSpan.Zero : period;
            ScheduleNeedsLock(timer, _now + dueTime);
            fireNow = dueTime == TimeSpan.Zero;
        }

        if (fireNow)
        {
            Advance(TimeSpan.Zero);
        }

        return true;
    }

    private void Remove(FakeTimer timer)
    {
        lock (_gate)
        {
            timer.Disposed = true;
            _waiters.Remove(timer);
        }
    }

    private static void ValidateTimerSpan(TimeSpan value, string name)
    {
        if (value != Timeout.InfiniteTimeSpan && (value < TimeSpan.Zero || value.TotalMilliseconds > uint.MaxValue - 1))
        {
            throw new ArgumentOutOfRangeException(name, value, "Must be Timeout.InfiniteTimeSpan or 0 to 4294967294 ms.");
        }
    }

    private sealed class FakeTimer(FakeTimeProvider owner, TimerCallback callback, object? state) : ITimer
    {
        public TimerCallback Callback { get; } = callback;
        public object? State { get; } = state;

        // Guarded by owner._gate.
        public DateTimeOffset DueAt { get; set; }
        public TimeSpan Period { get; set; }
        public long ScheduleOrder { get; set; }
        public bool Disposed { get; set; }

        public bool Change(TimeSpan dueTime, TimeSpan period) => owner.Change(this, dueTime, period);

        public void Dispose() => owner.Remove(this);

        public ValueTask DisposeAsync()
        {
            Dispose();
            return ValueTask.CompletedTask;
        }
    }
}
