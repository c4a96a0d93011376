using System.Text.Json.Serialization;

namespace BackendSidecar.JsonRpc.Messages;

/// <summary>
/// Source-generated serialization metadata for the values this library serialises itself (string ids),
/// so it never falls back to reflection (it is <c>IsAotCompatible</c>). Envelopes are read with
/// <see cref="System.Text.Json.JsonDocument"/> and written with <see cref="System.Text.Json.Utf8JsonWriter"/>
/// (<see cref="JsonRpcMessageParser"/>, <see cref="JsonRpcMessageWriter"/>): ids must be echoed byte for byte
/// and "absent" must be told from "null", which generated contracts cannot express without converters.
/// </summary>
[JsonSerializable(typeof(string))]
internal sealed partial class JsonRpcJsonContext : JsonSerializerContext
{
}
