using System.Buffers;
using System.IO.Pipelines;
using System.Text.Encodings.Web;
using System.Text.Json;
using BackendSidecar.JsonRpc.Framing;
using StreamJsonRpc;
using StreamJsonRpc.Protocol;

namespace BackendSidecar.JsonRpc;

/// <summary>
/// StreamJsonRpc's transport for the contract: what the contract asks beyond the library happens here, on the library's
/// extension point, and everything else (dispatch, binding, ids, <c>$/cancelRequest</c>, error objects) is StreamJsonRpc's.
/// </summary>
/// <remarks>
/// <para>
/// Reading: the framing is picked from the first byte; a message over the limit is refused and skipped; input that is not
/// JSON gets -32700 with id null, a bad envelope -32600, a refused request its gate's error, and reading goes on (the
/// library would disconnect). A batch is split into its messages for the library and its answers are joined into one
/// array. At most <see cref="ContractRpcOptions.MaxConcurrentRequests"/> requests run: when all are taken reading waits.
/// </para>
/// <para>
/// End of input does not end the connection (the library would drop the answers still in flight): <see cref="InputEnded"/>
/// completes, answers and notifications still go out, and the owner disposes the connection after
/// <see cref="WhenIdleAsync"/>.
/// </para>
/// </remarks>
public sealed partial class ContractMessageHandler : MessageHandlerBase
{
    private static readonly JsonDocumentOptions DocumentOptions = new() { MaxDepth = 64, AllowDuplicateProperties = false };

    private readonly PipeReader _input;
    private readonly PipeWriter _output;
    private readonly ContractRpcOptions _options;
    private readonly SemaphoreSlim _slots;
    private readonly Queue<JsonRpcMessage> _ready = new(); // read side only
    private readonly CancellationTokenSource _stop = new();
    private readonly TaskCompletionSource _inputEnded = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly ArrayBufferWriter<byte> _serialized = new(); // write side only, under the library's write lock
    private FrameReader? _reader;
    private volatile bool _header;
    private bool _readAbandoned;

    /// <summary>Creates the handler over a pair of pipes, which it completes when disposed.</summary>
    public ContractMessageHandler(PipeReader input, PipeWriter output, SystemTextJsonFormatter formatter, ContractRpcOptions? options = null)
        : base(formatter)
    {
        ArgumentNullException.ThrowIfNull(input);
        ArgumentNullException.ThrowIfNull(output);
        _input = input;
        _output = output;
        _options = options ?? new ContractRpcOptions();
        ArgumentOutOfRangeException.ThrowIfLessThan(_options.MaxConcurrentRequests, 1, nameof(options));
        ArgumentOutOfRangeException.ThrowIfLessThan(_options.MaxMessageBytes, 1, nameof(options));
        _slots = new SemaphoreSlim(_options.MaxConcurrentRequests, _options.MaxConcurrentRequests);
        _header = _options.Framing == FramingKind.Header;
    }

    /// <inheritdoc/>
    public override bool CanRead => true;

    /// <inheritdoc/>
    public override bool CanWrite => true;

    /// <summary>Completes when input has ended, broke beyond repair, or <see cref="StopReading"/> was called.</summary>
    public Task InputEnded => _inputEnded.Task;

    /// <summary>The framing in use (newline-delimited until the first byte says otherwise).</summary>
    public FramingKind Framing => _header ? FramingKind.Header : FramingKind.Ndjson;

    /// <summary>The most requests that ever ran at once.</summary>
    internal int PeakConcurrentRequests => Volatile.Read(ref _peakRequests);

    /// <summary>Reads nothing more (after <c>exit</c>); what is in flight is still answered.</summary>
    public void StopReading()
    {
        try
        {
            _stop.Cancel();
        }
        catch (ObjectDisposedException)
        {
            // Disposed: nothing reads any more.
        }
    }

