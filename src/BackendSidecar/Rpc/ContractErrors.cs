using System.Text.Json;
using System.Text.Json.Nodes;
using BackendSidecar.Core.Configuration;
using BackendSidecar.Core.Supervision;
using BackendSidecar.JsonRpc.Messages;

namespace BackendSidecar.Rpc;

/// <summary>The one place where failures of the core become the contract's error objects, with their <c>data</c>.</summary>
internal static class ContractErrors
{
    public static JsonRpcError? Map(Exception exception) => exception switch
    {
        RpcException rpc => rpc.ToError(),
        SupervisorException ex => FromSupervisor(ex).ToError(),
        ConfigException ex => InvalidConfiguration(ex).ToError(),
        OperationCanceledException ex => new JsonRpcError(JsonRpcErrorCodes.RequestCancelled, "request cancelled: " + ex.Message),
        _ => null,
    };

    public static RpcException InvalidConfiguration(ConfigException ex) =>
        new(ContractErrorCodes.InvalidConfiguration, "invalid configuration: " + ex.Message, new JsonObject { ["path"] = ex.Path });

    public static RpcException InvalidParams(string field, string problem) =>
        new(JsonRpcErrorCodes.InvalidParams, $"Invalid params: $.{field}: {problem}");

    public static RpcException FromSupervisor(SupervisorException ex)
    {
        var data = new JsonObject();
        if (ex.Backend is not null) data["backend"] = ex.Backend;
        switch (ex.Kind)
        {
            case BackendErrorKind.UnknownBackend:
                data["known"] = new JsonArray((ex.Known ?? []).Select(k => (JsonNode?)k).ToArray());
                break;
            case BackendErrorKind.BackendNotSpecified:
                return new RpcException(JsonRpcErrorCodes.InvalidParams, "Invalid params: $.backend: " + ex.Message);
            case BackendErrorKind.InvalidConfiguration:
                data["path"] = ex.ConfigPath;
                break;
            case BackendErrorKind.CannotStart when ex.Searched is { } searched:
                data["searched"] = new JsonArray(searched.Select(s => (JsonNode?)s).ToArray());
                break;
            case BackendErrorKind.StartupTimeout or BackendErrorKind.GaveUp when ex.Status is { } status:
                data["status"] = Status(status);
                break;
            case BackendErrorKind.ExitedBeforeHealthy:
                data["exitCode"] = ex.Exit?.Signal is null ? ex.Exit?.Code : null;
                data["signal"] = ex.Exit?.SignalName;
                data["lastLines"] = new JsonArray((ex.LastLines ?? []).Select(l => (JsonNode?)l).ToArray());
                break;
            case BackendErrorKind.PortInUse when ex.PortOwner is { } owner:
                data["port"] = owner.Port;
                data["pid"] = owner.Pid;
                data["processName"] = owner.ProcessName;
                break;
        }

        return new RpcException(ContractNames.ErrorCode(ex.Kind), ex.Message, data);
    }

    public static JsonNode? Status(BackendStatus status) =>
        JsonSerializer.SerializeToNode(DtoMapper.Status(status), SidecarJsonContext.Default.BackendStatusDto);
}
