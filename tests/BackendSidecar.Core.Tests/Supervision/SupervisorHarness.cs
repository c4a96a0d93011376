using BackendSidecar.Core.Configuration;
using BackendSidecar.Core.Supervision;
using BackendSidecar.Core.Tests.Supervision.Fakes;
using BackendSidecar.Testing;

namespace BackendSidecar.Core.Tests.Supervision;

/// <summary>A <see cref="BackendSupervisor"/> on fake time, fake processes, fake probes and fake ports.</summary>
internal sealed class SupervisorHarness : IAsyncDisposable
{
    private readonly List<StatusChange> _changes = [];
    private readonly List<(Func<StatusChange, bool> Match, int[] Remaining, TaskCompletionSource<StatusChange> Done)> _waiters = [];
    private TaskCompletionSource _changed = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly string _logDir = Path.Combine(Path.GetTempPath(), "bs-tests-" + Guid.NewGuid().ToString("N"));

    public SupervisorHarness(Func<BackendOptions, BackendOptions>? configure = null, Func<SupervisorServices, SupervisorServices>? services = null)
    {
        Time = new ObservedTimeProvider();
        Launcher = new FakeLauncher(Time);
        var options = new BackendOptions
        {
            Name = "api",
            Command = "/bin/sh",
            Args = ["-c", "serve"],
            Cwd = Path.GetTempPath(),
            Health = new HealthOptions { Kind = HealthKind.Http, Target = "http://127.0.0.1:8882/health" },
            Restart = new RestartOptions { Backoff = new BackoffOptions { Initial = TimeSpan.FromMilliseconds(1000), Jitter = 0 } },
            Log = new LogOptions { File = Path.Combine(_logDir, "api.log") },
        };
        Options = configure?.Invoke(options) ?? options;
        Services = new SupervisorServices
        {
            Launcher = Launcher,
            HealthProbes = Health,
            Ports = Ports,
            Time = Time,
            Random = () => 0.5,
            BaseEnvironment = () => new Dictionary<string, string> { ["PATH"] = "/usr/bin:/bin", ["HOME"] = "/root" },
        };
        if (services is not null) Services = services(Services);
        Backend = new BackendSupervisor(Options, Services);
        Backend.StatusChanged += OnChange;
    }

    public ObservedTimeProvider Time { get; }
    public FakeLauncher Launcher { get; }
    public FakeHealthProbes Health { get; } = new();
    public FakePorts Ports { get; } = new();
    public BackendOptions Options { get; }
    public SupervisorServices Services { get; }
    public BackendSupervisor Backend { get; }
    public IReadOnlyList<StatusChange> Changes { get { lock (_waiters) return [.. _changes]; } }

    private void OnChange(StatusChange change)
    {
        lock (_waiters)
        {
            _changes.Add(change);
            _changed.TrySetResult();
            _changed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            foreach (var w in _waiters.ToArray())
            {
                if (!w.Match(change) || --w.Remaining[0] > 0) continue;
                _waiters.Remove(w);
                w.Done.TrySetResult(change);
            }
        }
    }

    /// <summary>The <paramref name="occurrence"/>-th change (past or future) that matches; bounded by <see cref="TestTimeouts.Unexpected"/>.</summary>
    public Task<StatusChange> WaitForAsync(Func<StatusChange, bool> match, int occurrence = 1)
    {
        lock (_waiters)
        {
            var past = _changes.Where(match).ToList();
            if (past.Count >= occurrence) return Task.FromResult(past[occurrence - 1]);
            var tcs = new TaskCompletionSource<StatusChange>(TaskCreationOptions.RunContinuationsAsynchronously);
            _waiters.Add((match, [occurrence - past.Count], tcs));
            return tcs.Task.WaitAsync(TestTimeouts.Unexpected);
        }
    }

    public Task<StatusChange> WaitForStateAsync(BackendState state, int occurrence = 1) => WaitForAsync(c => c.Status.State == state, occurrence);

    /// <summary>
    /// Moves fake time forward, timer by timer, until <paramref name="task"/> completes (at most <paramref name="limit"/>).
    /// </summary>
    public async Task<T> AdvanceUntilAsync<T>(Task<T> task, TimeSpan limit)
    {
        await AdvanceAsync(limit, task);
        return await task.WaitAsync(TestTimeouts.Unexpected);
    }