    /// <inheritdoc/>
    protected override async ValueTask<JsonRpcMessage?> ReadCoreAsync(CancellationToken cancellationToken)
    {
        while (true)
        {
            if (_ready.TryDequeue(out var message))
            {
                if (message is JsonRpcRequest { IsResponseExpected: true })
                {
                    // The back-pressure: a slot is freed when an answer is written.
                    await _slots.WaitAsync(cancellationToken).ConfigureAwait(false);
                    Track(started: true);
                }

                return message;
            }

            var frame = _inputEnded.Task.IsCompleted ? null : await ReadFrameAsync(cancellationToken).ConfigureAwait(false);
            if (frame is null)
            {
                // Not the end of the connection: answers in flight and notifications still go out until the owner disposes it.
                _inputEnded.TrySetResult();
                await Task.Delay(Timeout.Infinite, cancellationToken).ConfigureAwait(false);
                return null;
            }

            switch (frame.Status)
            {
                case FrameStatus.Message:
                    await AcceptAsync(frame.Payload).ConfigureAwait(false);
                    break;
                case FrameStatus.TooLarge:
                    Report("refused: " + frame.Error);
                    await WriteErrorAsync(RequestId.Null, JsonRpcErrorCodes.InvalidRequest, "Invalid request: " + frame.Error).ConfigureAwait(false);
                    break;
                default:
                    Report("unreadable input: " + frame.Error);
                    await WriteErrorAsync(RequestId.Null, JsonRpcErrorCodes.ParseError, "Parse error: " + frame.Error).ConfigureAwait(false);
                    _inputEnded.TrySetResult();
                    break;
            }
        }
    }

