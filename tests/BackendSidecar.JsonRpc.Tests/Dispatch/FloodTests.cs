using System.Buffers;
using System.IO.Pipelines;
using System.Text;
using BackendSidecar.JsonRpc.Framing;
using BackendSidecar.JsonRpc.Tests.Support;
using BackendSidecar.Testing;

namespace BackendSidecar.JsonRpc.Tests.Dispatch;

[Collection(MemoryCollection.Name)]
public class FloodTests
{
    private const int Flood = 100_000;

    private static async Task WriteFloodAsync(PipeWriter input, string method)
    {
        var batch = new StringBuilder();
        for (var i = 0; i < Flood; i++)
        {
            batch.Append(Json.Request(i, method)).Append('\n');
            if (batch.Length > 16 * 1024 || i == Flood - 1)
            {
                await input.WriteAsync(Encoding.UTF8.GetBytes(batch.ToString()));
                batch.Clear();
            }
        }
    }

    [Fact]
    public async Task Flood_HundredThousandRequests_AllAnsweredWithBoundedConcurrency()
    {
        await using var h = ConnectionHarness.Start(FramingKind.Ndjson);

        var writing = Task.Run(() => WriteFloodAsync(h.Input, "ping"));
        var seen = new bool[Flood];
        for (var i = 0; i < Flood; i++)
        {
            var reply = await h.Output.ReadAsync();
            seen[reply.GetProperty("id").GetInt32()] = true;
        }

        await writing.WaitAsync(TestTimeouts.Unexpected);
        Assert.All(seen, Assert.True);
        Assert.InRange(h.Connection.PeakConcurrentRequests, 1, 64);
    }

    [Fact]
    public async Task Flood_HandlersStuck_ReaderStopsAtTheLimitAndInputBackPressures()
    {
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var started = 0;
        var limitReached = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var methods = TestMethods.Create().AddRequest("stuck", TestJsonContext.Default.String, async _ =>
        {
            if (Interlocked.Increment(ref started) == 64)
            {
                limitReached.SetResult();
            }

            await release.Task;
            return "ok";
        });
        var inputOptions = new PipeOptions(pauseWriterThreshold: 64 * 1024, resumeWriterThreshold: 32 * 1024);
        await using var h = ConnectionHarness.Start(FramingKind.Ndjson, methods, inputOptions: inputOptions);
        GC.Collect();
        var heapBefore = GC.GetTotalMemory(forceFullCollection: true);

        var writing = Task.Run(() => WriteFloodAsync(h.Input, "stuck"));

        // The writer must stall: 64 handlers hold every slot, the reader waits, the pipe fills up.
        await limitReached.Task.WaitAsync(TestTimeouts.Unexpected);
        Assert.False(await Task.WhenAny(writing, Task.Delay(TestTimeouts.Expected * 2)) == writing, "the flood was swallowed whole");
        Assert.Equal(64, Volatile.Read(ref started));
        Assert.Equal(64, h.Connection.PeakConcurrentRequests);
        var heapGrowth = GC.GetTotalMemory(forceFullCollection: true) - heapBefore;
        Assert.True(heapGrowth < 16 * 1024 * 1024, $"heap grew by {heapGrowth} bytes while the flood was held back");

        release.SetResult();
        var replies = await h.Output.ReadManyAsync(Flood);
        await writing.WaitAsync(TestTimeouts.Unexpected);
        Assert.Equal(Flood, replies.Select(r => r.GetProperty("id").GetInt32()).Distinct().Count());
    }
}
