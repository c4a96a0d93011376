using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using StreamJsonRpc;

namespace BackendSidecar.JsonRpc;

/// <summary>
/// Metadata for what this layer itself reads and writes through the formatter: the id in <c>$/cancelRequest</c> (the
/// formatter adds its converter, but a source-generated resolver must still know the type) and error <c>data</c>.
/// </summary>
[JsonSerializable(typeof(RequestId))]
[JsonSerializable(typeof(JsonNode))]
[JsonSerializable(typeof(JsonObject))]
internal sealed partial class ContractJsonContext : JsonSerializerContext;
