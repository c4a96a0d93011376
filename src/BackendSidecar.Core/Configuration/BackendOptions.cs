namespace BackendSidecar.Core.Configuration;

/// <summary>
/// One backend's settings after loading: variables expanded, the profile applied, paths made absolute.
/// Immutable; run-time overrides (start's args/env/secretEnv) are kept by the supervisor, not here.
/// </summary>
public sealed record BackendOptions
{
    /// <summary>The backend's key in <c>backends</c>.</summary>
    public required string Name { get; init; }

    /// <summary>The command as configured: a bare name (looked up in <see cref="SearchPaths"/>, then PATH) or a path.</summary>
    public required string Command { get; init; }

    public IReadOnlyList<string> Args { get; init; } = [];

    /// <summary>Absolute working directory; <c>null</c> means the config file's folder.</summary>
    public string? Cwd { get; init; }

    /// <summary>Configured environment (after variable expansion); merged over the sidecar's own environment and the envFile.</summary>
    public IReadOnlyDictionary<string, string> Env { get; init; } = new Dictionary<string, string>();

    /// <summary>Absolute path of a dotenv file, read at every spawn so edits take effect on restart.</summary>
    public string? EnvFile { get; init; }

    /// <summary>Absolute folders searched before PATH (a project's <c>.venv/bin</c> before the system python).</summary>
    public IReadOnlyList<string> SearchPaths { get; init; } = [];

    public int? Port { get; init; }

    /// <summary><c>null</c>: no health check, running means alive.</summary>
    public HealthOptions? Health { get; init; }

    public RestartOptions Restart { get; init; } = new();

    public StopOptions Stop { get; init; } = new();

    public PortInUsePolicy OnPortInUse { get; init; } = PortInUsePolicy.Fail;

    public LogOptions Log { get; init; } = new();

    public bool AutoStart { get; init; }

    public IReadOnlyList<string> DependsOn { get; init; } = [];

    /// <summary>The folder of the config file (or the sidecar's cwd for an inline config).</summary>
    public string ConfigDirectory { get; init; } = Directory.GetCurrentDirectory();
}

public enum HealthKind { Http, Tcp, StdoutPattern }

public sealed record HealthOptions
{
    public required HealthKind Kind { get; init; }

    /// <summary>URL for <see cref="HealthKind.Http"/>, <c>host:port</c> for Tcp, a regular expression for StdoutPattern.</summary>
    public required string Target { get; init; }

    public int ExpectStatus { get; init; } = ConfigDefaults.ExpectStatus;

    /// <summary>Subset match: every property given here must be present with an equal value in the response body.</summary>
    public System.Text.Json.Nodes.JsonNode? ExpectJson { get; init; }

    public TimeSpan Interval { get; init; } = ConfigDefaults.HealthInterval;
    public TimeSpan Timeout { get; init; } = ConfigDefaults.HealthTimeout;
    public TimeSpan StartupTimeout { get; init; } = ConfigDefaults.StartupTimeout;
    public int FailureThreshold { get; init; } = ConfigDefaults.FailureThreshold;

    /// <summary><c>health.progress</c>: reads loading progress from output lines while starting; <c>null</c>: not configured.</summary>
    public Insights.ProgressPattern? Progress { get; init; }

    /// <summary><c>health.stallTimeoutMs</c> as configured; <c>null</c>: not configured (see <see cref="EffectiveStallTimeout"/>).</summary>
    public TimeSpan? StallTimeout { get; init; }

    /// <summary>Once progress has been seen, how long a start may go without new progress: stallTimeoutMs, else startupTimeoutMs.</summary>
    public TimeSpan EffectiveStallTimeout => StallTimeout ?? StartupTimeout;
}

public enum RestartPolicyKind { Never, OnFailure, Always }

public sealed record RestartOptions
{
    public RestartPolicyKind Policy { get; init; } = RestartPolicyKind.OnFailure;

    /// <summary><c>null</c>: no limit.</summary>
    public int? MaxRestarts { get; init; } = ConfigDefaults.MaxRestarts;

    public TimeSpan Window { get; init; } = ConfigDefaults.RestartWindow;
    public BackoffOptions Backoff { get; init; } = new();
    public TimeSpan ResetAfter { get; init; } = ConfigDefaults.ResetAfter;
}

public sealed record BackoffOptions
{
    /// <summary>Zero restarts at once.</summary>
    public TimeSpan Initial { get; init; } = ConfigDefaults.BackoffInitial;
    public double Factor { get; init; } = ConfigDefaults.BackoffFactor;
    public TimeSpan Max { get; init; } = ConfigDefaults.BackoffMax;

    /// <summary>0..1: the delay varies by up to this fraction either way.</summary>
    public double Jitter { get; init; } = ConfigDefaults.BackoffJitter;
}

public sealed record StopOptions
{
    /// <summary>Signal name as configured, e.g. <c>SIGTERM</c>, <c>SIGINT</c>.</summary>
    public string Signal { get; init; } = "SIGTERM";
    public TimeSpan Timeout { get; init; } = ConfigDefaults.StopTimeout;
}

public enum PortInUsePolicy { Fail, Adopt, Reclaim }

public sealed record LogOptions
{
    /// <summary>Absolute path of the log file; <c>null</c>: one per backend in the OS temp folder.</summary>
    public string? File { get; init; }
    public long MaxBytes { get; init; } = ConfigDefaults.LogMaxBytes;
    public int KeepFiles { get; init; } = ConfigDefaults.LogKeepFiles;
    public int BufferLines { get; init; } = ConfigDefaults.LogBufferLines;
}
