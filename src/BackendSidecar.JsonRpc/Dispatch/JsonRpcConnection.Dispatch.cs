using System.Text.Json;
using BackendSidecar.JsonRpc.Messages;

namespace BackendSidecar.JsonRpc.Dispatch;

/// <summary>Dispatch: single messages, batches, requests, notifications and <c>$/cancelRequest</c>.</summary>
public sealed partial class JsonRpcConnection
{
    private int _runningRequests;
    private int _peakRequests;

    /// <summary>A request that passed the gate and lookup and is registered for cancellation.</summary>
    private sealed record AcceptedRequest(JsonRpcRequest Request, RequestInvoker Invoker, CancellationTokenSource Cancellation);

    private async Task DispatchPayloadAsync(ReadOnlyMemory<byte> payload, CancellationToken readToken)
    {
        var parsed = JsonRpcMessageParser.ParsePayload(payload);
        switch (parsed.Kind)
        {
            case JsonRpcPayloadKind.ParseError:
                Report(JsonRpcDiagnosticKind.InvalidInput, "Parse error: " + parsed.ParseErrorReason);
                await ReplyErrorAsync(null, JsonRpcErrorCodes.ParseError, "Parse error: " + parsed.ParseErrorReason).ConfigureAwait(false);
                break;
            case JsonRpcPayloadKind.Batch when parsed.Messages.Count == 0:
                await ReplyErrorAsync(null, JsonRpcErrorCodes.InvalidRequest, "Invalid request: empty batch").ConfigureAwait(false);
                break;
            case JsonRpcPayloadKind.Batch:
                await DispatchBatchAsync(parsed.Messages, readToken).ConfigureAwait(false);
                break;
            default:
                await DispatchSingleAsync(parsed.Messages[0], readToken).ConfigureAwait(false);
                break;
        }
    }

    private async Task DispatchSingleAsync(JsonRpcMessage message, CancellationToken readToken)
    {
        if (message is not JsonRpcRequest request)
        {
            var error = await HandleNonRequestAsync(message).ConfigureAwait(false);
            if (error is not null)
            {
                await WriteAsync(error).ConfigureAwait(false);
            }

            return;
        }

        var accepted = Accept(request, out var refusal);
        if (accepted is null)
        {
            await WriteAsync(refusal!).ConfigureAwait(false);
            return;
        }

        await StartAsync(accepted, readToken, async reply =>
        {
            await WriteAsync(reply).ConfigureAwait(false);
            NotifyReplied(request.Method);
        }).ConfigureAwait(false);
    }

    private void NotifyReplied(string method)
    {
        try
        {
            _options.RequestCompleted?.Invoke(method);
        }
        catch (Exception ex)
        {
            _options.Diagnostics?.Invoke(new JsonRpcDiagnostic(JsonRpcDiagnosticKind.HandlerFailed, $"RequestCompleted for {method} failed", ex));
        }
    }

    private async Task DispatchBatchAsync(IReadOnlyList<JsonRpcMessage> messages, CancellationToken readToken)
    {
        // Replies are collected and sent as one array once every request in the batch has answered.
        var replies = new List<Task<byte[]>>(messages.Count);
        _inFlight.Enter();
        try
        {
            foreach (var message in messages)
            {
                if (message is not JsonRpcRequest request)
                {
                    var error = await HandleNonRequestAsync(message).ConfigureAwait(false);
                    if (error is not null)
                    {
                        replies.Add(Task.FromResult(error));
                    }

                    continue;
                }

                var accepted = Accept(request, out var refusal);
                if (accepted is null)
                {
                    replies.Add(Task.FromResult(refusal!));
                    continue;
                }

                var reply = new TaskCompletionSource<byte[]>(TaskCreationOptions.RunContinuationsAsynchronously);
                await StartAsync(accepted, readToken, bytes =>
                {
                    reply.TrySetResult(bytes);
                    return Task.CompletedTask;
                }).ConfigureAwait(false);
                replies.Add(reply.Task);
            }
        }
        finally
        {
            // Even when reading stops part-way, the requests already started are answered.
            _ = Task.Run(() => WriteBatchAsync(replies));
        }
    }

