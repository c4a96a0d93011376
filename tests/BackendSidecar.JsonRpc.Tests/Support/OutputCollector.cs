using System.Buffers;
using System.IO.Pipelines;
using System.Text;
using System.Text.Json;
using System.Threading.Channels;
using BackendSidecar.JsonRpc.Framing;
using BackendSidecar.Testing;

namespace BackendSidecar.JsonRpc.Tests.Support;

/// <summary>
/// Drains a connection's output pipe on a background task, checking the framing strictly (header blocks
/// exactly "Content-Length: N\r\n\r\n"; in NDJSON one line per message and nothing else), and queues
/// each message's JSON text.
/// </summary>
public sealed class OutputCollector
{
    private readonly Channel<string> _messages = Channel.CreateUnbounded<string>();
    private readonly Task _pump;

    public OutputCollector(PipeReader output, FramingKind kind)
    {
        _pump = Task.Run(() => PumpAsync(output, kind));
    }

    /// <summary>Framing violations seen on the output (must stay empty).</summary>
    public List<string> Violations { get; } = [];

    /// <summary>Completes when the output pipe has been completed and drained.</summary>
    public Task Completion => _pump;

    public async Task<JsonElement> ReadAsync(TimeSpan? timeout = null)
    {
        using var cts = new CancellationTokenSource(timeout ?? TestTimeouts.Unexpected);
        var text = await _messages.Reader.ReadAsync(cts.Token);
        return JsonDocument.Parse(text).RootElement;
    }

    public async Task<List<JsonElement>> ReadManyAsync(int count)
    {
        var list = new List<JsonElement>(count);
        for (var i = 0; i < count; i++)
        {
            list.Add(await ReadAsync());
        }

        return list;
    }

    /// <summary>True when nothing arrives within <paramref name="wait"/> (TestTimeouts.Expected by default).</summary>
    public async Task<bool> NothingWithinAsync(TimeSpan? wait = null)
    {
        using var cts = new CancellationTokenSource(wait ?? TestTimeouts.Expected);
        try
        {
            await _messages.Reader.WaitToReadAsync(cts.Token);
            return false;
        }
        catch (OperationCanceledException)
        {
            return true;
        }
    }

    /// <summary>Every message after the output completed.</summary>
    public async Task<List<string>> ReadToEndAsync()
    {
        await _pump.WaitAsync(TestTimeouts.Unexpected);
        var list = new List<string>();
        while (_messages.Reader.TryRead(out var text))
        {
            list.Add(text);
        }

        return list;
    }

    public bool TryReadNow(out string text) => _messages.Reader.TryRead(out text!);

    private async Task PumpAsync(PipeReader output, FramingKind kind)
    {
        try
        {
            while (true)
            {
                var result = await output.ReadAsync();
                var buffer = result.Buffer;
                while (kind == FramingKind.Ndjson ? TakeLine(ref buffer) : TakeFrame(ref buffer))
                {
                }

                output.AdvanceTo(buffer.Start, buffer.End);
                if (result.IsCompleted)
                {
                    if (buffer.Length > 0)
                    {
                        Violations.Add($"{buffer.Length} trailing bytes without a complete frame");
                    }

                    break;
                }
            }

            await output.CompleteAsync();
        }
        finally
        {
            _messages.Writer.TryComplete();
        }
    }

    private bool TakeLine(ref ReadOnlySequence<byte> buffer)
    {
        var newline = buffer.PositionOf((byte)'\n');
        if (newline is null)
        {
            return false;
        }

        var line = Encoding.UTF8.GetString(buffer.Slice(0, newline.Value));
        buffer = buffer.Slice(buffer.GetPosition(1, newline.Value));
        if (line.Length == 0 || line.Contains('\r') || char.IsWhiteSpace(line[0]))
        {
            Violations.Add($"not exactly one message per line: '{line}'");
        }

        _messages.Writer.TryWrite(line);
        return true;
    }

    private bool TakeFrame(ref ReadOnlySequence<byte> buffer)
    {
        var reader = new SequenceReader<byte>(buffer);
        if (!reader.TryReadTo(out ReadOnlySequence<byte> header, "\r\n\r\n"u8))
        {
            return false;
        }

        var text = Encoding.ASCII.GetString(header);
        if (!text.StartsWith("Content-Length: ", StringComparison.Ordinal) || !int.TryParse(text["Content-Length: ".Length..], out var length))
        {
            Violations.Add($"bad header block '{text}'");
            buffer = buffer.Slice(buffer.End);
            return false;
        }

        if (reader.Remaining < length)
        {
            return false;
        }

        var body = buffer.Slice(reader.Position, length);
        _messages.Writer.TryWrite(Encoding.UTF8.GetString(body));
        buffer = buffer.Slice(body.End);
        return true;
    }
}