    private async ValueTask<InboundFrame?> ReadFrameAsync(CancellationToken cancellationToken)
    {
        try
        {
            if (_reader is null)
            {
                var kind = _options.Framing ?? await Race(FrameReader.DetectAsync(_input, cancellationToken)).ConfigureAwait(false);
                if (kind is null) return null;
                _header = kind == FramingKind.Header;
                _reader = FrameReader.Create(kind.Value, _input, _options.MaxMessageBytes);
            }

            return await Race(_reader.ReadAsync(cancellationToken)).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (_stop.IsCancellationRequested)
        {
            return null;
        }
    }

    /// <summary>Races a read against <see cref="StopReading"/>: a console's stdin ignores cancellation.</summary>
    private async ValueTask<T> Race<T>(ValueTask<T> read)
    {
        if (read.IsCompleted) return read.Result;
        try
        {
            return await read.AsTask().WaitAsync(_stop.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (_stop.IsCancellationRequested)
        {
            _readAbandoned = true;
            throw;
        }
    }

    /// <summary>Parses one frame and queues what the library should see; answers the rest here.</summary>
    private async ValueTask AcceptAsync(ReadOnlyMemory<byte> payload)
    {
        JsonDocument document;
        try
        {
            document = Parse(payload);
        }
        catch (JsonException ex)
        {
            Report("not JSON: " + ex.Message);
            await WriteErrorAsync(RequestId.Null, JsonRpcErrorCodes.ParseError, "Parse error: " + ParamsErrors.ShortReason(ex.Message)).ConfigureAwait(false);
            return;
        }

        byte[]? answer;
        using (document)
        {
            var root = document.RootElement;
            answer = root.ValueKind != JsonValueKind.Array ? Accept(root, batch: null)
                : root.GetArrayLength() == 0 ? ErrorBytes(RequestId.Null, JsonRpcErrorCodes.InvalidRequest, "Invalid request: empty batch")
                : AcceptBatch(root);
        }

        if (answer is not null) await WriteRawAsync(answer).ConfigureAwait(false);
    }

    /// <summary>Parses with duplicate names refused (a second <c>id</c> or <c>method</c> would be ambiguous).</summary>
    private static JsonDocument Parse(ReadOnlyMemory<byte> payload)
    {
        try
        {
            return JsonDocument.Parse(payload, DocumentOptions);
        }
        catch (InvalidOperationException)
        {
            // The duplicate check decodes every name and throws on one that cannot be decoded (a lone surrogate escape):
            // parse again without it, and let the envelope check answer -32600 or -32602 for that name.
            return JsonDocument.Parse(payload, DocumentOptions with { AllowDuplicateProperties = true });
        }
    }

    /// <summary>Checks one message: queues it for the library, or returns the error that answers it (null: no answer).</summary>
    private byte[]? Accept(JsonElement element, Batch? batch)
    {
        try
        {
            return AcceptCore(element, batch);
        }
        catch (Exception ex) when (ex is JsonException or InvalidOperationException or FormatException)
        {
            // The checks above should leave nothing for the library to refuse; if it still does, the session goes on.
            Report("a message could not be read", ex);
            return ErrorBytes(RequestId.Null, JsonRpcErrorCodes.InvalidRequest, "Invalid request: " + ParamsErrors.ShortReason(ex.Message));
        }
    }

    private byte[]? AcceptCore(JsonElement element, Batch? batch)
    {
        var envelope = Envelope.Check(element);
        switch (envelope.Kind)
        {
            case EnvelopeKind.Invalid:
                Report(envelope.Error!);
                return ErrorBytes(envelope.Id, envelope.ErrorCode, envelope.Error!);
            case EnvelopeKind.Response:
                Report("a response arrived, but this side sends no requests");
                return null;
            case EnvelopeKind.Notification:
                if (envelope.Error is not null || !PassesNotificationGate(envelope.Method!))
                    Report($"notification '{envelope.Method}' ignored{(envelope.Error is null ? "" : ": " + envelope.Error)}");
                else
                    Enqueue(element, envelope);
                return null;
        }

        if (envelope.Error is not null) return ErrorBytes(envelope.Id, envelope.ErrorCode, envelope.Error);
        if (Refusal(envelope.Method!) is { } refusal) return ErrorBytes(envelope.Id, refusal.ErrorCode, refusal.Message);
        if (!TryRegister(envelope.Id, envelope.Method!, batch))
            return ErrorBytes(envelope.Id, JsonRpcErrorCodes.InvalidRequest, $"Invalid request: id {envelope.Id} is already in use by a pending request");
        Enqueue(element, envelope);
        return null;
    }

    private void Enqueue(JsonElement element, Envelope envelope)
    {
        var raw = Envelope.Raw(element);
        // Copied: the library keeps the parsed message until the method has run, after this frame's buffer is gone.
        // Absent params bind as {}, so that a method's required members are still reported by name.
        var end = raw.LastIndexOf((byte)'}');
        byte[] message = envelope.HasParams ? raw.ToArray() : [.. raw[..end], .. ",\"params\":{}"u8, .. raw[end..]];
        _ready.Enqueue(Formatter.Deserialize(new ReadOnlySequence<byte>(message)));
    }

    private LocalRpcException? Refusal(string method)
    {
        try
        {
            return _options.RequestGate?.Invoke(method);
        }
        catch (Exception ex)
        {
            Report($"the request gate failed for '{method}'", ex);
            return new LocalRpcException("Internal error") { ErrorCode = JsonRpcErrorCodes.InternalError };
        }
    }

    private bool PassesNotificationGate(string method)
    {
        if (method == "$/cancelRequest") return true;
        try
        {
            return _options.NotificationGate?.Invoke(method) ?? true;
        }
        catch (Exception ex)
        {
            Report($"the notification gate failed for '{method}'", ex);
            return false;
        }
    }

    private async ValueTask WriteErrorAsync(RequestId id, int code, string message) =>
        await WriteRawAsync(ErrorBytes(id, code, message)).ConfigureAwait(false);

    private async ValueTask WriteRawAsync(byte[] utf8Json)
    {
        try
        {
            await WriteAsync(new RawMessage(utf8Json), CancellationToken.None).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is ObjectDisposedException or IOException or InvalidOperationException)
        {
            Report("an answer could not be written", ex);
        }
    }

    /// <summary>An error response written by this handler, for input the library never sees.</summary>
    private static byte[] ErrorBytes(RequestId id, int code, string message)
    {
        var buffer = new ArrayBufferWriter<byte>(128);
        using (var writer = new Utf8JsonWriter(buffer, new JsonWriterOptions { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
        {
            writer.WriteStartObject();
            writer.WriteString("jsonrpc"u8, "2.0"u8);
            if (id.Number is { } number) writer.WriteNumber("id"u8, number);
            else if (id.String is { } text) writer.WriteString("id"u8, text);
            else writer.WriteNull("id"u8);
            writer.WriteStartObject("error"u8);
            writer.WriteNumber("code"u8, code);
            writer.WriteString("message"u8, message);
            writer.WriteEndObject();
            writer.WriteEndObject();
        }

        return buffer.WrittenSpan.ToArray();
    }

    private void Report(string message, Exception? exception = null)
    {
        try
        {
            _options.Diagnostics?.Invoke(message, exception);
        }
        catch (Exception)
        {
            // A logging hook must never take the connection down.
        }
    }

    /// <inheritdoc/>
    protected override void DisposeReader()
    {
        // A read abandoned by StopReading may still be running: completing the reader under it is not safe.
        if (!_readAbandoned) _input.Complete();
        base.DisposeReader();
    }

    /// <inheritdoc/>
    protected override void DisposeWriter()
    {
        _output.Complete();
        base.DisposeWriter();
    }

    /// <inheritdoc/>
    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _stop.Dispose();
            _slots.Dispose();
        }

        base.Dispose(disposing);
    }

    /// <summary>A message this handler wrote itself, already serialised.</summary>
    private sealed class RawMessage(byte[] utf8Json) : JsonRpcMessage
    {
        public byte[] Utf8Json { get; } = utf8Json;
    }
}
