using System.Buffers;
using System.Globalization;
using System.Text;
using System.Text.Json;
using StreamJsonRpc;
using StreamJsonRpc.Protocol;

namespace BackendSidecar.JsonRpc;

/// <summary>Writing: framing, batch answers joined into one array, slots freed, and the idle signal for the last flush.</summary>
public sealed partial class ContractMessageHandler
{
    private readonly Dictionary<RequestId, Pending> _pending = [];
    private TaskCompletionSource _idle = Idle();
    private int _runningRequests;
    private int _peakRequests;

    /// <summary>A request handed to the library and not answered yet; <see cref="Batch"/> when it came in one.</summary>
    private sealed record Pending(string Method, Batch? Batch);

    /// <summary>The answers of one batch, written as one array once the last request in it is answered.</summary>
    private sealed class Batch
    {
        public List<byte[]> Parts { get; } = [];

        public int Waiting { get; set; }
    }

    /// <summary>Completes once every request read so far has been answered and its answer written.</summary>
    public Task WhenIdleAsync(CancellationToken cancellationToken)
    {
        lock (_pending) return _idle.Task.WaitAsync(cancellationToken);
    }

    private byte[]? AcceptBatch(JsonElement batchElement)
    {
        var batch = new Batch();
        foreach (var item in batchElement.EnumerateArray())
        {
            if (Accept(item, batch) is { } error) batch.Parts.Add(error);
        }

        // Requests of the batch run only after this returns, so none of them can have been answered yet.
        lock (_pending) return batch.Waiting == 0 && batch.Parts.Count > 0 ? JoinArray(batch.Parts) : null;
    }

    private bool TryRegister(RequestId id, string method, Batch? batch)
    {
        lock (_pending)
        {
            if (!_pending.TryAdd(id, new Pending(method, batch))) return false;
            if (_idle.Task.IsCompleted) _idle = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            if (batch is not null) batch.Waiting++;
            return true;
        }
    }

    /// <inheritdoc/>
    protected override ValueTask WriteCoreAsync(JsonRpcMessage content, CancellationToken cancellationToken)
    {
        if (content is RawMessage raw)
        {
            WriteFrame(raw.Utf8Json);
            return default;
        }

        _serialized.ResetWrittenCount();
        Formatter.Serialize(_serialized, content);
        Pending? pending = null;
        byte[]? batchAnswer = null;
        if (content is JsonRpcResult or JsonRpcError)
        {
            lock (_pending)
            {
                if (_pending.Remove(((IJsonRpcMessageWithId)content).RequestId, out pending) && pending.Batch is { } batch)
                {
                    batch.Parts.Add(_serialized.WrittenSpan.ToArray());
                    batch.Waiting--;
                    batchAnswer = batch.Waiting == 0 ? JoinArray(batch.Parts) : [];
                }
            }
        }

        if (batchAnswer is null) WriteFrame(_serialized.WrittenSpan);
        else if (batchAnswer.Length > 0) WriteFrame(batchAnswer);

        if (pending is not null)
        {
            Track(started: false);
            _slots.Release();
            if (pending.Batch is null) Completed(pending.Method);
            lock (_pending)
            {
                if (_pending.Count == 0) _idle.TrySetResult();
            }
        }

        return default;
    }

    /// <inheritdoc/>
    protected override async ValueTask FlushAsync(CancellationToken cancellationToken)
    {
        var result = await _output.FlushAsync(cancellationToken).ConfigureAwait(false);
        if (result.IsCompleted) throw new IOException("The output was closed by its reader.");
    }

    private void WriteFrame(ReadOnlySpan<byte> utf8Json)
    {
        if (_header)
        {
            _output.Write(Encoding.ASCII.GetBytes(string.Create(CultureInfo.InvariantCulture, $"Content-Length: {utf8Json.Length}\r\n\r\n")));
            _output.Write(utf8Json);
        }
        else
        {
            // LF alone: one message per line, as scripts split them.
            _output.Write(utf8Json);
            _output.Write("\n"u8);
        }
    }

    private void Completed(string method)
    {
        try
        {
            _options.RequestCompleted?.Invoke(method);
        }
        catch (Exception ex)
        {
            Report($"RequestCompleted for '{method}' failed", ex);
        }
    }

    private void Track(bool started)
    {
        if (!started)
        {
            Interlocked.Decrement(ref _runningRequests);
            return;
        }

        var running = Interlocked.Increment(ref _runningRequests);
        var peak = Volatile.Read(ref _peakRequests);
        while (running > peak && Interlocked.CompareExchange(ref _peakRequests, running, peak) != peak)
            peak = Volatile.Read(ref _peakRequests);
    }

    private static byte[] JoinArray(List<byte[]> parts)
    {
        var length = 2 + parts.Sum(p => p.Length) + parts.Count - 1;
        var joined = new byte[length];
        joined[0] = (byte)'[';
        var at = 1;
        foreach (var part in parts)
        {
            if (at > 1) joined[at++] = (byte)',';
            part.CopyTo(joined, at);
            at += part.Length;
        }

        joined[at] = (byte)']';
        return joined;
    }

    private static TaskCompletionSource Idle()
    {
        var idle = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        idle.SetResult();
        return idle;
    }
}
