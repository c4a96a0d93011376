using System.Collections.Frozen;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization.Metadata;

namespace BackendSidecar.JsonRpc.Dispatch;

/// <summary>Runs a request and returns a callback that writes its result value.</summary>
internal delegate Task<Action<Utf8JsonWriter>> RequestInvoker(JsonElement? parameters, CancellationToken cancellationToken);

/// <summary>Runs a notification.</summary>
internal delegate Task NotificationInvoker(JsonElement? parameters, CancellationToken cancellationToken);

/// <summary>
/// The methods a <see cref="JsonRpcConnection"/> serves: request handlers (answered) and notification
/// handlers (never answered), bound through <see cref="JsonTypeInfo{T}"/> so callers stay
/// source-generation friendly.
/// </summary>
/// <remarks>
/// <para>
/// Register everything before handing the table to a connection: the connection freezes it, and adding
/// afterwards throws. Once frozen the table is read concurrently and is thread-safe.
/// </para>
/// <para>
/// Params binding: absent params bind as <c>{}</c> for object types (so required properties are still
/// reported); a type mismatch or missing required property becomes -32602 with a message naming the
/// field, e.g. <c>Invalid params: $.backend: expected string</c>. Handlers receive a token that is
/// cancelled by <c>$/cancelRequest</c> or when the connection is disposed; ending with an
/// <see cref="OperationCanceledException"/> from it answers -32800. Throw
/// <see cref="Messages.RpcException"/> for any other error reply.
/// </para>
/// </remarks>
public sealed class MethodTable
{
    private readonly Dictionary<string, RequestInvoker> _requests = new(StringComparer.Ordinal);
    private readonly Dictionary<string, NotificationInvoker> _notifications = new(StringComparer.Ordinal);
    private FrozenDictionary<string, RequestInvoker>? _frozenRequests;
    private FrozenDictionary<string, NotificationInvoker>? _frozenNotifications;

    /// <summary>Registers a request handler with typed params and result.</summary>
    /// <param name="method">The method name.</param>
    /// <param name="paramsType">Metadata to bind params, e.g. <c>MyJsonContext.Default.StartParams</c>.</param>
    /// <param name="resultType">Metadata to write the result.</param>
    /// <param name="handler">The handler; it runs on the thread pool, concurrently with other requests.</param>
    public MethodTable AddRequest<TParams, TResult>(
        string method,
        JsonTypeInfo<TParams> paramsType,
        JsonTypeInfo<TResult> resultType,
        Func<TParams, CancellationToken, Task<TResult>> handler)
    {
        ArgumentNullException.ThrowIfNull(paramsType);
        ArgumentNullException.ThrowIfNull(resultType);
        ArgumentNullException.ThrowIfNull(handler);
        return AddRequestCore(method, async (parameters, cancellationToken) =>
        {
            var bound = ParamsBinder.Bind(parameters, paramsType);
            var result = await handler(bound, cancellationToken).ConfigureAwait(false);
            return writer => JsonSerializer.Serialize(writer, result, resultType);
        });
    }

    /// <summary>Registers a request handler that takes no params (absent, <c>{}</c> or <c>[]</c>).</summary>
    public MethodTable AddRequest<TResult>(
        string method,
        JsonTypeInfo<TResult> resultType,
        Func<CancellationToken, Task<TResult>> handler)
    {
        ArgumentNullException.ThrowIfNull(resultType);
        ArgumentNullException.ThrowIfNull(handler);
        return AddRequestCore(method, async (parameters, cancellationToken) =>
        {
            ParamsBinder.RequireNone(parameters);
            var result = await handler(cancellationToken).ConfigureAwait(false);
            return writer => JsonSerializer.Serialize(writer, result, resultType);
        });
    }

    /// <summary>
    /// Registers a raw request handler: it gets the params as they came (<see langword="null"/> when absent)
    /// and returns the result as a node (<see langword="null"/> writes JSON <c>null</c>).
    /// </summary>
    public MethodTable AddRequest(string method, Func<JsonElement?, CancellationToken, Task<JsonNode?>> handler)
    {
        ArgumentNullException.ThrowIfNull(handler);
        return AddRequestCore(method, async (parameters, cancellationToken) =>
        {
            var result = await handler(parameters, cancellationToken).ConfigureAwait(false);
            return writer =>
            {
                if (result is null)
                {
                    writer.WriteNullValue();
                }
                else
                {
                    result.WriteTo(writer);
                }
            };
        });
    }

