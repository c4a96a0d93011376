using System.IO.Pipes;

namespace BackendSidecar.Hosting;

/// <summary>
/// Windows: a named pipe that only this user can open (<see cref="PipeOptions.CurrentUserOnly"/> sets the pipe's ACL to the
/// current user and makes the client check the server's owner). Not run by the tests, which run on Linux.
/// </summary>
internal sealed class NamedPipeEndpoint(string name) : IEndpoint
{
    private const PipeOptions Options = PipeOptions.Asynchronous | PipeOptions.CurrentUserOnly;

    public string Address => @"\\.\pipe\" + name;

    public async Task<Stream?> TryConnectAsync(CancellationToken cancellationToken = default)
    {
        var pipe = new NamedPipeClientStream(".", name, PipeDirection.InOut, Options);
        try
        {
            await pipe.ConnectAsync(200, cancellationToken).ConfigureAwait(false);
            return pipe;
        }
        catch (TimeoutException)
        {
            await pipe.DisposeAsync().ConfigureAwait(false);
            return null;
        }
    }

    public IEndpointListener? TryListen()
    {
        // A pipe dies with its server: nothing stale is left behind, so a live one is the only reason to attach.
        using (var live = TryConnectAsync().GetAwaiter().GetResult())
            if (live is not null) return null;
        return new Listener(name);
    }

    private sealed class Listener(string name) : IEndpointListener
    {
        private NamedPipeServerStream? _waiting;

        public async Task<Stream> AcceptAsync(CancellationToken cancellationToken)
        {
            var pipe = new NamedPipeServerStream(name, PipeDirection.InOut, NamedPipeServerStream.MaxAllowedServerInstances,
                PipeTransmissionMode.Byte, Options);
            _waiting = pipe;
            await pipe.WaitForConnectionAsync(cancellationToken).ConfigureAwait(false);
            _waiting = null;
            return pipe;
        }

        public async ValueTask DisposeAsync()
        {
            if (_waiting is { } pipe) await pipe.DisposeAsync().ConfigureAwait(false);
        }
    }
}
