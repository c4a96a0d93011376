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
    // An entry is a change to send, or a flush marker completed once everything queued before it is sent.
    private readonly Channel<(StatusChangedParams? Change, TaskCompletionSource? Sent)> _queue =
        Channel.CreateUnbounded<(StatusChangedParams?, TaskCompletionSource?)>(new() { SingleReader = true });
    private readonly Func<StatusChangedParams, Task> _send;
    private readonly TaskCompletionSource _released = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly Task _pump;

    public StatusNotifier(Func<StatusChangedParams, Task> send)
    {
        _send = send;
        _pump = Task.Run(PumpAsync);
    }

    public void Enqueue(StatusChange change) => _queue.Writer.TryWrite((DtoMapper.StatusChanged(change), null));

    /// <summary>Notifications wait for this: the contract sends them only after <c>initialize</c> is answered.</summary>
    public void Release() => _released.TrySetResult();

    /// <summary>
    /// Completes once every change queued so far has been written. <c>start</c>, <c>stop</c> and <c>restart</c> await it
    /// before answering, so a client sees the <c>statusChanged</c> to <c>running</c> before the answer that says
    /// <c>running</c> (without it the answer could overtake the notification, and a host that drives its UI from
    /// notifications would show "starting" after <c>start</c> resolved).
    /// </summary>
    public Task FlushAsync()
    {
        // Before the initialize answer nothing may be sent, so there is nothing to wait for (a shutdown that end of input
        // starts during initialize must not wait for an answer that may never be written).
        if (!_released.Task.IsCompleted) return Task.CompletedTask;
        var sent = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        return _queue.Writer.TryWrite((null, sent)) ? sent.Task : Task.CompletedTask;
    }

    private async Task PumpAsync()
    {
        await _released.Task.ConfigureAwait(false);
        await foreach (var (change, sent) in _queue.Reader.ReadAllAsync().ConfigureAwait(false))
        {
            if (change is not null) await _send(change).ConfigureAwait(false);
            sent?.TrySetResult();
        }
    }

    /// <summary>Sends what is queued, then stops.</summary>
    public async ValueTask DisposeAsync()
    {
        _queue.Writer.TryComplete();
        Release();
        await _pump.ConfigureAwait(false);
    }
}
