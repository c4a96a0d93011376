using System.IO.Pipelines;
using System.Text;
using BackendSidecar.JsonRpc.Framing;
using BackendSidecar.Testing;

namespace BackendSidecar.JsonRpc.Tests.Support;

/// <summary>A framing over in-memory pipes, for tests of the framing layer alone.</summary>
public sealed class FramingHarness : IAsyncDisposable
{
    public FramingHarness(FramingKind kind, MessageFramingOptions? options = null)
    {
        Input = new Pipe();
        Output = new Pipe();
        Framing = FramingDetector.Create(kind, Input.Reader, Output.Writer, options);
    }

    public Pipe Input { get; }

    public Pipe Output { get; }

    public IMessageFraming Framing { get; }

    public async Task WriteAsync(string text) => await Input.Writer.WriteAsync(Encoding.UTF8.GetBytes(text));

    public async Task WriteInPiecesAsync(string text, int pieceSize)
    {
        var bytes = Encoding.UTF8.GetBytes(text);
        for (var i = 0; i < bytes.Length; i += pieceSize)
        {
            await Input.Writer.WriteAsync(bytes.AsMemory(i, Math.Min(pieceSize, bytes.Length - i)));
        }
    }

    public async Task<InboundFrame?> ReadAsync()
    {
        using var cts = new CancellationTokenSource(TestTimeouts.Unexpected);
        return await Framing.ReadAsync(cts.Token);
    }

    public async Task<string> ReadMessageAsync()
    {
        var frame = await ReadAsync();
        Assert.NotNull(frame);
        Assert.Equal(FrameStatus.Message, frame.Status);
        return Encoding.UTF8.GetString(frame.Payload.Span);
    }

    public async ValueTask DisposeAsync()
    {
        await Input.Writer.CompleteAsync();
        await Framing.DisposeAsync();
    }
}
