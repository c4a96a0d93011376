using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization.Metadata;
using BackendSidecar.JsonRpc.Messages;

namespace BackendSidecar.JsonRpc.Dispatch;

/// <summary>Output: replies, error replies and server-to-client notifications.</summary>
public sealed partial class JsonRpcConnection
{
    private bool _outputClosed;

    /// <summary>Sends a notification without params.</summary>
    /// <remarks>
    /// Safe from any thread. Completes once the message is written and flushed. When the output has closed
    /// (the peer went away, or the connection was disposed) the message is dropped and the call returns
    /// normally: see <see cref="IsOutputClosed"/>.
    /// </remarks>
    /// <param name="method">The notification's method name.</param>
    /// <param name="cancellationToken">Cancels waiting for the turn to write.</param>
    public Task NotifyAsync(string method, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(method);
        return SendNotificationAsync(method, null, cancellationToken);
    }

    /// <summary>Sends a notification whose params are <paramref name="parameters"/> written with <paramref name="paramsType"/>.</summary>
    /// <remarks>See <see cref="NotifyAsync(string, CancellationToken)"/>; the params must serialise to an object or array.</remarks>
    /// <exception cref="ArgumentException">The params are not an object or array.</exception>
    public Task NotifyAsync<TParams>(string method, TParams parameters, JsonTypeInfo<TParams> paramsType, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(method);
        ArgumentNullException.ThrowIfNull(paramsType);
        return SendNotificationAsync(method, writer => JsonSerializer.Serialize(writer, parameters, paramsType), cancellationToken);
    }

    /// <summary>Sends a notification with raw params (an object or array node).</summary>
    /// <remarks>See <see cref="NotifyAsync(string, CancellationToken)"/>.</remarks>
    /// <exception cref="ArgumentException">The params are not an object or array.</exception>
    public Task NotifyAsync(string method, JsonNode parameters, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(method);
        ArgumentNullException.ThrowIfNull(parameters);
        return SendNotificationAsync(method, writer => parameters.WriteTo(writer), cancellationToken);
    }

    private async Task SendNotificationAsync(string method, Action<Utf8JsonWriter>? writeParams, CancellationToken cancellationToken)
    {
        var bytes = JsonRpcMessageWriter.ToUtf8(writer => JsonRpcMessageWriter.WriteNotification(writer, method, writeParams));
        if (writeParams is not null && !HasStructuredParams(bytes))
        {
            throw new ArgumentException("Notification params must be a JSON object or array.", nameof(writeParams));
        }

        _inFlight.Enter();
        try
        {
            await WriteAsync(bytes, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            _inFlight.Exit();
        }
    }

    private Task ReplyErrorAsync(RequestId? id, int code, string message) =>
        WriteAsync(ErrorBytes(id, new JsonRpcError(code, message)));

    /// <summary>Writes one message; a closed or failed output marks the connection's output closed instead of throwing.</summary>
    private async Task WriteAsync(byte[] message, CancellationToken cancellationToken = default)
    {
        if (Volatile.Read(ref _outputClosed))
        {
            return;
        }

        try
        {
            await _framing.WriteAsync(message, cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            throw;
        }
        catch (Exception ex)
        {
            if (!Volatile.Read(ref _outputClosed))
            {
                Volatile.Write(ref _outputClosed, true);
                Report(JsonRpcDiagnosticKind.OutputClosed, "The output closed; later messages are dropped: " + ex.Message, ex);
            }
        }
    }

    /// <summary>Serialises an error reply, falling back to a bare error when the given one cannot be written.</summary>
    private byte[] ErrorBytes(RequestId? id, JsonRpcError error)
    {
        try
        {
            return JsonRpcMessageWriter.ToUtf8(writer => JsonRpcMessageWriter.WriteError(writer, id, error));
        }
        catch (Exception ex) when (ex is ArgumentException or InvalidOperationException or NotSupportedException or JsonException)
        {
            // For example data that cannot be serialised, or a message with a lone surrogate.
            Report(JsonRpcDiagnosticKind.HandlerFailed, $"Error {error.Code} could not be serialised; sending a plain one.", ex);
            var plain = new JsonRpcError(error.Code, error.Code == JsonRpcErrorCodes.InternalError ? "Internal error" : "Error");
            return JsonRpcMessageWriter.ToUtf8(writer => JsonRpcMessageWriter.WriteError(writer, id, plain));
        }
    }

    private static bool HasStructuredParams(byte[] notification)
    {
        var reader = new Utf8JsonReader(notification);
        while (reader.Read())
        {
            if (reader.TokenType == JsonTokenType.PropertyName && reader.CurrentDepth == 1 && reader.ValueTextEquals("params"u8))
            {
                reader.Read();
                return reader.TokenType is JsonTokenType.StartObject or JsonTokenType.StartArray;
            }
        }

        return true;
    }

    private static byte[] JoinArray(byte[][] parts)
    {
        var length = 2 + parts.Sum(p => p.Length) + (parts.Length - 1);
        var result = new byte[length];
        var offset = 0;
        result[offset++] = (byte)'[';
        for (var i = 0; i < parts.Length; i++)
        {
            if (i > 0)
            {
                result[offset++] = (byte)',';
            }

            parts[i].CopyTo(result, offset);
            offset += parts[i].Length;
        }

        result[offset] = (byte)']';
        return result;
    }
}
