using BackendSidecar.Core.Diagnostics;
using BackendSidecar.Core.Logging;
using BackendSidecar.Core.Supervision;

namespace BackendSidecar.Rpc;

/// <summary>The contract's strings for the core's enums. The core never sees them.</summary>
internal static class ContractNames
{
    public static string State(BackendState state) => state switch
    {
        BackendState.Stopped => "stopped",
        BackendState.Starting => "starting",
        BackendState.Running => "running",
        BackendState.Unhealthy => "unhealthy",
        BackendState.Stopping => "stopping",
        BackendState.Backoff => "backoff",
        BackendState.Failed => "failed",
        _ => throw new ArgumentOutOfRangeException(nameof(state), state, null),
    };

    public static string Stream(LogStream stream) => stream switch
    {
        LogStream.Stdout => "stdout",
        LogStream.Stderr => "stderr",
        _ => "sidecar",
    };

    public static string Severity(CheckSeverity severity) => severity switch
    {
        CheckSeverity.Error => "error",
        CheckSeverity.Warning => "warning",
        _ => "info",
    };

    public static int ErrorCode(BackendErrorKind kind) => kind switch
    {
        BackendErrorKind.UnknownBackend => ContractErrorCodes.UnknownBackend,
        BackendErrorKind.BackendNotSpecified => ContractErrorCodes.InvalidParams,
        BackendErrorKind.InvalidConfiguration => ContractErrorCodes.InvalidConfiguration,
        BackendErrorKind.CannotStart => ContractErrorCodes.CannotStart,
        BackendErrorKind.StartupTimeout => ContractErrorCodes.StartupTimeout,
        BackendErrorKind.ExitedBeforeHealthy => ContractErrorCodes.ExitedBeforeHealthy,
        BackendErrorKind.PortInUse => ContractErrorCodes.PortInUse,
        BackendErrorKind.GaveUp => ContractErrorCodes.GaveUp,
        BackendErrorKind.ShuttingDown => ContractErrorCodes.ShuttingDown,
        _ => ContractErrorCodes.InternalError,
    };
}

/// <summary>The application error codes of the contract (the standard ones are the JSON-RPC library's).</summary>
internal static class ContractErrorCodes
{
    public const int InvalidParams = -32602;
    public const int InternalError = -32603;
    public const int UnknownBackend = -32010;
    public const int InvalidConfiguration = -32011;
    public const int CannotStart = -32012;
    public const int StartupTimeout = -32013;
    public const int ExitedBeforeHealthy = -32014;
    public const int PortInUse = -32015;
    public const int GaveUp = -32016;
    public const int ShuttingDown = -32017;
}
