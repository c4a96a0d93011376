using BackendSidecar.Core.Configuration;
using BackendSidecar.Core.Processes;
using BackendSidecar.Core.State;
using Microsoft.Extensions.Logging;

namespace BackendSidecar.Core.Supervision;

public sealed partial class BackendSupervisor
{
    /// <summary>
    /// Starts the backend. Idempotent: on a running backend it returns the status (overrides given are kept for the next
    /// restart). With <paramref name="wait"/>, completes once it is running, or throws the <see cref="SupervisorException"/>
    /// of the attempt that failed; without, once the process is spawned.
    /// </summary>
    public async Task<BackendStatus> StartAsync(StartOverrides? overrides = null, bool wait = true, CancellationToken cancellationToken = default)
    {
        // Bounded: each pass either finishes or waits for a stop that ends in a bounded time.
        for (var pass = 0; ; pass++)
        {
            Task? stopping = null;
            // A port being checked or claimed: a start without wait answers once that is over (the process spawned, or not).
            Task? claimed = null;
            Task<BackendStatus> attempt;
            using (await EnterAsync(cancellationToken).ConfigureAwait(false))
            {
                ThrowIfShuttingDown_NeedsGate();
                if (overrides is not null)
                    _overrides = overrides.Over(_overrides);

                switch (_state)
                {
                    case BackendState.Running or BackendState.Unhealthy:
                        return Status;
                    case BackendState.Stopping:
                        stopping = _stopping;
                        attempt = Task.FromResult(Status);
                        break;
                    case BackendState.Starting when _attempt is not null:
                        _attemptAwaited |= wait;
                        attempt = _attempt.Task;
                        claimed = _claim?.Settled;
                        break;
                    case BackendState.Stopped or BackendState.Failed or BackendState.Backoff when _claim is not null && _attempt is not null:
                        // A start checking its port (the state is left as it was until it is known): join it.
                        _attemptAwaited |= wait;
                        attempt = _attempt.Task;
                        claimed = _claim.Settled;
                        break;
                    case BackendState.Stopped or BackendState.Failed or BackendState.Backoff when !_cleanUp.IsCompleted:
                        // The last process ended moments ago and what is left of it is still being cleaned up.
                        stopping = _cleanUp;
                        attempt = Task.FromResult(Status);
                        break;
                    default:
                        // Stopped, failed, or waiting in backoff: a manual start always tries again, at once.
                        CancelBackoff_NeedsGate();
                        _restarts.Reset();
                        attempt = StartStep_NeedsGate(pass == 0 ? "start requested" : "start requested after stop");
                        claimed = _claim?.Settled;
                        _attemptAwaited |= wait;
                        break;
                }
            }

            if (stopping is not null)
            {
                await stopping.WaitAsync(cancellationToken).ConfigureAwait(false);
                continue;
            }

            if (!wait && claimed is not null)
                await claimed.WaitAsync(cancellationToken).ConfigureAwait(false);
            if (wait || attempt.IsCompleted)
                return await attempt.WaitAsync(cancellationToken).ConfigureAwait(false);
            return Status;
        }
    }

    /// <summary>Stops the backend (waiting for its group to be gone), then starts it with <paramref name="overrides"/>.</summary>
    /// <remarks><paramref name="cancellationToken"/> ends only the caller's wait: a restart that has begun goes on to start.</remarks>
    public Task<BackendStatus> RestartAsync(StartOverrides? overrides = null, bool wait = true, CancellationToken cancellationToken = default) =>
        Detached(async () =>
        {
            await StopAsync(timeout: null, wait: true, CancellationToken.None).ConfigureAwait(false);
            return await StartAsync(overrides, wait, CancellationToken.None).ConfigureAwait(false);
        }, cancellationToken);