    private async Task WriteBatchAsync(List<Task<byte[]>> replies)
    {
        try
        {
            var parts = await Task.WhenAll(replies).ConfigureAwait(false);
            if (parts.Length > 0)
            {
                await WriteAsync(JoinArray(parts)).ConfigureAwait(false);
            }
        }
        finally
        {
            _inFlight.Exit();
        }
    }

    /// <summary>Gate, lookup, duplicate-id check and cancellation registration, in arrival order.</summary>
    private AcceptedRequest? Accept(JsonRpcRequest request, out byte[]? refusal)
    {
        refusal = null;
        RpcException? gated;
        try
        {
            gated = _options.RequestGate?.Invoke(request.Method);
        }
        catch (Exception ex)
        {
            Report(JsonRpcDiagnosticKind.HandlerFailed, $"The request gate failed for '{request.Method}'.", ex);
            gated = new RpcException(JsonRpcErrorCodes.InternalError, "Internal error");
        }

        if (gated is not null)
        {
            refusal = ErrorBytes(request.Id, gated.ToError());
            return null;
        }

        var invoker = _methods.FindRequest(request.Method);
        if (invoker is null)
        {
            refusal = ErrorBytes(request.Id, new JsonRpcError(JsonRpcErrorCodes.MethodNotFound, "Method not found: " + Quote(request.Method)));
            return null;
        }

        var cancellation = _pending.TryRegister(request.Id, _disposing.Token);
        if (cancellation is null)
        {
            refusal = ErrorBytes(request.Id, new JsonRpcError(
                JsonRpcErrorCodes.InvalidRequest, $"Invalid request: id {Quote(request.Id.Json)} is already in use by a pending request"));
            return null;
        }

        return new AcceptedRequest(request, invoker, cancellation);
    }

