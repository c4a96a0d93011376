using System.Collections.Concurrent;
using BackendSidecar.Core.Ports;

namespace BackendSidecar.Core.Tests.Supervision.Fakes;

internal sealed class FakePorts : IPortInspector
{
    public ConcurrentDictionary<int, PortOwner> Listeners { get; } = new();

    public PortOwner? FindListener(int port) => Listeners.TryGetValue(port, out var owner) ? owner : null;
}
