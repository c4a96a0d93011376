using BackendSidecar.Rpc.Dtos;
using PolyType;
using StreamJsonRpc;

namespace BackendSidecar.Rpc;

/// <summary>
/// The contract's methods, as StreamJsonRpc serves them. Each takes the whole params object as one DTO (so a missing or
/// mistyped member is -32602 naming it); the shape is generated at build time, which keeps dispatch NativeAOT-safe.
/// </summary>
[GenerateShape(IncludeMethods = MethodShapeFlags.PublicInstance)]
internal partial interface ISidecarMethods
{
    [JsonRpcMethod("initialize", UseSingleObjectParameterDeserialization = true)]
    Task<InitializeResult> InitializeAsync(InitializeParams p, CancellationToken cancellationToken);

    [JsonRpcMethod("start", UseSingleObjectParameterDeserialization = true)]
    Task<BackendStatusDto> StartAsync(StartParams p, CancellationToken cancellationToken);

    [JsonRpcMethod("restart", UseSingleObjectParameterDeserialization = true)]
    Task<BackendStatusDto> RestartAsync(StartParams p, CancellationToken cancellationToken);

    [JsonRpcMethod("stop", UseSingleObjectParameterDeserialization = true)]
    Task<BackendStatusDto> StopAsync(StopParams p, CancellationToken cancellationToken);

    [JsonRpcMethod("status", UseSingleObjectParameterDeserialization = true)]
    Task<StatusResult> StatusAsync(BackendParams p);

    [JsonRpcMethod("logs", UseSingleObjectParameterDeserialization = true)]
    Task<LogsResult> LogsAsync(LogsParams p);

    [JsonRpcMethod("subscribe", UseSingleObjectParameterDeserialization = true)]
    Task<EmptyResult> SubscribeAsync(SubscribeParams p);

    [JsonRpcMethod("diagnose", UseSingleObjectParameterDeserialization = true)]
    Task<DiagnoseResult> DiagnoseAsync(BackendParams p);

    /// <summary>Params are optional (1.1: <c>stopBackends</c>); a 1.0 client sends none.</summary>
    [JsonRpcMethod("shutdown", UseSingleObjectParameterDeserialization = true)]
    Task ShutdownAsync(ShutdownParams? p = null);

    /// <summary>The <c>exit</c> notification.</summary>
    [JsonRpcMethod("exit")]
    Task ExitAsync();
}
