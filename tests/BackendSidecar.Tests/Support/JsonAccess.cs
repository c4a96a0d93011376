using System.Text.Json;
using System.Text.Json.Nodes;

namespace BackendSidecar.Tests.Support;

/// <summary>Short reads of wire JSON for assertions; a missing member or a wrong type fails with the JSON in the message.</summary>
internal static class JsonAccess
{
    public static string Str(this JsonNode? node, string key) =>
        Member(node, key) is JsonValue v && v.GetValueKind() == JsonValueKind.String ? v.GetValue<string>() : throw Wrong(node, key, "a string");

    public static int Int(this JsonNode? node, string key) => IntOrNull(node, key) ?? throw Wrong(node, key, "an integer");

    public static int? IntOrNull(this JsonNode? node, string key) => Member(node, key) switch
    {
        null => null,
        JsonValue v when v.GetValueKind() == JsonValueKind.Number => v.GetValue<int>(),
        _ => throw Wrong(node, key, "an integer or null"),
    };

    public static long Long(this JsonNode? node, string key) =>
        Member(node, key) is JsonValue v && v.GetValueKind() == JsonValueKind.Number ? v.GetValue<long>() : throw Wrong(node, key, "an integer");

    public static bool Bool(this JsonNode? node, string key) =>
        Member(node, key) is JsonValue v && v.GetValueKind() is JsonValueKind.True or JsonValueKind.False ? v.GetValue<bool>() : throw Wrong(node, key, "a boolean");

    public static JsonObject Obj(this JsonNode? node, string key) => Member(node, key) as JsonObject ?? throw Wrong(node, key, "an object");

    public static JsonArray Arr(this JsonNode? node, string key) => Member(node, key) as JsonArray ?? throw Wrong(node, key, "an array");

    /// <summary>True when <paramref name="key"/> is present with the value null (the contract's "present, null when no value").</summary>
    public static bool IsNullMember(this JsonNode? node, string key) => node is JsonObject o && o.ContainsKey(key) && o[key] is null;

    public static IEnumerable<string> Texts(this JsonArray entries) => entries.Select(e => e.Str("text"));

    private static JsonNode? Member(JsonNode? node, string key) =>
        node is JsonObject o ? o[key] : throw new InvalidOperationException($"not an object: {node?.ToJsonString() ?? "null"}");

    private static Xunit.Sdk.XunitException Wrong(JsonNode? node, string key, string expected) =>
        new($"\"{key}\" should be {expected} in {node?.ToJsonString() ?? "null"}");
}
