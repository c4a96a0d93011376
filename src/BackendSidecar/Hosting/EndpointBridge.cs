using System.Net.Sockets;

namespace BackendSidecar.Hosting;

/// <summary>
/// <c>serve</c> for a configuration that already has a live sidecar: copies stdin to its endpoint and its answers to stdout,
/// byte for byte, so the host speaks to the live sidecar (with its own initialize and shutdown) and sees no difference.
/// </summary>
internal static class EndpointBridge
{
    /// <summary>A connection to the live sidecar for <paramref name="configPath"/>, or null (none, or one we must not use).</summary>
    public static async Task<Stream?> TryConnectAsync(string configPath)
    {
        try
        {
            return await Endpoint.For(configPath).TryConnectAsync().ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or SocketException)
        {
            await Console.Error.WriteLineAsync($"backend-sidecar: not attaching: {ex.Message}").ConfigureAwait(false);
            return null;
        }
    }

    /// <param name="stdin">The host's input, when part of it was already read (and kept) to learn where to attach.</param>
    public static async Task<int> RunAsync(Stream live, int? parentPid, Stream? stdin = null)
    {
        await using var connection = live.ConfigureAwait(false);
        stdin ??= Console.OpenStandardInput();
        var stdout = Console.OpenStandardOutput();
        var fromSidecar = CopyAsync(live, stdout);
        var toSidecar = Task.Run(async () =>
        {
            await CopyAsync(stdin, live).ConfigureAwait(false);
            // End of the host's input is end of input for the live sidecar too: it detaches this client.
            EndInput(live);
        });
        if (parentPid is { } parent)
            _ = Task.Run(async () =>
            {
                await ParentProcess.WaitForExitAsync(parent).ConfigureAwait(false);
                EndInput(live);
            });

        // The sidecar closes the connection after this client's exit or end of input: then we are done.
        await fromSidecar.ConfigureAwait(false);
        return 0;
    }

    private static void EndInput(Stream live)
    {
        try
        {
            if (live is NetworkStream network) network.Socket.Shutdown(SocketShutdown.Send);
            else live.Dispose();
        }
        catch (Exception ex) when (ex is SocketException or ObjectDisposedException)
        {
        }
    }

    private static async Task CopyAsync(Stream from, Stream to)
    {
        var buffer = new byte[64 * 1024];
        try
        {
            int n;
            while ((n = await from.ReadAsync(buffer).ConfigureAwait(false)) > 0)
            {
                await to.WriteAsync(buffer.AsMemory(0, n)).ConfigureAwait(false);
                await to.FlushAsync().ConfigureAwait(false);
            }
        }
        catch (Exception ex) when (ex is IOException or ObjectDisposedException or SocketException)
        {
            // Either side went away: the copy is over.
        }
    }
}