    /// <summary>Registers a notification handler with typed params.</summary>
    /// <remarks>
    /// Notification handlers run on the read loop, one at a time and in arrival order, so that ordering
    /// between notifications (and with later requests) holds. Keep them short; offload long work.
    /// Failures are reported through <see cref="JsonRpcConnectionOptions.Diagnostics"/>, never answered.
    /// </remarks>
    public MethodTable AddNotification<TParams>(
        string method,
        JsonTypeInfo<TParams> paramsType,
        Func<TParams, CancellationToken, Task> handler)
    {
        ArgumentNullException.ThrowIfNull(paramsType);
        ArgumentNullException.ThrowIfNull(handler);
        return AddNotificationCore(method, (parameters, cancellationToken) =>
            handler(ParamsBinder.Bind(parameters, paramsType), cancellationToken));
    }

    /// <summary>Registers a notification handler that takes no params.</summary>
    /// <remarks>See <see cref="AddNotification{TParams}"/> for when it runs.</remarks>
    public MethodTable AddNotification(string method, Func<CancellationToken, Task> handler)
    {
        ArgumentNullException.ThrowIfNull(handler);
        return AddNotificationCore(method, (_, cancellationToken) => handler(cancellationToken));
    }

    /// <summary>Registers a raw notification handler (params as they came, <see langword="null"/> when absent).</summary>
    /// <remarks>See <see cref="AddNotification{TParams}"/> for when it runs.</remarks>
    public MethodTable AddNotification(string method, Func<JsonElement?, CancellationToken, Task> handler)
    {
        ArgumentNullException.ThrowIfNull(handler);
        return AddNotificationCore(method, (parameters, cancellationToken) => handler(parameters, cancellationToken));
    }

    /// <summary><see langword="true"/> when <paramref name="method"/> has a request handler.</summary>
    public bool HasRequest(string method) => _requests.ContainsKey(method);

    /// <summary><see langword="true"/> when <paramref name="method"/> has a notification handler.</summary>
    public bool HasNotification(string method) => _notifications.ContainsKey(method);

    internal void Freeze()
    {
        lock (_requests)
        {
            _frozenRequests ??= _requests.ToFrozenDictionary(StringComparer.Ordinal);
            _frozenNotifications ??= _notifications.ToFrozenDictionary(StringComparer.Ordinal);
        }
    }

    internal RequestInvoker? FindRequest(string method) =>
        _frozenRequests!.GetValueOrDefault(method);

    internal NotificationInvoker? FindNotification(string method) =>
        _frozenNotifications!.GetValueOrDefault(method);

    private MethodTable AddRequestCore(string method, RequestInvoker invoker)
    {
        ValidateName(method);
        lock (_requests)
        {
            ThrowIfFrozen();
            if (!_requests.TryAdd(method, invoker))
            {
                throw new ArgumentException($"A request handler for '{method}' is already registered.", nameof(method));
            }
        }

        return this;
    }

    private MethodTable AddNotificationCore(string method, NotificationInvoker invoker)
    {
        ValidateName(method);
        lock (_requests)
        {
            ThrowIfFrozen();
            if (!_notifications.TryAdd(method, invoker))
            {
                throw new ArgumentException($"A notification handler for '{method}' is already registered.", nameof(method));
            }
        }

        return this;
    }

    private void ThrowIfFrozen()
    {
        if (_frozenRequests is not null)
        {
            throw new InvalidOperationException("The method table is in use by a connection and can no longer change.");
        }
    }

    private static void ValidateName(string method)
    {
        ArgumentException.ThrowIfNullOrEmpty(method);
        if (method == JsonRpcConnection.CancelRequestMethod)
        {
            throw new ArgumentException("$/cancelRequest is handled by the connection.", nameof(method));
        }
    }
}
