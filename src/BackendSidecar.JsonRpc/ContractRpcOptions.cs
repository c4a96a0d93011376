using BackendSidecar.JsonRpc.Framing;
using StreamJsonRpc;

namespace BackendSidecar.JsonRpc;

/// <summary>Limits and host hooks of a <see cref="ContractMessageHandler"/> and its <see cref="ContractJsonRpc"/>.</summary>
/// <remarks>
/// The gates run on the read loop in arrival order (keep them fast); the other hooks on any thread, possibly at once.
/// </remarks>
public sealed record ContractRpcOptions
{
    /// <summary>The framing to use; <see langword="null"/> picks it from the first byte of input.</summary>
    public FramingKind? Framing { get; init; }

    /// <summary>A message longer than this is refused with -32600 (id null) without being buffered, and skipped.</summary>
    public int MaxMessageBytes { get; init; } = 8 * 1024 * 1024;

    /// <summary>
    /// How many requests may run at once. When all are taken reading waits, so a flood back-pressures the input; a slot
    /// is freed when its answer is written.
    /// </summary>
    public int MaxConcurrentRequests { get; init; } = 64;

    /// <summary>
    /// Called with each request's method before it is dispatched: an exception answers the request instead (-32002
    /// before <c>initialize</c>, -32017 after <c>shutdown</c>); <see langword="null"/> lets it through.
    /// </summary>
    public Func<string, LocalRpcException?>? RequestGate { get; init; }

    /// <summary>Called with each notification's method; <see langword="false"/> drops it. <c>$/cancelRequest</c> always passes.</summary>
    public Func<string, bool>? NotificationGate { get; init; }

    /// <summary>Maps a handler's exception to an error object; <see langword="null"/> for -32603 "Internal error".</summary>
    public Func<Exception, LocalRpcException?>? ExceptionMapper { get; init; }

    /// <summary>Called with the method once a request's answer is written (not for batch members).</summary>
    public Action<string>? RequestCompleted { get; init; }

    /// <summary>Receives what is worth logging: refused input, handler failures.</summary>
    public Action<string, Exception?>? Diagnostics { get; init; }
}
