using System.Runtime.Versioning;
using BackendSidecar.Core.Ports;

namespace BackendSidecar.Core.Platform.Windows;

/// <summary>Finds the listener on a TCP port from the system's TCP table (GetExtendedTcpTable), with the owner's image name.</summary>
[SupportedOSPlatform("windows")]
public sealed class WindowsPortInspector : IPortInspector
{
    /// <inheritdoc/>
    /// <remarks>From the TCP table at once: the task is always completed.</remarks>
    public ValueTask<PortOwner?> FindListenerAsync(int port, CancellationToken cancellationToken = default) => new(FindListener(port));

    private static PortOwner? FindListener(int port)
    {
        if (TcpTable.FindListenerPid(port) is not { } pid) return null;
        // PID 0 (System Idle) and 4 (System) own kernel listeners such as http.sys: there is no process to show.
        return pid is 0 or 4 ? new PortOwner(port, null, null) : new PortOwner(port, pid, WindowsProcessTable.TryGetName(pid));
    }
}
