using System.Runtime.InteropServices;
using System.Text.Json;
using StreamJsonRpc;

namespace BackendSidecar.JsonRpc;

/// <summary>What a JSON value read from the wire is, once its envelope is checked.</summary>
internal enum EnvelopeKind { Request, Notification, Response, Invalid }

/// <summary>
/// The strict JSON-RPC 2.0 check of one message, done before StreamJsonRpc sees it: StreamJsonRpc accepts
/// <c>"jsonrpc":"1.0"</c> and a missing version, and ends the connection on a non-object or on text it cannot decode
/// (a lone surrogate escape), where the contract answers -32600 or -32602 and reads on.
/// </summary>
/// <param name="Kind">Request, notification, response (ignored: the sidecar sends no requests), or invalid.</param>
/// <param name="Id">The request's id; for an invalid message, its id when one could be read (the error echoes it).</param>
/// <param name="Method">The method of a request or notification.</param>
/// <param name="ErrorCode">For an invalid message, -32600; for a request whose params hold undecodable text, -32602.</param>
/// <param name="Error">What is wrong, for the error message.</param>
/// <param name="HasParams">Whether the message carries <c>params</c>.</param>
internal readonly record struct Envelope(EnvelopeKind Kind, RequestId Id, string? Method, int ErrorCode, string? Error, bool HasParams)
{
    public static Envelope Check(JsonElement message)
    {
        if (message.ValueKind != JsonValueKind.Object) return Invalid(default, "expected a JSON object");

        JsonElement? version = null, id = null, method = null, parameters = null;
        bool hasResult = false, hasError = false, undecodableName = false;
        foreach (var property in message.EnumerateObject())
        {
            // Checked first: comparing a name that cannot be decoded throws.
            if (!IsDecodable(property))
            {
                undecodableName = true;
                continue;
            }

            if (property.NameEquals("jsonrpc"u8)) version = property.Value;
            else if (property.NameEquals("id"u8)) id = property.Value;
            else if (property.NameEquals("method"u8)) method = property.Value;
            else if (property.NameEquals("params"u8)) parameters = property.Value;
            else if (property.NameEquals("result"u8)) hasResult = true;
            else hasError = true;
        }

        var requestId = id is { } idValue ? ReadId(idValue) : RequestId.NotSpecified;
        var hasId = id is not null;
        if (undecodableName) return Invalid(requestId, "a property name holds text that cannot be decoded");
        if (version is not { ValueKind: JsonValueKind.String } v || !v.ValueEquals("2.0"u8)) return Invalid(requestId, "'jsonrpc' must be \"2.0\"");
        if (hasId && requestId.IsEmpty && !(id!.Value.ValueKind == JsonValueKind.Null && method is null))
            return Invalid(default, "'id' must be an integer or a string");

        if (method is null)
        {
            if (!hasResult && !hasError) return Invalid(requestId, "missing 'method'");
            return new Envelope(EnvelopeKind.Response, requestId, null, 0, null, false);
        }

        if (method.Value.ValueKind != JsonValueKind.String || !TryGetString(method.Value, out var name))
            return Invalid(requestId, "'method' must be a string");
        if (hasResult || hasError) return Invalid(requestId, "a request must not have 'result' or 'error'");
        if (parameters is { ValueKind: not (JsonValueKind.Object or JsonValueKind.Array) })
            return Invalid(requestId, "'params' must be an object or an array");

        var kind = hasId ? EnvelopeKind.Request : EnvelopeKind.Notification;
        if (parameters is { } p && FindUndecodable(p, "$") is { } path)
            return new Envelope(kind, requestId, name, JsonRpcErrorCodes.InvalidParams, $"Invalid params: {path}: text that cannot be decoded (a lone surrogate escape)", true);
        return new Envelope(kind, requestId, name, 0, null, parameters is not null);
    }

    /// <summary>The raw bytes of <paramref name="element"/>, as they came.</summary>
    public static ReadOnlySpan<byte> Raw(JsonElement element) => JsonMarshal.GetRawUtf8Value(element);

    private static Envelope Invalid(RequestId id, string error) =>
        new(EnvelopeKind.Invalid, id, null, JsonRpcErrorCodes.InvalidRequest, "Invalid request: " + error, false);

    /// <summary>An integer or a decodable string; anything else is <see cref="RequestId.NotSpecified"/>.</summary>
    private static RequestId ReadId(JsonElement id) => id.ValueKind switch
    {
        JsonValueKind.Number when id.TryGetInt64(out var number) => new RequestId(number),
        JsonValueKind.String when TryGetString(id, out var text) => new RequestId(text),
        _ => RequestId.NotSpecified,
    };

    private static bool IsDecodable(JsonProperty property)
    {
        try
        {
            _ = property.Name;
            return true;
        }
        catch (InvalidOperationException)
        {
            return false;
        }
    }

    private static bool TryGetString(JsonElement element, out string value)
    {
        try
        {
            value = element.GetString()!;
            return true;
        }
        catch (InvalidOperationException)
        {
            value = "";
            return false;
        }
    }

    /// <summary>The JSON path of the first name or string in <paramref name="element"/> that cannot be decoded.</summary>
    private static string? FindUndecodable(JsonElement element, string path)
    {
        switch (element.ValueKind)
        {
            case JsonValueKind.Object:
                foreach (var property in element.EnumerateObject())
                {
                    if (!IsDecodable(property)) return path;
                    if (FindUndecodable(property.Value, ParamsErrors.Child(path, property.Name)) is { } found) return found;
                }

                return null;
            case JsonValueKind.Array:
                var index = 0;
                foreach (var item in element.EnumerateArray())
                {
                    if (FindUndecodable(item, $"{path}[{index++}]") is { } found) return found;
                }

                return null;
            case JsonValueKind.String:
                return TryGetString(element, out _) ? null : path;
            default:
                return null;
        }
    }
}
