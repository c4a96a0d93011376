using System.Buffers;
using System.Text.Encodings.Web;
using System.Text.Json;

namespace BackendSidecar.JsonRpc.Messages;

/// <summary>
/// Writes JSON-RPC 2.0 envelopes with <see cref="Utf8JsonWriter"/>, so ids are echoed verbatim and a
/// response carries exactly one of <c>result</c> or <c>error</c>. Bodies (params, results) are written
/// by callbacks, typically <c>JsonSerializer.Serialize(writer, value, jsonTypeInfo)</c>.
/// </summary>
/// <remarks>
/// Stateless and thread-safe. Output is compact (one line, no raw line breaks), as newline framing needs.
/// </remarks>
public static class JsonRpcMessageWriter
{
    /// <summary>Writer options used for every envelope: compact, validated, readable non-ASCII text.</summary>
    public static readonly JsonWriterOptions WriterOptions = new()
    {
        Indented = false,
        SkipValidation = false,
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    /// <summary>Writes <c>{"jsonrpc":"2.0","id":…,"result":…}</c>.</summary>
    /// <param name="writer">The target.</param>
    /// <param name="id">The id of the request answered.</param>
    /// <param name="writeResult">Writes exactly one JSON value (may be <c>null</c>).</param>
    public static void WriteSuccess(Utf8JsonWriter writer, RequestId id, Action<Utf8JsonWriter> writeResult)
    {
        ArgumentNullException.ThrowIfNull(writer);
        ArgumentNullException.ThrowIfNull(writeResult);
        writer.WriteStartObject();
        writer.WriteString("jsonrpc"u8, "2.0"u8);
        writer.WritePropertyName("id"u8);
        id.WriteTo(writer);
        writer.WritePropertyName("result"u8);
        writeResult(writer);
        writer.WriteEndObject();
    }

    /// <summary>Writes <c>{"jsonrpc":"2.0","id":…|null,"error":{"code","message","data"?}}</c>.</summary>
    public static void WriteError(Utf8JsonWriter writer, RequestId? id, JsonRpcError error)
    {
        ArgumentNullException.ThrowIfNull(writer);
        ArgumentNullException.ThrowIfNull(error);
        writer.WriteStartObject();
        writer.WriteString("jsonrpc"u8, "2.0"u8);
        writer.WritePropertyName("id"u8);
        if (id is { } value)
        {
            value.WriteTo(writer);
        }
        else
        {
            writer.WriteNullValue();
        }

        writer.WritePropertyName("error"u8);
        writer.WriteStartObject();
        writer.WriteNumber("code"u8, error.Code);
        writer.WriteString("message"u8, error.Message);
        if (error.Data is not null)
        {
            writer.WritePropertyName("data"u8);
            error.Data.WriteTo(writer);
        }

        writer.WriteEndObject();
        writer.WriteEndObject();
    }

    /// <summary>Writes <c>{"jsonrpc":"2.0","method":…,"params"?:…}</c>.</summary>
    /// <param name="writer">The target.</param>
    /// <param name="method">The method name.</param>
    /// <param name="writeParams">Writes an object or array, or <see langword="null"/> to omit <c>params</c>.</param>
    public static void WriteNotification(Utf8JsonWriter writer, string method, Action<Utf8JsonWriter>? writeParams)
    {
        ArgumentNullException.ThrowIfNull(writer);
        ArgumentNullException.ThrowIfNull(method);
        writer.WriteStartObject();
        writer.WriteString("jsonrpc"u8, "2.0"u8);
        writer.WriteString("method"u8, method);
        WriteParams(writer, writeParams);
        writer.WriteEndObject();
    }

    /// <summary>Writes <c>{"jsonrpc":"2.0","id":…,"method":…,"params"?:…}</c> (for clients and tests).</summary>
    public static void WriteRequest(Utf8JsonWriter writer, RequestId id, string method, Action<Utf8JsonWriter>? writeParams)
    {
        ArgumentNullException.ThrowIfNull(writer);
        ArgumentNullException.ThrowIfNull(method);
        writer.WriteStartObject();
        writer.WriteString("jsonrpc"u8, "2.0"u8);
        writer.WritePropertyName("id"u8);
        id.WriteTo(writer);
        writer.WriteString("method"u8, method);
        WriteParams(writer, writeParams);
        writer.WriteEndObject();
    }

    /// <summary>Runs <paramref name="write"/> against a fresh writer and returns the UTF-8 bytes.</summary>
    /// <remarks>Whatever <paramref name="write"/> throws propagates; nothing partial is returned.</remarks>
    public static byte[] ToUtf8(Action<Utf8JsonWriter> write)
    {
        ArgumentNullException.ThrowIfNull(write);
        var buffer = new ArrayBufferWriter<byte>(256);
        using (var writer = new Utf8JsonWriter(buffer, WriterOptions))
        {
            write(writer);
            writer.Flush();
        }

        return buffer.WrittenSpan.ToArray();
    }

    private static void WriteParams(Utf8JsonWriter writer, Action<Utf8JsonWriter>? writeParams)
    {
        if (writeParams is not null)
        {
            writer.WritePropertyName("params"u8);
            writeParams(writer);
        }
    }
}
