using System.Net.Sockets;
using BackendSidecar.Hosting;
using BackendSidecar.Tests.Support;

namespace BackendSidecar.Tests.Attach;

/// <summary>The endpoint's ownership checks, with the owner of a path injected to play another user.</summary>
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public sealed class UnixSocketEndpointTests
{
    private const uint Me = 1000, Mallory = 1001;

    [Fact]
    public async Task ASocketOfAnotherUser_IsRefused_ForConnectAndForListen()
    {
        using var work = new TestWorkspace();
        var path = Path.Combine(work.Path, "backend-sidecar", "abc.sock");
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        using (var planted = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified))
        {
            planted.Bind(new UnixDomainSocketEndPoint(path));
            planted.Listen();
            var endpoint = new UnixSocketEndpoint(path, Me, p => p == path ? Mallory : Me);

            var connect = await Assert.ThrowsAsync<IOException>(() => endpoint.TryConnectAsync());
            Assert.Contains("uid 1001", connect.Message, StringComparison.Ordinal);
            var listen = Assert.Throws<IOException>(() => endpoint.TryListen());
            Assert.Contains("not to this user", listen.Message, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void AFolderOfAnotherUser_IsRefused()
    {
        using var work = new TestWorkspace();
        var folder = Path.Combine(work.Path, "backend-sidecar");
        var endpoint = new UnixSocketEndpoint(Path.Combine(folder, "abc.sock"), Me, p => p == folder ? Mallory : Me);

        Assert.Throws<IOException>(() => endpoint.TryListen());
    }

    [Fact]
    public async Task ListeningMakesTheSocket0600_InA0700Folder_AndAStaleOneIsReplaced()
    {
        using var work = new TestWorkspace();
        var path = Path.Combine(work.Path, "backend-sidecar", "abc.sock");
        var endpoint = new UnixSocketEndpoint(path, Me, _ => Me);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        using (var stale = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified))
            stale.Bind(new UnixDomainSocketEndPoint(path)); // bound, never listening, file left behind: as after SIGKILL
        Assert.Null(await endpoint.TryConnectAsync());

        await using var listener = endpoint.TryListen();

        Assert.NotNull(listener);
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(path));
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute, File.GetUnixFileMode(Path.GetDirectoryName(path)!));
        await using var client = await endpoint.TryConnectAsync();
        Assert.NotNull(client);
        Assert.Null(endpoint.TryListen()); // a live one: attach, do not replace
    }
}
