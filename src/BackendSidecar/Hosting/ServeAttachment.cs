using BackendSidecar.Cli;
using BackendSidecar.Rpc;
using Microsoft.Extensions.Logging;

namespace BackendSidecar.Hosting;

/// <summary>
/// <c>serve</c>'s attach endpoint: opened once the stdio host's <c>initialize</c> has loaded a configuration file (an inline
/// configuration has no path to name an endpoint from), so that other clients share its backends.
/// </summary>
internal sealed class ServeAttachment(CommandLine options, ILoggerFactory loggerFactory) : IAsyncDisposable
{
    private readonly TaskCompletionSource _ended = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private SharedSupervisor? _share;
    private EndpointServer? _server;

    /// <summary>Completes when an attached client stopped the sidecar (<c>shutdown</c> with <c>stopBackends</c>, or its last
    /// detach after the host left).</summary>
    public Task Ended => _ended.Task;

    public void Open(SidecarSession host)
    {
        if (_share is not null || host.OwnSupervisor is not { Config.SourcePath: { } path } supervisor) return;
        var share = new SharedSupervisor(supervisor, path, endsWithLastSession: true);
        host.Share(share);
        _share = share;
        // The host's own shutdown ends the share too; only another client's explicit stop must end the host's session.
        _ = share.Ended.ContinueWith(_ =>
        {
            if (!ReferenceEquals(share.EndedBy, host)) _ended.TrySetResult();
        }, TaskScheduler.Default);
        _server = EndpointServer.TryStart(share, options, loggerFactory);
    }

    /// <summary>Once the stdio host has left: waits for the last attached client to leave, then closes the endpoint.</summary>
    public async ValueTask DisposeAsync()
    {
        if (_share is { } share && _server is not null && !share.Ended.IsCompleted && share.Sessions > 0)
        {
            loggerFactory.CreateLogger("BackendSidecar.Serve").LogInformation(
                "the host left; serving the {Count} attached client(s) until the last one leaves", share.Sessions);
            await share.Ended.ConfigureAwait(false);
        }
        if (_server is { } server)
        {
            await server.DrainAsync(TimeSpan.FromSeconds(2)).ConfigureAwait(false);
            await server.DisposeAsync().ConfigureAwait(false);
        }
    }
}