    /// <summary>
    /// Moves fake time forward by <paramref name="total"/>, timer by timer: to the due time of the next timer armed, then on
    /// once the code it woke has taken its next step, seen as an event: it changed state, completed <paramref name="until"/>,
    /// or reached a wait on a timer it armed (still armed when looked at: a check's timeout armed and disposed again only says
    /// the code went past it). Never on a real-time sleep: woken code that does none of these fails the test after
    /// <see cref="Guard"/> (a bound against a hang, not a step of the schedule).
    /// </summary>
    public async Task AdvanceAsync(TimeSpan total, Task? until = null)
    {
        var target = Time.GetUtcNow() + total;
        var never = new TaskCompletionSource().Task;
        // Bounded: every pass moves to a later timer, or ends.
        for (var pass = 0; pass < 100_000 && until is not { IsCompleted: true }; pass++)
        {
            if (Time.NextDue() is not { } due || due > target) break;
            var before = Time.ScheduledCount;
            var changed = NextChangeAsync();
            var armed = Time.NextScheduleAsync();
            Time.Advance(due - Time.GetUtcNow());
            var timedOut = Task.Delay(Guard);
            // Bounded by the guard: each turn waits for one more timer armed.
            while (true)
            {
                var woke = await Task.WhenAny(changed, until ?? never, armed, timedOut);
                if (woke == timedOut)
                    throw new TimeoutException($"fake time moved to the timer due at {due:HH:mm:ss.fff}, and in {Guard.TotalSeconds:0} s (real time) the code it woke armed no timer, changed no state{(until is null ? "" : " and did not complete the awaited task")}: nothing to advance on (window up to {target:HH:mm:ss.fff})");
                if (woke != armed || Time.HasPendingTimerArmedAfter(before)) break;
                armed = Time.NextScheduleAsync();
                // Armed between the last look and this subscription: look again now that no arming can be missed.
                if (Time.HasPendingTimerArmedAfter(before)) break;
            }
        }

        if (until is not { IsCompleted: true } && target > Time.GetUtcNow())
            Time.Advance(target - Time.GetUtcNow());
    }

    /// <summary>How long <see cref="AdvanceAsync"/> waits, in real time, for woken code to do anything observable before
    /// it fails the test: a guard against a hang, never a step of the schedule.</summary>
    public TimeSpan Guard { get; init; } = TestTimeouts.Unexpected;

    /// <summary>
    /// Waits, on events only, until the supervisor has armed a timer due within <paramref name="window"/> from now, then moves
    /// fake time to it. For a step the test knows comes next (the next poll): no real-time wait, so no load can skip it.
    /// </summary>
    public async Task AdvanceToNextTimerAsync(TimeSpan window)
    {
        var due = await TimerDueWithinAsync(window);
        Time.Advance(due - Time.GetUtcNow());
    }

    /// <summary>
    /// Waits, on events only, until a timer due at <paramref name="due"/> is armed (the code announcing a wait, such as a
    /// backoff's statusChanged, may arm its timer just after), then moves fake time to it.
    /// </summary>
    public async Task AdvanceToTimerAtAsync(DateTimeOffset due)
    {
        // Bounded by the guard: each turn waits for one more timer armed.
        while (true)
        {
            var armed = Time.NextScheduleAsync();
            if (Time.HasPendingTimerDueAt(due)) break;
            await armed.WaitAsync(TestTimeouts.Unexpected);
        }
        Time.Advance(due - Time.GetUtcNow());
    }

    /// <summary>Waits, on events only, until a timer due within <paramref name="window"/> from now is armed; its due time.</summary>
    public async Task<DateTimeOffset> TimerDueWithinAsync(TimeSpan window)
    {
        var dueBy = Time.GetUtcNow() + window;
        var armed = Time.NextScheduleAsync(dueBy);
        if (Time.NextDue() is { } due && due <= dueBy) return due;
        await armed.WaitAsync(TestTimeouts.Unexpected);
        return Time.NextDue() ?? throw new InvalidOperationException("a timer was armed, and gone before it was due");
    }

    private Task NextChangeAsync()
    {
        lock (_waiters) return _changed.Task;
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var child in Launcher.All)
        {
            // A child left ignoring its stop signal would hold the stop on fake time that no longer moves.
            child.ExitsOnStopSignal = true;
            await child.KillGroupAsync();
        }
        try
        {
            await Backend.DisposeAsync().AsTask().WaitAsync(TestTimeouts.Unexpected);
        }
        catch (TimeoutException)
        {
            // A supervisor that cannot stop fails the test with this message instead of hanging the run.
            throw new TimeoutException($"the supervisor did not stop within {TestTimeouts.Unexpected.TotalSeconds:0} s of disposing it");
        }
        try { Directory.Delete(_logDir, recursive: true); } catch (IOException) { }
    }
}
