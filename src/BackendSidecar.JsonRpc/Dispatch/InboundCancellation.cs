using System.Collections.Concurrent;
using BackendSidecar.JsonRpc.Messages;

namespace BackendSidecar.JsonRpc.Dispatch;

/// <summary>
/// The pending requests by id, each with the token source that <c>$/cancelRequest</c> cancels.
/// </summary>
/// <remarks>Thread-safe: registered on the read loop, completed by handler tasks, cancelled from the read loop.</remarks>
internal sealed class InboundCancellation
{
    private readonly ConcurrentDictionary<RequestId, CancellationTokenSource> _pending = new();

    /// <summary>Registers a request; <see langword="null"/> when a request with that id is still pending.</summary>
    public CancellationTokenSource? TryRegister(RequestId id, CancellationToken connectionToken)
    {
        var source = CancellationTokenSource.CreateLinkedTokenSource(connectionToken);
        if (_pending.TryAdd(id, source))
        {
            return source;
        }

        source.Dispose();
        return null;
    }

    /// <summary>Requests cancellation of a pending request; false when none has that id.</summary>
    public bool Cancel(RequestId id)
    {
        if (!_pending.TryGetValue(id, out var source))
        {
            return false;
        }

        try
        {
            // Callbacks run off the read loop, so a slow or throwing callback cannot stall reading.
            _ = source.CancelAsync();
            return true;
        }
        catch (ObjectDisposedException)
        {
            return false; // it completed meanwhile
        }
    }

    /// <summary>Forgets a request once its handler has finished.</summary>
    public void Complete(RequestId id, CancellationTokenSource source)
    {
        _pending.TryRemove(new KeyValuePair<RequestId, CancellationTokenSource>(id, source));
        source.Dispose();
    }
}
