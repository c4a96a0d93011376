namespace BackendSidecar.Core.Configuration;

/// <summary>Defaults of the configuration format (protocol/README.md, protocol/sidecar-config.schema.json).</summary>
public static class ConfigDefaults
{
    public const int ExpectStatus = 200;
    public static readonly TimeSpan HealthInterval = TimeSpan.FromMilliseconds(1000);
    public static readonly TimeSpan HealthTimeout = TimeSpan.FromMilliseconds(2000);
    public static readonly TimeSpan StartupTimeout = TimeSpan.FromMilliseconds(30000);
    public const int FailureThreshold = 3;

    public const int MaxRestarts = 3;
    public static readonly TimeSpan RestartWindow = TimeSpan.FromMilliseconds(60000);
    public static readonly TimeSpan ResetAfter = TimeSpan.FromMilliseconds(60000);
    public static readonly TimeSpan BackoffInitial = TimeSpan.FromMilliseconds(1000);
    public const double BackoffFactor = 2;
    public static readonly TimeSpan BackoffMax = TimeSpan.FromMilliseconds(30000);
    public const double BackoffJitter = 0.2;

    public static readonly TimeSpan StopTimeout = TimeSpan.FromMilliseconds(10000);

    public const long LogMaxBytes = 10 * 1024 * 1024;
    public const int LogKeepFiles = 3;
    public const int LogBufferLines = 5000;
}
