using System.IO.Pipelines;
using BackendSidecar.Cli;
using BackendSidecar.Commands;
using BackendSidecar.Rpc;
using Microsoft.Extensions.Logging;

namespace BackendSidecar.Hosting;

/// <summary>
/// Serves the protocol on the attach endpoint: one <see cref="SidecarSession"/> per connection, all on one
/// <see cref="SharedSupervisor"/>, each with the framing its first byte shows (as on stdio).
/// </summary>
internal sealed class EndpointServer : IAsyncDisposable
{
    private readonly IEndpointListener _listener;
    private readonly SharedSupervisor _share;
    private readonly CommandLine _options;
    private readonly ILoggerFactory _loggerFactory;
    private readonly ILogger _logger;
    private readonly CancellationTokenSource _stop = new();
    private readonly List<(Task Served, Stream Stream)> _connections = [];
    private readonly Task _accepting;

    private EndpointServer(IEndpointListener listener, SharedSupervisor share, CommandLine options, ILoggerFactory loggerFactory)
    {
        _listener = listener;
        _share = share;
        _options = options with { Framing = FramingOption.Auto, ParentPid = null };
        _loggerFactory = loggerFactory;
        _logger = loggerFactory.CreateLogger("BackendSidecar.Endpoint");
        _accepting = Task.Run(AcceptLoopAsync);
    }

    /// <summary>Listens for <paramref name="share"/>'s configuration; null (said on stderr) when that cannot be done.</summary>
    public static EndpointServer? TryStart(SharedSupervisor share, CommandLine options, ILoggerFactory loggerFactory)
    {
        var logger = loggerFactory.CreateLogger("BackendSidecar.Endpoint");
        var endpoint = Endpoint.For(share.ConfigPath);
        try
        {
            if (endpoint.TryListen() is not { } listener)
            {
                logger.LogWarning("another sidecar already serves {Config} at {Address}: this one cannot be attached to", share.ConfigPath, endpoint.Address);
                return null;
            }
            logger.LogInformation("clients can attach at {Address}", endpoint.Address);
            return new EndpointServer(listener, share, options, loggerFactory);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or System.Net.Sockets.SocketException)
        {
            logger.LogWarning("no attach endpoint: {Message}", ex.Message);
            return null;
        }
    }

    private async Task AcceptLoopAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            Stream stream;
            try
            {
                stream = await _listener.AcceptAsync(_stop.Token).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is OperationCanceledException or ObjectDisposedException)
            {
                return;
            }
            catch (Exception ex) when (ex is IOException or System.Net.Sockets.SocketException)
            {
                _logger.LogWarning("accepting a client failed: {Message}", ex.Message);
                continue;
            }

            var served = ServeAsync(stream);
            lock (_connections) _connections.Add((served, stream));
            // Clients come and go all day (every CLI command is one): forget the ended ones.
            _ = served.ContinueWith(ended =>
            {
                lock (_connections) _connections.RemoveAll(c => c.Served == ended);
            }, TaskScheduler.Default);
        }
    }

    private async Task ServeAsync(Stream stream)
    {
        await using var _ = stream.ConfigureAwait(false);
        await using var session = new SidecarSession(_options, _loggerFactory, _share);
        try
        {
            await ServeCommand.ServeAsync(_options, session, PipeReader.Create(stream), PipeWriter.Create(stream), _logger).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is IOException or ObjectDisposedException or OperationCanceledException)
        {
            _logger.LogDebug("a client's connection ended: {Message}", ex.Message);
        }
    }

    /// <summary>Waits (at most <paramref name="grace"/>) for the open connections to end by themselves: the last client's
    /// shutdown answer and its exit are still on their way when the backends have stopped.</summary>
    public async Task DrainAsync(TimeSpan grace)
    {
        Task[] open;
        lock (_connections) open = [.. _connections.Select(c => c.Served)];
        await Task.WhenAll(open).WaitAsync(grace).ContinueWith(_ => { }, TaskScheduler.Default).ConfigureAwait(false);
    }

    /// <summary>Stops listening (the socket file goes) and closes the connections still open.</summary>
    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync().ConfigureAwait(false);
        await _listener.DisposeAsync().ConfigureAwait(false);
        await _accepting.ConfigureAwait(false);
        (Task Served, Stream Stream)[] open;
        lock (_connections) open = [.. _connections];
        foreach (var (_, stream) in open) stream.Dispose();
        await Task.WhenAll(open.Select(c => c.Served)).WaitAsync(TimeSpan.FromSeconds(5)).ContinueWith(_ => { }, TaskScheduler.Default).ConfigureAwait(false);
        _stop.Dispose();
    }
}
