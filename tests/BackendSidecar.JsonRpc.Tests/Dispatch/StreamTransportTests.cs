using System.IO.Pipelines;
using System.Text;
using BackendSidecar.JsonRpc.Dispatch;
using BackendSidecar.JsonRpc.Framing;
using BackendSidecar.JsonRpc.Tests.Support;
using BackendSidecar.Testing;

namespace BackendSidecar.JsonRpc.Tests.Dispatch;

/// <summary>The connection over Stream-backed pipes, the way a host wires stdin and stdout.</summary>
public class StreamTransportTests
{
    [Theory]
    [InlineData(FramingKind.Header)]
    [InlineData(FramingKind.Ndjson)]
    public async Task StreamPipes_DetectedFraming_AnswersInTheSameFraming(FramingKind kind)
    {
        var input = new MemoryStream(
            [.. ConnectionHarness.Frame(kind, Json.Request(1, "ping")), .. ConnectionHarness.Frame(kind, Json.Request(2, "echo", "{\"backend\":\"b\"}"))]);
        var output = new MemoryStream();
        var reader = PipeReader.Create(input);
        var framing = await FramingDetector.CreateAsync(reader, PipeWriter.Create(output, new StreamPipeWriterOptions(leaveOpen: true)));
        var connection = new JsonRpcConnection(framing, TestMethods.Create());

        Assert.Equal(DisconnectReason.EndOfStream, await connection.RunAsync().WaitAsync(TestTimeouts.Unexpected));
        await connection.DrainAsync().WaitAsync(TestTimeouts.Unexpected);
        await connection.DisposeAsync();

        var text = Encoding.UTF8.GetString(output.ToArray());
        var expected = kind == FramingKind.Header ? "Content-Length: " : "{\"jsonrpc\"";
        Assert.StartsWith(expected, text);
        Assert.Contains("\"id\":1,\"result\":\"pong\"", text);
        Assert.Contains("\"id\":2,\"result\":{\"backend\":\"b\"", text);
    }

    [Fact]
    public async Task StopReading_InputStreamIgnoresCancellation_RunStillReturnsAndDisposeCompletes()
    {
        var connection = new JsonRpcConnection(
            new NewlineFraming(PipeReader.Create(new NeverEndingStream()), new Pipe().Writer), TestMethods.Create());
        var run = connection.RunAsync();

        connection.StopReading();

        Assert.Equal(DisconnectReason.Stopped, await run.WaitAsync(TestTimeouts.Unexpected));
        await connection.DisposeAsync().AsTask().WaitAsync(TestTimeouts.Unexpected);
    }

    /// <summary>A read that never completes and ignores its token, like a console stream.</summary>
    private sealed class NeverEndingStream : Stream
    {
        private readonly TaskCompletionSource<int> _never = new();

        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => false;

        public override long Length => throw new NotSupportedException();

        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

        public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) => new(_never.Task);

        public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) => _never.Task;

        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        public override void Flush()
        {
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
