using BackendSidecar.JsonRpc.Framing;
using BackendSidecar.JsonRpc.Messages;

namespace BackendSidecar.JsonRpc.Dispatch;

/// <summary>
/// Serves a <see cref="MethodTable"/> over an <see cref="IMessageFraming"/>: reads messages one at a time,
/// runs each request concurrently (up to <see cref="JsonRpcConnectionOptions.MaxConcurrentRequests"/>),
/// answers every request exactly once, and never answers a notification.
/// </summary>
/// <remarks>
/// <para>
/// Overview. One read loop (<see cref="RunAsync"/>) parses each frame and, in arrival order: answers
/// malformed input (-32700 with id null, then goes on), applies the request gate, looks the method up,
/// registers the request for <c>$/cancelRequest</c>, waits for a free slot and starts the handler on the
/// thread pool. A slow handler therefore never blocks a fast one, and when every slot is busy the loop
/// stops reading, which back-pressures the peer. Notification handlers run on the loop itself, in order.
/// </para>
/// <para>
/// Threading. <see cref="NotifyAsync(string, CancellationToken)"/> and its overloads,
/// <see cref="StopReading"/>, <see cref="DrainAsync"/> and <see cref="DisposeAsync"/> are safe from any
/// thread. All output goes through the framing, which serialises whole messages, so replies and
/// notifications never interleave. Nothing a peer sends makes <see cref="RunAsync"/> throw.
/// </para>
/// <para>
/// Shutdown. <see cref="RunAsync"/> returns as soon as reading ends, without waiting for running handlers.
/// To finish gracefully: <see cref="StopReading"/> (if input has not ended), <see cref="DrainAsync"/> to
/// let handlers answer, then <see cref="DisposeAsync"/>, which cancels what is left and completes the output.
/// </para>
/// </remarks>
public sealed partial class JsonRpcConnection : IAsyncDisposable
{
    /// <summary>The LSP notification that cancels a pending request: <c>{"id": number | string}</c>.</summary>
    public const string CancelRequestMethod = "$/cancelRequest";

    private readonly IMessageFraming _framing;
    private readonly MethodTable _methods;
    private readonly JsonRpcConnectionOptions _options;
    private readonly SemaphoreSlim _slots;
    private readonly InboundCancellation _pending = new();
    private readonly InFlightTracker _inFlight = new();
    private readonly CancellationTokenSource _stopReading = new();
    private readonly CancellationTokenSource _disposing = new();
    private Task<DisconnectReason>? _run;
    private int _disposed;

    /// <summary>Creates a connection; call <see cref="RunAsync"/> to start serving.</summary>
    /// <param name="framing">The transport; the connection owns it and disposes it.</param>
    /// <param name="methods">The methods served; frozen from now on.</param>
    /// <param name="options">Limits and host hooks; defaults when null.</param>
    public JsonRpcConnection(IMessageFraming framing, MethodTable methods, JsonRpcConnectionOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(framing);
        ArgumentNullException.ThrowIfNull(methods);
        _options = options ?? new JsonRpcConnectionOptions();
        _options.Validate();
        _framing = framing;
        _methods = methods;
        _methods.Freeze();
        _slots = new SemaphoreSlim(_options.MaxConcurrentRequests, _options.MaxConcurrentRequests);
    }

    /// <summary>The framing in use; replies and notifications use it too.</summary>
    public FramingKind Framing => _framing.Kind;

    /// <summary><see langword="true"/> once a write has failed because the output closed; later output is dropped.</summary>
    public bool IsOutputClosed => Volatile.Read(ref _outputClosed);

    /// <summary>Requests, batches and outgoing writes currently in progress.</summary>
    internal int InFlightCount => _inFlight.Count;

    /// <summary>The most requests that ever ran at once.</summary>
    internal int PeakConcurrentRequests => Volatile.Read(ref _peakRequests);

    /// <summary>
    /// Reads and dispatches messages until the input ends, the framing breaks, <see cref="StopReading"/> is
    /// called or <paramref name="cancellationToken"/> fires, and says which.
    /// </summary>
    /// <remarks>Call once. Handlers still running when it returns keep running; see <see cref="DrainAsync"/>.</remarks>
    /// <exception cref="InvalidOperationException">It was already called.</exception>
    public Task<DisconnectReason> RunAsync(CancellationToken cancellationToken = default)
    {
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
        var run = new Task<Task<DisconnectReason>>(() => ReadLoopAsync(cancellationToken));
        if (Interlocked.CompareExchange(ref _run, run.Unwrap(), null) is not null)
        {
            throw new InvalidOperationException("RunAsync can be called only once.");
        }

        run.Start(TaskScheduler.Default);
        return _run;
    }

