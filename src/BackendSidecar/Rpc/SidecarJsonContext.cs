using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using BackendSidecar.Rpc.Dtos;

namespace BackendSidecar.Rpc;

/// <summary>
/// Source-generated metadata for every wire type: no reflection on the start-up path. Unknown members in params are
/// ignored, as LSP does, so that a newer host's optional fields do not break an older sidecar (protocol/README.md).
/// </summary>
[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase,
    DefaultIgnoreCondition = JsonIgnoreCondition.Never)]
[JsonSerializable(typeof(InitializeParams))]
[JsonSerializable(typeof(StartParams))]
[JsonSerializable(typeof(StopParams))]
[JsonSerializable(typeof(BackendParams))]
[JsonSerializable(typeof(LogsParams))]
[JsonSerializable(typeof(SubscribeParams))]
[JsonSerializable(typeof(ShutdownParams))]
[JsonSerializable(typeof(InitializeResult))]
[JsonSerializable(typeof(StatusResult))]
[JsonSerializable(typeof(BackendStatusDto))]
[JsonSerializable(typeof(LogsResult))]
[JsonSerializable(typeof(DiagnoseResult))]
[JsonSerializable(typeof(EmptyResult))]
[JsonSerializable(typeof(StatusChangedParams))]
[JsonSerializable(typeof(LogParams))]
[JsonSerializable(typeof(object))]
[JsonSerializable(typeof(JsonNode))] // error data
[JsonSerializable(typeof(JsonObject))]
internal sealed partial class SidecarJsonContext : JsonSerializerContext;
