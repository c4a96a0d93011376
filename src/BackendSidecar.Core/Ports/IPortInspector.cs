namespace BackendSidecar.Core.Ports;

/// <summary>Finds who listens on a local TCP port.</summary>
/// <remarks>Asynchronous because a platform may have to run a tool for it (lsof on macOS); one that reads the OS directly
/// (/proc, the TCP table) answers with a completed <see cref="ValueTask{TResult}"/>. Callers never look under the
/// supervisor's gate.</remarks>
public interface IPortInspector
{
    /// <summary>The listener on <paramref name="port"/> (any local address, IPv4 or IPv6), or <c>null</c> when the port is free.
    /// <see cref="PortOwner.Pid"/> is null when the socket is there but its process cannot be seen.</summary>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled.</exception>
    ValueTask<PortOwner?> FindListenerAsync(int port, CancellationToken cancellationToken = default);
}

public sealed record PortOwner(int Port, int? Pid, string? ProcessName);