    /// <summary>Waits for a slot (this is the back-pressure), then runs the handler on the thread pool.</summary>
    private async Task StartAsync(AcceptedRequest accepted, CancellationToken readToken, Func<byte[], Task> deliver)
    {
        try
        {
            await _slots.WaitAsync(readToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            _pending.Complete(accepted.Request.Id, accepted.Cancellation);
            throw;
        }

        _inFlight.Enter();
        var running = Interlocked.Increment(ref _runningRequests);
        InterlockedMax(ref _peakRequests, running);
        _ = Task.Run(async () =>
        {
            try
            {
                var reply = await InvokeAsync(accepted).ConfigureAwait(false);
                await deliver(reply).ConfigureAwait(false);
            }
            finally
            {
                // Released only once the reply is written: a peer that stops reading output stops the input too.
                Interlocked.Decrement(ref _runningRequests);
                _slots.Release();
                _inFlight.Exit();
            }
        });
    }

    /// <summary>Runs a handler and returns its serialised reply; never throws.</summary>
    private async Task<byte[]> InvokeAsync(AcceptedRequest accepted)
    {
        var (request, invoker, cancellation) = accepted;
        try
        {
            var writeResult = await invoker(request.Params, cancellation.Token).ConfigureAwait(false);
            try
            {
                return JsonRpcMessageWriter.ToUtf8(writer => JsonRpcMessageWriter.WriteSuccess(writer, request.Id, writeResult));
            }
            catch (Exception ex)
            {
                Report(JsonRpcDiagnosticKind.HandlerFailed, $"The result of '{request.Method}' could not be serialised.", ex);
                return ErrorBytes(request.Id, new JsonRpcError(JsonRpcErrorCodes.InternalError, "Internal error: the result could not be serialised"));
            }
        }
        catch (OperationCanceledException) when (cancellation.IsCancellationRequested)
        {
            return ErrorBytes(request.Id, new JsonRpcError(JsonRpcErrorCodes.RequestCancelled, "Request cancelled"));
        }
        catch (RpcException ex)
        {
            return ErrorBytes(request.Id, ex.ToError());
        }
        catch (Exception ex)
        {
            var error = MapException(ex);
            // An exception the mapper turns into an application error (unknown backend, cannot start) is an answer, not a
            // failure of the handler: reporting it would put a stack trace in the log for every expected error.
            if (error.Code == JsonRpcErrorCodes.InternalError)
                Report(JsonRpcDiagnosticKind.HandlerFailed, $"'{request.Method}' failed: {ex.Message}", ex);
            return ErrorBytes(request.Id, error);
        }
        finally
        {
            _pending.Complete(request.Id, cancellation);
        }
    }

    /// <summary>Handles a notification, response or invalid message; returns the error reply, if one is due.</summary>
    private async Task<byte[]?> HandleNonRequestAsync(JsonRpcMessage message)
    {
        switch (message)
        {
            case JsonRpcNotification notification:
                await HandleNotificationAsync(notification).ConfigureAwait(false);
                return null;
            case JsonRpcResponse:
                Report(JsonRpcDiagnosticKind.ResponseIgnored, "A response arrived, but this connection sends no requests.");
                return null;
            case InvalidJsonRpcMessage invalid:
                Report(JsonRpcDiagnosticKind.InvalidInput, "Invalid request: " + invalid.Reason);
                return ErrorBytes(invalid.Id, new JsonRpcError(JsonRpcErrorCodes.InvalidRequest, "Invalid request: " + invalid.Reason));
            default:
                return null;
        }
    }

    private async Task HandleNotificationAsync(JsonRpcNotification notification)
    {
        if (notification.Method == CancelRequestMethod)
        {
            CancelRequest(notification.Params);
            return;
        }

        bool allowed;
        try
        {
            allowed = _options.NotificationGate?.Invoke(notification.Method) ?? true;
        }
        catch (Exception ex)
        {
            Report(JsonRpcDiagnosticKind.NotificationFailed, $"The notification gate failed for '{notification.Method}'.", ex);
            allowed = false;
        }

        var handler = allowed ? _methods.FindNotification(notification.Method) : null;
        if (handler is null)
        {
            // Never answered; "$/" ones are optional by LSP's rules, and any other has nobody to tell.
            Report(JsonRpcDiagnosticKind.NotificationIgnored, $"Notification {Quote(notification.Method)} ignored.");
            return;
        }

        try
        {
            await handler(notification.Params, _disposing.Token).ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            Report(JsonRpcDiagnosticKind.NotificationFailed, $"Notification '{notification.Method}' failed: {ex.Message}", ex);
        }
    }

    private void CancelRequest(JsonElement? parameters)
    {
        if (parameters is { ValueKind: JsonValueKind.Object } element
            && element.TryGetProperty("id"u8, out var idElement)
            && RequestId.TryFrom(idElement, out var id))
        {
            _pending.Cancel(id);
            return;
        }

        Report(JsonRpcDiagnosticKind.InvalidInput, "$/cancelRequest without a number or string 'id' ignored.");
    }

    private JsonRpcError MapException(Exception exception)
    {
        try
        {
            return _options.ExceptionMapper?.Invoke(exception) ?? DefaultInternalError;
        }
        catch (Exception ex)
        {
            Report(JsonRpcDiagnosticKind.HandlerFailed, "The exception mapper failed.", ex);
            return DefaultInternalError;
        }
    }

    private static readonly JsonRpcError DefaultInternalError = new(JsonRpcErrorCodes.InternalError, "Internal error");

    /// <summary>Quotes peer-supplied text for an error message, cut short so a huge name cannot bloat the reply.</summary>
    private static string Quote(string text)
    {
        const int MaxLength = 100;
        if (text.Length <= MaxLength)
        {
            return $"'{text}'";
        }

        var cut = char.IsHighSurrogate(text[MaxLength - 1]) ? MaxLength - 1 : MaxLength;
        return $"'{text[..cut]}...'";
    }

    private static void InterlockedMax(ref int target, int value)
    {
        var current = Volatile.Read(ref target);
        while (value > current)
        {
            var seen = Interlocked.CompareExchange(ref target, value, current);
            if (seen == current)
            {
                return;
            }

            current = seen;
        }
    }
}
