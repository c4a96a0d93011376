using System.Collections.Concurrent;
using BackendSidecar.Core.Ports;
using BackendSidecar.Testing;

namespace BackendSidecar.Core.Tests.Supervision.Fakes;

internal sealed class FakePorts : IPortInspector
{
    private readonly ConcurrentDictionary<int, PortOwner> _heldByRealProcess = new();

    public ConcurrentDictionary<int, PortOwner> Listeners { get; } = new();

    /// <summary>The port is held by a real process for as long as that process lives (a leftover to reclaim).</summary>
    public void HeldWhileAlive(PortOwner owner) => _heldByRealProcess[owner.Port] = owner;

    public PortOwner? FindListener(int port) =>
        Listeners.TryGetValue(port, out var owner) ? owner
        : _heldByRealProcess.TryGetValue(port, out var real) && ProcessProbe.IsAlive(real.Pid!.Value) ? real
        : null;
}
