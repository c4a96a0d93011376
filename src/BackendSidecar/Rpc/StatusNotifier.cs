using System.Threading.Channels;
using BackendSidecar.Core.Supervision;
using BackendSidecar.Rpc.Dtos;

namespace BackendSidecar.Rpc;

/// <summary>
/// Sends <c>statusChanged</c> for every transition, in order. The supervisor raises changes under its gate, so they are only
/// queued here and sent by one task; they are few (a few per restart), so the queue needs no bound.
/// </summary>
internal sealed class StatusNotifier : IAsyncDisposable
{
    private readonly Channel<StatusChangedParams> _queue = Channel.CreateUnbounded<StatusChangedParams>(new() { SingleReader = true });
    private readonly Func<StatusChangedParams, Task> _send;
    private readonly TaskCompletionSource _released = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly Task _pump;

    public StatusNotifier(Func<StatusChangedParams, Task> send)
    {
        _send = send;
        _pump = Task.Run(PumpAsync);
    }

    public void Enqueue(StatusChange change) => _queue.Writer.TryWrite(DtoMapper.StatusChanged(change));

    /// <summary>Notifications wait for this: the contract sends them only after <c>initialize</c> is answered.</summary>
    public void Release() => _released.TrySetResult();

    private async Task PumpAsync()
    {
        await _released.Task.ConfigureAwait(false);
        await foreach (var change in _queue.Reader.ReadAllAsync().ConfigureAwait(false))
            await _send(change).ConfigureAwait(false);
    }

    /// <summary>Sends what is queued, then stops.</summary>
    public async ValueTask DisposeAsync()
    {
        _queue.Writer.TryComplete();
        Release();
        await _pump.ConfigureAwait(false);
    }
}
