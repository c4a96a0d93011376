using BackendSidecar.JsonRpc.Framing;
using BackendSidecar.JsonRpc.Tests.Support;
using BackendSidecar.Testing;

namespace BackendSidecar.JsonRpc.Tests.Dispatch;

public class ConcurrencyTests
{
    [Theory]
    [InlineData(FramingKind.Header)]
    [InlineData(FramingKind.Ndjson)]
    public async Task SlowHandler_DoesNotBlockFastOne(FramingKind kind)
    {
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var methods = TestMethods.Create().AddRequest("slow", TestJsonContext.Default.String, async _ =>
        {
            await release.Task;
            return "slow";
        });
        await using var h = ConnectionHarness.Start(kind, methods);

        await h.SendAsync(Json.Request(1, "slow"));
        var fast = await h.CallAsync(Json.Request(2, "ping"));
        release.SetResult();
        var slow = await h.Output.ReadAsync();

        WireAssert.IsResult(fast, "2");
        WireAssert.IsResult(slow, "1");
    }

    [Fact]
    public async Task SynchronouslyBlockingHandler_DoesNotBlockTheReader()
    {
        using var release = new ManualResetEventSlim();
        var methods = TestMethods.Create().AddRequest("block", TestJsonContext.Default.String, _ =>
        {
            release.Wait(TestTimeouts.Unexpected);
            return Task.FromResult("blocked");
        });
        await using var h = ConnectionHarness.Start(FramingKind.Ndjson, methods);

        await h.SendAsync(Json.Request(1, "block"));
        WireAssert.IsResult(await h.CallAsync(Json.Request(2, "ping")), "2");
        release.Set();
        WireAssert.IsResult(await h.Output.ReadAsync(), "1");
    }

    [Theory]
    [InlineData(FramingKind.Header)]
    [InlineData(FramingKind.Ndjson)]
    public async Task ManyConcurrentRepliesAndNotifications_NeverInterleave(FramingKind kind)
    {
        const int Requests = 2000;
        const int Notifications = 2000;
        var methods = TestMethods.Create().AddRequest("pad", TestJsonContext.Default.String, async ct =>
        {
            await Task.Yield();
            return new string('r', Random.Shared.Next(0, 20_000));
        });
        await using var h = ConnectionHarness.Start(kind, methods);

        var notifying = Task.WhenAll(Enumerable.Range(0, Notifications).Select(i => Task.Run(() =>
            h.Connection.NotifyAsync("log", new LogParams { Backend = "b" + i, Lines = [new string('n', i % 5000)] }, TestJsonContext.Default.LogParams))));
        for (var i = 0; i < Requests; i++)
        {
            await h.SendAsync(Json.Request(i, "pad"));
        }

        await notifying.WaitAsync(TestTimeouts.Unexpected);
        var messages = await h.Output.ReadManyAsync(Requests + Notifications);
        foreach (var message in messages)
        {
            WireAssert.IsValidServerMessage(message.GetRawText());
        }

        Assert.Equal(Requests, messages.Count(m => m.TryGetProperty("id", out _)));
        Assert.Equal(Enumerable.Range(0, Requests), messages.Where(m => m.TryGetProperty("id", out _)).Select(m => m.GetProperty("id").GetInt32()).Order());
        Assert.Empty(h.Output.Violations);
    }
}
