using System.IO.Pipelines;
using System.Text;
using BackendSidecar.JsonRpc.Framing;
using BackendSidecar.Testing;

namespace BackendSidecar.JsonRpc.Tests.Framing;

public class FramingDetectorTests
{
    [Theory]
    [InlineData("Content-Length: 2\r\n\r\n{}", FramingKind.Header)]
    [InlineData("  \r\n\tcontent-length: 2\r\n\r\n{}", FramingKind.Header)]
    [InlineData("{\"jsonrpc\":\"2.0\"}\n", FramingKind.Ndjson)]
    [InlineData("\n\n  [1]\n", FramingKind.Ndjson)]
    [InlineData("garbage\n", FramingKind.Ndjson)]
    public async Task DetectAsync_FirstNonWhitespaceByte_ChoosesFraming(string input, FramingKind expected)
    {
        var pipe = new Pipe();
        await pipe.Writer.WriteAsync(Encoding.UTF8.GetBytes(input));

        var kind = await FramingDetector.DetectAsync(pipe.Reader, CancellationToken.None).AsTask().WaitAsync(TestTimeouts.Unexpected);

        Assert.Equal(expected, kind);
    }

    [Fact]
    public async Task CreateAsync_DetectedHeader_DoesNotConsumeTheFirstMessage()
    {
        var input = new Pipe();
        var output = new Pipe();
        await input.Writer.WriteAsync("\r\nContent-Length: 2\r\n\r\n{}"u8.ToArray());

        await using var framing = await FramingDetector.CreateAsync(input.Reader, output.Writer).AsTask().WaitAsync(TestTimeouts.Unexpected);
        var frame = await framing.ReadAsync(CancellationToken.None);

        Assert.IsType<HeaderFraming>(framing);
        Assert.Equal("{}", Encoding.UTF8.GetString(frame!.Payload.Span));
    }

    [Fact]
    public async Task CreateAsync_Forced_IgnoresTheInput()
    {
        var input = new Pipe();
        await input.Writer.WriteAsync("Content-Length: 2\r\n\r\n{}"u8.ToArray());

        await using var framing = await FramingDetector.CreateAsync(input.Reader, new Pipe().Writer, FramingKind.Ndjson);

        Assert.Equal(FramingKind.Ndjson, framing.Kind);
    }

    [Fact]
    public async Task CreateAsync_InputEndsBeforeAnyByte_YieldsFramingAtEndOfStream()
    {
        var input = new Pipe();
        await input.Writer.WriteAsync("  \n"u8.ToArray());
        await input.Writer.CompleteAsync();

        Assert.Null(await FramingDetector.DetectAsync(input.Reader, CancellationToken.None));
        var input2 = new Pipe();
        await input2.Writer.CompleteAsync();
        await using var framing = await FramingDetector.CreateAsync(input2.Reader, new Pipe().Writer);
        Assert.Null(await framing.ReadAsync(CancellationToken.None));
    }
}
