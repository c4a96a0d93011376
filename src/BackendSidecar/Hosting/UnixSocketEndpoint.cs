using System.Net.Sockets;

namespace BackendSidecar.Hosting;

/// <summary>
/// A Unix domain socket, mode 0600, in a folder of this user's (0700). Both are checked to belong to this user before
/// anything connects or binds: a socket planted by someone else would see every request, secrets in <c>start</c>'s
/// <c>secretEnv</c> included.
/// </summary>
/// <param name="ownerOf">The owner uid of a path (not following a symlink); a parameter so tests can play another user.</param>
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
internal sealed class UnixSocketEndpoint(string path, uint uid, Func<string, uint?> ownerOf) : IEndpoint
{
    private const UnixFileMode OwnerOnly = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;

    public string Address => path;

    public async Task<Stream?> TryConnectAsync(CancellationToken cancellationToken = default)
    {
        var folder = Path.GetDirectoryName(path)!;
        if (!Directory.Exists(folder) || !File.Exists(path)) return null;
        CheckOwner(folder);
        CheckOwner(path);
        var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        try
        {
            await socket.ConnectAsync(new UnixDomainSocketEndPoint(path), cancellationToken).ConfigureAwait(false);
            return new NetworkStream(socket, ownsSocket: true);
        }
        catch (SocketException ex) when (ex.SocketErrorCode is SocketError.ConnectionRefused or SocketError.AddressNotAvailable)
        {
            // Nobody accepts: the sidecar that made it was killed before it could remove it.
            socket.Dispose();
            return null;
        }
    }

    public IEndpointListener? TryListen()
    {
        var folder = Path.GetDirectoryName(path)!;
        Directory.CreateDirectory(folder, OwnerOnly);
        CheckOwner(folder);
        if ((File.GetUnixFileMode(folder) & ~OwnerOnly) != 0) File.SetUnixFileMode(folder, OwnerOnly);

        if (File.Exists(path) || ownerOf(path) is not null)
        {
            CheckOwner(path);
            using (var live = TryConnectAsync().GetAwaiter().GetResult())
                if (live is not null) return null;
            File.Delete(path);
        }

        var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        try
        {
            socket.Bind(new UnixDomainSocketEndPoint(path));
            File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite);
            socket.Listen(16);
            return new Listener(socket, path);
        }
        catch (SocketException ex) when (ex.SocketErrorCode == SocketError.AddressAlreadyInUse)
        {
            // Another sidecar for the same configuration bound it between our check and our bind: it is the live one.
            socket.Dispose();
            return null;
        }
    }

    private void CheckOwner(string target)
    {
        if (ownerOf(target) is { } owner && owner != uid)
            throw new IOException(
                $"'{target}' belongs to uid {owner}, not to this user (uid {uid}); refusing to use it as the sidecar's endpoint " +
                "(remove it, or set XDG_RUNTIME_DIR to a folder of your own)");
    }

    private sealed class Listener(Socket socket, string path) : IEndpointListener
    {
        public async Task<Stream> AcceptAsync(CancellationToken cancellationToken)
        {
            var client = await socket.AcceptAsync(cancellationToken).ConfigureAwait(false);
            return new NetworkStream(client, ownsSocket: true);
        }

        public ValueTask DisposeAsync()
        {
            socket.Dispose();
            try
            {
                File.Delete(path);
            }
            catch (IOException)
            {
                // A later sidecar replaces a leftover socket anyway.
            }
            return ValueTask.CompletedTask;
        }
    }
}
