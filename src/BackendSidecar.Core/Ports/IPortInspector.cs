namespace BackendSidecar.Core.Ports;

/// <summary>Finds who listens on a local TCP port.</summary>
public interface IPortInspector
{
    /// <summary>The listener on <paramref name="port"/> (any local address, IPv4 or IPv6), or <c>null</c> when the port is free.
    /// <see cref="PortOwner.Pid"/> is null when the socket is there but its process cannot be seen.</summary>
    PortOwner? FindListener(int port);
}

public sealed record PortOwner(int Port, int? Pid, string? ProcessName);