    /// <summary>
    /// Runs <paramref name="work"/> to its end whatever becomes of <paramref name="cancellationToken"/>, which only ends the
    /// wait for it (a cancelled request is answered; the work it began goes on).
    /// </summary>
    internal static Task<T> Detached<T>(Func<Task<T>> work, CancellationToken cancellationToken)
    {
        var task = Task.Run(work, CancellationToken.None);
        if (!cancellationToken.CanBeCanceled) return task;
        // Its outcome may have nobody left to see it.
        _ = task.ContinueWith(static t => _ = t.Exception, CancellationToken.None, TaskContinuationOptions.OnlyOnFaulted, TaskScheduler.Default);
        return task.WaitAsync(cancellationToken);
    }

    /// <summary>A start of this backend did not happen because <paramref name="dependency"/> could not be started.</summary>
    /// <remarks>Only a backend that is down says so: one that runs, starts or waits to restart is left as it is.</remarks>
    internal async Task DependencyFailedAsync(string dependency, SupervisorException error)
    {
        using (await EnterAsync().ConfigureAwait(false))
        {
            // A start checking its port leaves the state as it was: it is under way all the same.
            if (_state is not (BackendState.Stopped or BackendState.Failed) || _claim is not null) return;
            var message = $"not started: dependency \"{dependency}\" failed";
            _lastError = new BackendError(BackendErrorKind.CannotStart, message);
            SetState_NeedsGate(BackendTrigger.CannotStart, message);
        }
    }

    private void ThrowIfShuttingDown_NeedsGate()
    {
        if (_shuttingDown)
            throw new SupervisorException(BackendErrorKind.ShuttingDown, "the sidecar is shutting down", Name);
    }

    /// <summary>The attempt a start may wait on: a new one, or the one still open, which an automatic restart takes over
    /// (see <see cref="Decide_NeedsGate"/>).</summary>
    private TaskCompletionSource<BackendStatus> CurrentAttempt_NeedsGate()
    {
        if (_attempt is { Task.IsCompleted: false } attempt)
            return attempt;
        attempt = new TaskCompletionSource<BackendStatus>(TaskCreationOptions.RunContinuationsAsynchronously);
        // Nobody may be waiting for an automatic restart's attempt; observe its failure so it is not reported as unobserved.
        _ = attempt.Task.ContinueWith(static t => _ = t.Exception, TaskContinuationOptions.OnlyOnFaulted | TaskContinuationOptions.ExecuteSynchronously);
        _attempt = attempt;
        _attemptAwaited = false;
        return attempt;
    }

    /// <summary>Launches the process and makes it the current instance; throws CannotStart with the reason it could not.</summary>
    private Instance Launch_NeedsGate()
    {
        var cwd = Options.Cwd ?? Options.ConfigDirectory;
        if (!Directory.Exists(cwd))
            throw CannotStart($"working directory {cwd} does not exist");

        var environment = BuildEnvironment(out var secrets);
        environment.TryGetValue("PATH", out var path);
        var command = CommandResolver.Resolve(Options.Command, Options.SearchPaths, cwd, path);
        if (command.Path is null)
            throw new SupervisorException(BackendErrorKind.CannotStart, $"command \"{Options.Command}\" not found", Name) { Searched = command.Searched };

        _log.SetSecrets(secrets);
        var fromSeq = _log.Buffer.NextSeq;
        var args = _overrides.Args ?? Options.Args;
        var oom = _services.OomEvidence();
        IChildProcess child;
        try
        {
            child = _services.Launcher.Launch(new LaunchRequest
            {
                FileName = command.Path,
                Args = args,
                WorkingDirectory = cwd,
                Environment = environment,
            });
        }
        catch (LaunchException ex)
        {
            throw CannotStart(ex.Message);
        }

        var output = Task.WhenAll(
            _log.PumpAsync(child.StandardOutput, Logging.LogStream.Stdout),
            _log.PumpAsync(child.StandardError, Logging.LogStream.Stderr));
        var probe = Options.Health is { } health ? _services.HealthProbes.Create(health, _log.Buffer, fromSeq) : null;
        var instance = new Instance(child, child.Pid, external: false, child.StartedAt, probe, output) { FromSeq = fromSeq, Oom = oom };
        _instance = instance;
        _health = null;
        _log.WriteSidecarLine($"started pid {child.Pid}: {command.Path} {string.Join(' ', args)}");
        SaveState_NeedsGate(instance, child);
        return instance;
    }

