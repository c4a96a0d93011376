using System.Net;
using System.Net.Sockets;
using BackendSidecar.Core.Health;
using BackendSidecar.Testing;

namespace BackendSidecar.Core.Tests.Health;

public class TcpHealthProbeTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(5);

    [Theory]
    [InlineData("127.0.0.1")]
    [InlineData("localhost")]
    public async Task CheckAsync_PortListening_Ok(string host)
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        try
        {
            using var probe = new TcpHealthProbe(host, ((IPEndPoint)listener.LocalEndpoint).Port, Timeout);

            var result = await probe.CheckAsync(CancellationToken.None).AsTask().WaitAsync(TestTimeouts.Unexpected);

            Assert.True(result.Ok, result.Detail);
            Assert.Matches(@"^TCP connect in \d+ ms$", result.Detail);
        }
        finally
        {
            listener.Stop();
        }
    }

    [Fact]
    public async Task CheckAsync_NothingListening_ConnectionRefused()
    {
        using var port = new ClosedPort();
        using var probe = new TcpHealthProbe("127.0.0.1", port.Port, Timeout);

        var result = await probe.CheckAsync(CancellationToken.None).AsTask().WaitAsync(TestTimeouts.Unexpected);

        Assert.False(result.Ok);
        Assert.Equal("connection refused", result.Detail);
    }

    [Fact]
    public async Task CheckAsync_CallerAlreadyCancelled_Throws()
    {
        using var port = new ClosedPort();
        using var probe = new TcpHealthProbe("127.0.0.1", port.Port, Timeout);

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => probe.CheckAsync(new CancellationToken(true)).AsTask());
    }

    [Theory]
    [InlineData(0)]
    [InlineData(65536)]
    public void Constructor_PortOutOfRange_Throws(int port)
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new TcpHealthProbe("127.0.0.1", port, Timeout));
    }
}