    /// <summary>
    /// Stops reading input (for example after the <c>exit</c> notification); <see cref="RunAsync"/> then
    /// returns <see cref="DisconnectReason.Stopped"/>. Running handlers and output are not affected.
    /// </summary>
    /// <remarks>Safe from any thread, including from a handler; idempotent.</remarks>
    public void StopReading()
    {
        try
        {
            // Synchronous, so a handler on the read loop (say, for "exit") stops it before the next read.
            _stopReading.Cancel();
        }
        catch (ObjectDisposedException)
        {
            // Already disposed: nothing is reading.
        }
    }

    /// <summary>
    /// Completes when every running request has been answered and every pending write (reply or
    /// notification) has been written, or when <paramref name="cancellationToken"/> fires.
    /// </summary>
    /// <remarks>New requests may still arrive while reading goes on; call <see cref="StopReading"/> first for a final drain.</remarks>
    public Task DrainAsync(CancellationToken cancellationToken = default) => _inFlight.WhenIdleAsync(cancellationToken);

    /// <summary>
    /// Stops reading, cancels the tokens of running handlers, waits up to
    /// <see cref="JsonRpcConnectionOptions.DisposeTimeout"/> for them to answer, then disposes the framing
    /// (completing input and output).
    /// </summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        StopReading();
        if (_run is not null)
        {
            await _run.ConfigureAwait(false);
        }

        await _disposing.CancelAsync().ConfigureAwait(false);
        try
        {
            await _inFlight.WhenIdleAsync(CancellationToken.None).WaitAsync(_options.DisposeTimeout).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            Report(JsonRpcDiagnosticKind.HandlerFailed, "Handlers did not finish within the dispose timeout; their replies are dropped.");
        }

        Volatile.Write(ref _outputClosed, true);
        try
        {
            await _framing.DisposeAsync().ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            Report(JsonRpcDiagnosticKind.OutputClosed, "Closing the transport failed: " + ex.Message, ex);
        }
    }

    private async Task<DisconnectReason> ReadLoopAsync(CancellationToken cancellationToken)
    {
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, _stopReading.Token);
        var token = linked.Token;
        try
        {
            while (true)
            {
                token.ThrowIfCancellationRequested();

                // Raced against the token because some streams (a console's stdin) ignore cancellation:
                // stopping must not wait for input that may never come.
                var reading = _framing.ReadAsync(token);
                var frame = reading.IsCompleted
                    ? reading.Result
                    : await reading.AsTask().WaitAsync(token).ConfigureAwait(false);
                if (frame is null)
                {
                    return DisconnectReason.EndOfStream;
                }

                switch (frame.Status)
                {
                    case FrameStatus.Message:
                        await DispatchPayloadAsync(frame.Payload, token).ConfigureAwait(false);
                        break;
                    case FrameStatus.TooLarge:
                        Report(JsonRpcDiagnosticKind.InvalidInput, frame.Error!);
                        await ReplyErrorAsync(null, JsonRpcErrorCodes.InvalidRequest, "Invalid request: " + frame.Error).ConfigureAwait(false);
                        break;
                    case FrameStatus.Truncated:
                        Report(JsonRpcDiagnosticKind.InvalidInput, frame.Error!);
                        await ReplyErrorAsync(null, JsonRpcErrorCodes.ParseError, "Parse error: " + frame.Error).ConfigureAwait(false);
                        return DisconnectReason.TruncatedMessage;
                    default:
                        Report(JsonRpcDiagnosticKind.InvalidInput, frame.Error!);
                        await ReplyErrorAsync(null, JsonRpcErrorCodes.ParseError, "Parse error: " + frame.Error).ConfigureAwait(false);
                        return DisconnectReason.ProtocolViolation;
                }
            }
        }
        catch (OperationCanceledException) when (token.IsCancellationRequested)
        {
            return _stopReading.IsCancellationRequested ? DisconnectReason.Stopped : DisconnectReason.Cancelled;
        }
        catch (Exception ex)
        {
            // An I/O error, or a framing bug: either way reading cannot go on, and the host must not crash.
            Report(JsonRpcDiagnosticKind.ReadFailed, "Reading the input failed: " + ex.Message, ex);
            return DisconnectReason.StreamError;
        }
    }

    private void Report(JsonRpcDiagnosticKind kind, string message, Exception? exception = null)
    {
        var sink = _options.Diagnostics;
        if (sink is null)
        {
            return;
        }

        try
        {
            sink(new JsonRpcDiagnostic(kind, message, exception));
        }
        catch (Exception)
        {
            // A logging hook must never take the connection down.
        }
    }
}
