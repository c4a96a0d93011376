using System.Text.Json;
using System.Text.Json.Nodes;
using BackendSidecar.Core.Configuration;
using BackendSidecar.Core.Supervision;
using BackendSidecar.JsonRpc;
using StreamJsonRpc;

namespace BackendSidecar.Rpc;

/// <summary>The one place where failures of the core become the contract's error objects, with their <c>data</c>.</summary>
internal static class ContractErrors
{
    public static LocalRpcException? Map(Exception exception) => exception switch
    {
        SupervisorException ex => FromSupervisor(ex),
        ConfigException ex => InvalidConfiguration(ex),
        _ => null,
    };

    public static LocalRpcException Error(int code, string message, JsonNode? data = null) =>
        new(message) { ErrorCode = code, ErrorData = data };

    public static LocalRpcException InvalidConfiguration(ConfigException ex) =>
        Error(ContractErrorCodes.InvalidConfiguration, "invalid configuration: " + ex.Message, new JsonObject { ["path"] = ex.Path });

    public static LocalRpcException InvalidParams(string field, string problem) =>
        Error(JsonRpcErrorCodes.InvalidParams, $"Invalid params: $.{field}: {problem}");

    public static LocalRpcException FromSupervisor(SupervisorException ex)
    {
        var data = new JsonObject();
        if (ex.Backend is not null) data["backend"] = ex.Backend;
        switch (ex.Kind)
        {
            case BackendErrorKind.UnknownBackend:
                data["known"] = new JsonArray((ex.Known ?? []).Select(k => (JsonNode?)k).ToArray());
                break;
            case BackendErrorKind.BackendNotSpecified:
                return Error(JsonRpcErrorCodes.InvalidParams, "Invalid params: $.backend: " + ex.Message);
            case BackendErrorKind.InvalidConfiguration:
                data["path"] = ex.ConfigPath;
                break;
            case BackendErrorKind.CannotStart when ex.Searched is { } searched:
                data["searched"] = new JsonArray(searched.Select(s => (JsonNode?)s).ToArray());
                break;
            case BackendErrorKind.StartupTimeout or BackendErrorKind.GaveUp when ex.Status is { } status:
                data["status"] = Status(status);
                if (ex.Kind == BackendErrorKind.StartupTimeout)
                    data["progress"] = ex.Progress is { } progress
                        ? JsonSerializer.SerializeToNode(DtoMapper.Progress(progress), SidecarJsonContext.Default.ProgressDto)
                        : null;
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

        return Error(ContractNames.ErrorCode(ex.Kind), ex.Message, data);
    }

    public static JsonNode? Status(BackendStatus status) =>
        JsonSerializer.SerializeToNode(DtoMapper.Status(status), SidecarJsonContext.Default.BackendStatusDto);
}
