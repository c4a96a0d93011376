using BackendSidecar.JsonRpc.Messages;

namespace BackendSidecar.JsonRpc.Dispatch;

/// <summary>Settings and host hooks for a <see cref="JsonRpcConnection"/>.</summary>
/// <remarks>
/// The hooks are called from the connection's threads: <see cref="RequestGate"/> and
/// <see cref="NotificationGate"/> on the read loop, in message order (keep them fast and non-blocking);
/// <see cref="ExceptionMapper"/> and <see cref="Diagnostics"/> from any thread, possibly concurrently.
/// </remarks>
public sealed record JsonRpcConnectionOptions
{
    /// <summary>The default <see cref="MaxConcurrentRequests"/>.</summary>
    public const int DefaultMaxConcurrentRequests = 64;

    /// <summary>
    /// How many requests may run at once. When all slots are taken the read loop waits, so a flood of
    /// requests back-pressures the input instead of growing memory.
    /// </summary>
    /// <value>64 by default; at least 1.</value>
    public int MaxConcurrentRequests { get; init; } = DefaultMaxConcurrentRequests;

    /// <summary>
    /// Called with each request's method name before the method is looked up; return an exception to
    /// answer the request with its error instead of running it (for example -32002 before
    /// <c>initialize</c>, or -32017 after <c>shutdown</c>), or <see langword="null"/> to let it through.
    /// </summary>
    public Func<string, RpcException?>? RequestGate { get; init; }

    /// <summary>
    /// Called with each notification's method name; return <see langword="false"/> to drop it.
    /// <c>$/cancelRequest</c> is always honoured.
    /// </summary>
    public Func<string, bool>? NotificationGate { get; init; }

    /// <summary>
    /// Maps a handler exception that is not an <see cref="RpcException"/> to an error object; return
    /// <see langword="null"/> for the default -32603 "Internal error".
    /// </summary>
    public Func<Exception, JsonRpcError?>? ExceptionMapper { get; init; }

    /// <summary>Receives events worth logging (handler failures, ignored input, a closed output).</summary>
    public Action<JsonRpcDiagnostic>? Diagnostics { get; init; }

    /// <summary>
    /// Called with the method name once a request's reply has been written (single requests, not batch members): the
    /// moment a host may send what must follow the reply, as notifications after an <c>initialize</c> answer.
    /// </summary>
    /// <remarks>Runs on the thread pool; keep it short. Exceptions are reported through <see cref="Diagnostics"/>.</remarks>
    public Action<string>? RequestCompleted { get; init; }

    /// <summary>How long <see cref="JsonRpcConnection.DisposeAsync"/> waits for cancelled handlers to finish.</summary>
    /// <value>5 seconds by default.</value>
    public TimeSpan DisposeTimeout { get; init; } = TimeSpan.FromSeconds(5);

    internal void Validate()
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxConcurrentRequests, 1, nameof(MaxConcurrentRequests));
        ArgumentOutOfRangeException.ThrowIfLessThan(DisposeTimeout, TimeSpan.Zero, nameof(DisposeTimeout));
    }
}
