using System.Text.Json;

namespace BackendSidecar.JsonRpc.Messages;

/// <summary>
/// Turns UTF-8 JSON into <see cref="JsonRpcMessage"/>s, strictly by JSON-RPC 2.0: <c>"jsonrpc": "2.0"</c>,
/// a string <c>method</c>, <c>params</c> an object or array when present, a number or string <c>id</c>,
/// exactly one of <c>result</c>/<c>error</c> in a response.
/// </summary>
/// <remarks>
/// Stateless and thread-safe. Never throws for bad input: what is not JSON becomes a
/// <see cref="JsonRpcPayloadKind.ParseError"/>, what is JSON of the wrong shape an <see cref="InvalidJsonRpcMessage"/>.
/// Duplicate property names are a parse error, since a duplicated <c>id</c> or <c>method</c> would be ambiguous.
/// </remarks>
public static class JsonRpcMessageParser
{
    /// <summary>The deepest nesting accepted; deeper input is a parse error.</summary>
    public const int MaxDepth = 64;

    private static readonly JsonDocumentOptions DocumentOptions = new()
    {
        MaxDepth = MaxDepth,
        AllowTrailingCommas = false,
        CommentHandling = JsonCommentHandling.Disallow,
        AllowDuplicateProperties = false,
    };

    /// <summary>Parses one framed message: a single message, a batch, or a parse error.</summary>
    public static JsonRpcPayload ParsePayload(ReadOnlyMemory<byte> utf8Json)
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(utf8Json, DocumentOptions);
        }
        catch (JsonException ex)
        {
            return JsonRpcPayload.ParseError(ShortReason(ex.Message));
        }

        using (document)
        {
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Array)
            {
                return JsonRpcPayload.Single(Parse(root));
            }

            var messages = new List<JsonRpcMessage>(root.GetArrayLength());
            foreach (var entry in root.EnumerateArray())
            {
                messages.Add(Parse(entry));
            }

            return JsonRpcPayload.Batch(messages);
        }
    }

    /// <summary>Classifies one JSON value as a request, notification, response, or invalid message.</summary>
    /// <remarks>Params, results and error data are cloned, so the result outlives <paramref name="element"/>'s document.</remarks>
    public static JsonRpcMessage Parse(JsonElement element)
    {
        try
        {
            return ParseObject(element);
        }
        catch (InvalidOperationException)
        {
            // Text that cannot be decoded (invalid UTF-8, lone surrogates) where a value had to be read.
            return new InvalidJsonRpcMessage(null, "the message holds text that is not valid UTF-8");
        }
    }

    private static JsonRpcMessage ParseObject(JsonElement element)
    {
        if (element.ValueKind != JsonValueKind.Object)
        {
            return new InvalidJsonRpcMessage(null, "expected a JSON object");
        }

        RequestId? id = null;
        var hasId = element.TryGetProperty("id"u8, out var idElement);
        if (hasId && RequestId.TryFrom(idElement, out var parsedId))
        {
            id = parsedId;
        }

        if (!element.TryGetProperty("jsonrpc"u8, out var version)
            || version.ValueKind != JsonValueKind.String
            || !version.ValueEquals("2.0"u8))
        {
            return new InvalidJsonRpcMessage(id, "'jsonrpc' must be \"2.0\"");
        }

        if (hasId && id is null && !(idElement.ValueKind == JsonValueKind.Null && !element.TryGetProperty("method"u8, out _)))
        {
            return new InvalidJsonRpcMessage(null, "'id' must be a number or a string");
        }

        return element.TryGetProperty("method"u8, out var method)
            ? ParseCall(element, method, hasId, id)
            : ParseResponse(element, hasId, id);
    }

    private static JsonRpcMessage ParseCall(JsonElement element, JsonElement method, bool hasId, RequestId? id)
    {
        if (method.ValueKind != JsonValueKind.String || !TryGetString(method, out var methodName))
        {
            return new InvalidJsonRpcMessage(id, "'method' must be a string");
        }

        if (element.TryGetProperty("result"u8, out _) || element.TryGetProperty("error"u8, out _))
        {
            return new InvalidJsonRpcMessage(id, "a request must not have 'result' or 'error'");
        }

        JsonElement? parameters = null;
        if (element.TryGetProperty("params"u8, out var paramsElement))
        {
            if (paramsElement.ValueKind is not (JsonValueKind.Object or JsonValueKind.Array))
            {
                return new InvalidJsonRpcMessage(id, "'params' must be an object or an array");
            }

            parameters = paramsElement.Clone();
        }

        return hasId
            ? new JsonRpcRequest(id!.Value, methodName, parameters)
            : new JsonRpcNotification(methodName, parameters);
    }

    private static JsonRpcMessage ParseResponse(JsonElement element, bool hasId, RequestId? id)
    {
        var hasResult = element.TryGetProperty("result"u8, out var result);
        var hasError = element.TryGetProperty("error"u8, out var errorElement);
        if (!hasResult && !hasError)
        {
            return new InvalidJsonRpcMessage(id, "missing 'method'");
        }

        if (hasResult && hasError)
        {
            return new InvalidJsonRpcMessage(id, "a response must not have both 'result' and 'error'");
        }

        if (!hasId)
        {
            return new InvalidJsonRpcMessage(null, "a response must have an 'id'");
        }

        if (hasResult)
        {
            return id is null
                ? new InvalidJsonRpcMessage(null, "a successful response must have a number or string 'id'")
                : new JsonRpcResponse(id, result.Clone(), null);
        }

        var error = ParseErrorObject(errorElement);
        return error is null
            ? new InvalidJsonRpcMessage(id, "'error' must be {code: integer, message: string, data?}")
            : new JsonRpcResponse(id, default, error);
    }

    private static JsonRpcError? ParseErrorObject(JsonElement error)
    {
        if (error.ValueKind != JsonValueKind.Object
            || !error.TryGetProperty("code"u8, out var code)
            || code.ValueKind != JsonValueKind.Number
            || !code.TryGetInt32(out var codeValue)
            || !error.TryGetProperty("message"u8, out var message)
            || message.ValueKind != JsonValueKind.String
            || !TryGetString(message, out var messageText))
        {
            return null;
        }

        var data = error.TryGetProperty("data"u8, out var dataElement)
            ? System.Text.Json.Nodes.JsonNode.Parse(dataElement.GetRawText())
            : null;
        return new JsonRpcError(codeValue, messageText, data);
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
            // Not decodable (invalid UTF-8 or a lone surrogate escape): treated as the wrong type.
            value = "";
            return false;
        }
    }

    /// <summary>The first sentence of a JSON error, without the position suffix and never very long.</summary>
    internal static string ShortReason(string message)
    {
        const int MaxLength = 200;
        var text = message.ReplaceLineEndings(" ");
        return text.Length <= MaxLength ? text : string.Concat(text.AsSpan(0, MaxLength), "...");
    }
}
