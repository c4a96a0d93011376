using System.Text.Json.Nodes;
using System.Text.Json.Serialization;

namespace BackendSidecar.JsonRpc.Tests.Support;

public sealed class EchoParams
{
    [JsonPropertyName("backend")]
    public required string Backend { get; init; }

    [JsonPropertyName("count")]
    public int? Count { get; init; }

    [JsonPropertyName("options")]
    public EchoOptions? Options { get; init; }

    [JsonPropertyName("tags")]
    public List<string>? Tags { get; init; }
}

public sealed class EchoOptions
{
    [JsonPropertyName("wait")]
    public bool Wait { get; init; }

    [JsonPropertyName("timeoutMs")]
    public required long TimeoutMs { get; init; }
}

public sealed class EchoResult
{
    [JsonPropertyName("backend")]
    public required string Backend { get; init; }

    [JsonPropertyName("count")]
    public int? Count { get; init; }
}

public sealed class LogParams
{
    [JsonPropertyName("backend")]
    public required string Backend { get; init; }

    [JsonPropertyName("lines")]
    public required List<string> Lines { get; init; }
}

[JsonSourceGenerationOptions(RespectNullableAnnotations = true)]
[JsonSerializable(typeof(EchoParams))]
[JsonSerializable(typeof(EchoResult))]
[JsonSerializable(typeof(LogParams))]
[JsonSerializable(typeof(int))]
[JsonSerializable(typeof(string))]
[JsonSerializable(typeof(JsonNode))]
[JsonSerializable(typeof(JsonObject))]
internal sealed partial class TestJsonContext : JsonSerializerContext
{
}