    private IReadOnlyDictionary<string, string> BuildEnvironment(out IReadOnlyList<string> secrets)
    {
        IReadOnlyDictionary<string, string>? envFile = null;
        if (Options.EnvFile is { } file)
        {
            try
            {
                envFile = EnvFile.Read(file, $"$.backends.{Name}.envFile");
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or ConfigException)
            {
                throw CannotStart($"envFile {file}: {ex.Message}");
            }
        }

        secrets = _overrides.SecretEnv?.Values.Where(v => v.Length > 0).ToArray() ?? [];
        return EnvironmentBuilder.Build(_services.BaseEnvironment(), envFile, Options.Env, _overrides.Env, _overrides.SecretEnv);
    }

    /// <summary>Writes the launch's state record (for the clean-up after a crash of the sidecar): now when the start times
    /// are known, as on Linux and Windows; else once they are (ps on macOS, a few milliseconds), and only if the instance is
    /// still the current one then (a stop removes the record, which must not come back).</summary>
    private void SaveState_NeedsGate(Instance instance, IChildProcess child)
    {
        if (_services.StateStore is null) return;
        var sidecarStarted = _services.Processes?.GetCurrentStartTimeAsync() ?? new ValueTask<ulong>(0UL);
        if (child.StartTimeKnown.IsCompleted && sidecarStarted.IsCompletedSuccessfully)
            SaveState(child, sidecarStarted.Result);
        else
            _ = SaveStateWhenKnownAsync(instance, child, sidecarStarted.AsTask());
    }

    private async Task SaveStateWhenKnownAsync(Instance instance, IChildProcess child, Task<ulong> sidecarStarted)
    {
        // Neither fails: a start time that cannot be read is 0.
        await Task.WhenAll(child.StartTimeKnown, sidecarStarted).ConfigureAwait(false);
        using (await EnterAsync().ConfigureAwait(false))
        {
            if (IsCurrent(instance)) SaveState(child, sidecarStarted.Result);
        }
    }

    private void SaveState(IChildProcess child, ulong sidecarStartTime)
    {
        try
        {
            _services.StateStore?.Save(new BackendStateRecord(
                Name, child.Pid, child.StartTimeTicks, Environment.ProcessId, sidecarStartTime, Options.Port, child.StartedAt,
                child.InstanceMarker));
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            // Losing the record only weakens orphan clean-up after a crash of the sidecar; the backend itself is fine.
            _logger.LogWarning("{Backend}: cannot write its state file: {Message}", Name, ex.Message);
        }
    }

    private void RemoveState()
    {
        try
        {
            _services.StateStore?.Remove(Name);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            _logger.LogWarning("{Backend}: cannot remove its state file: {Message}", Name, ex.Message);
        }
    }

    private SupervisorException CannotStart(string message) => new(BackendErrorKind.CannotStart, message, Name);

    /// <summary>The start cannot go on [CannotStart]: the backend is failed with <paramref name="error"/>, and so is its attempt.</summary>
    private void CannotStart_NeedsGate(SupervisorException error)
    {
        _lastError = error.ToError();
        SetState_NeedsGate(BackendTrigger.CannotStart, error.Message);
        _attempt?.TrySetException(error);
    }

    private async Task ResetRestartsWhenStableAsync(Instance instance)
    {
        try
        {
            await Task.Delay(Options.Restart.ResetAfter, _time, instance.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            return;
        }

        using (await EnterAsync().ConfigureAwait(false))
        {
            if (_instance != instance || _state != BackendState.Running) return;
            _restarts.Reset();
            Publish_NeedsGate();
        }
    }
}
