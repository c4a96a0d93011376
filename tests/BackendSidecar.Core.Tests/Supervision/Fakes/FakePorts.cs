using System.Collections.Concurrent;
using System.Threading.Channels;
using BackendSidecar.Core.Ports;
using BackendSidecar.Testing;

namespace BackendSidecar.Core.Tests.Supervision.Fakes;

internal sealed class FakePorts : IPortInspector
{
    private readonly ConcurrentDictionary<int, PortOwner> _heldByRealProcess = new();

    public ConcurrentDictionary<int, PortOwner> Listeners { get; } = new();

    /// <summary>The port is held by a real process for as long as that process lives (a leftover to reclaim).</summary>
    public void HeldWhileAlive(PortOwner owner) => _heldByRealProcess[owner.Port] = owner;

    /// <summary>Set: every look-up waits for it, whatever its token says (a slow lsof that ends in its own time).</summary>
    public TaskCompletionSource? Gate { get; set; }

    /// <summary>Completes with the port of each look-up as it begins.</summary>
    public Channel<int> LookUps { get; } = Channel.CreateUnbounded<int>();

    public async ValueTask<PortOwner?> FindListenerAsync(int port, CancellationToken cancellationToken = default)
    {
        LookUps.Writer.TryWrite(port);
        if (Gate is { } gate) await gate.Task;
        return Listeners.TryGetValue(port, out var owner) ? owner
            : _heldByRealProcess.TryGetValue(port, out var real) && ProcessProbe.IsAlive(real.Pid!.Value) ? real
            : null;
    }
}
