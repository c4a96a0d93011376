using BackendSidecar.Core.State;

namespace BackendSidecar.Hosting;

/// <summary>
/// The attach endpoint of the sidecar serving one configuration: the one seam between the platforms (a Unix domain socket
/// here, a named pipe on Windows). Everything above it sees streams.
/// </summary>
internal interface IEndpoint
{
    /// <summary>What a person can look for: the socket's path or the pipe's name.</summary>
    string Address { get; }

    /// <summary>A connection to the live sidecar, or null when none listens (no socket, or a stale one left by a killed sidecar).</summary>
    /// <exception cref="IOException">The endpoint belongs to another user.</exception>
    Task<Stream?> TryConnectAsync(CancellationToken cancellationToken = default);

    /// <summary>Starts listening, replacing a stale socket; null when a live sidecar already listens there.</summary>
    /// <exception cref="IOException">The endpoint or its folder belongs to another user.</exception>
    IEndpointListener? TryListen();
}

internal interface IEndpointListener : IAsyncDisposable
{
    /// <summary>The next client's connection; throws <see cref="OperationCanceledException"/> once stopped.</summary>
    Task<Stream> AcceptAsync(CancellationToken cancellationToken);
}

internal static class Endpoint
{
    /// <summary>The endpoint for the configuration file at <paramref name="configPath"/> (named from a hash of its full path).</summary>
    public static IEndpoint For(string configPath)
    {
        var key = SidecarFolders.ConfigKey(Path.GetFullPath(configPath));
        return OperatingSystem.IsWindows()
            ? new NamedPipeEndpoint($"backend-sidecar-{key}")
            : new UnixSocketEndpoint(Path.Combine(SidecarFolders.EndpointFolder(), key + ".sock"), SidecarFolders.CurrentUid, SidecarFolders.OwnerUid);
    }
}
