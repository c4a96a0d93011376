using System.Collections.Concurrent;
using System.Text.Json.Nodes;
using BackendSidecar.JsonRpc.Dispatch;
using BackendSidecar.JsonRpc.Framing;
using BackendSidecar.JsonRpc.Tests.Support;
using BackendSidecar.Testing;

namespace BackendSidecar.JsonRpc.Tests.Dispatch;

public class LifecycleTests
{
    [Fact]
    public async Task StopReading_FromExitNotification_RunReturnsStoppedAndDrainAnswersPending()
    {
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        JsonRpcConnection? connection = null;
        var methods = TestMethods.Create()
            .AddRequest("slow", TestJsonContext.Default.String, async _ =>
            {
                await release.Task;
                return "late";
            })
            .AddNotification("exit", _ =>
            {
                connection!.StopReading();
                return Task.CompletedTask;
            });
        await using var h = ConnectionHarness.Start(FramingKind.Ndjson, methods);
        connection = h.Connection;

        await h.SendAsync(Json.Request(1, "slow"));
        await h.SendAsync(Json.Notification("exit"));
        await h.SendAsync(Json.Request(2, "ping"));

        Assert.Equal(DisconnectReason.Stopped, await h.Run.WaitAsync(TestTimeouts.Unexpected));
        var draining = h.Connection.DrainAsync();
        Assert.False(draining.IsCompleted);
        release.SetResult();
        await draining.WaitAsync(TestTimeouts.Unexpected);
        Assert.Equal("late", WireAssert.IsResult(await h.Output.ReadAsync(), "1").GetString());
        Assert.True(await h.Output.NothingWithinAsync(), "the request after exit must not be read");
    }

    [Fact]
    public async Task Run_TokenCancelled_ReturnsCancelled()
    {
        var input = new System.IO.Pipelines.Pipe();
        var output = new System.IO.Pipelines.Pipe();
        await using var connection = new JsonRpcConnection(new NewlineFraming(input.Reader, output.Writer), TestMethods.Create());
        using var cts = new CancellationTokenSource();

        var run = connection.RunAsync(cts.Token);
        await cts.CancelAsync();

        Assert.Equal(DisconnectReason.Cancelled, await run.WaitAsync(TestTimeouts.Unexpected));
    }

    [Theory]
    [InlineData(FramingKind.Header)]
    [InlineData(FramingKind.Ndjson)]
    public async Task NotifyAsync_AllOverloads_WriteNotificationsInClientFraming(FramingKind kind)
    {
        await using var h = ConnectionHarness.Start(kind);

        await h.Connection.NotifyAsync("ready");
        await h.Connection.NotifyAsync("statusChanged", new JsonObject { ["backend"] = "api", ["state"] = "running" });
        await h.Connection.NotifyAsync("log", new LogParams { Backend = "api", Lines = ["a\nb"] }, TestJsonContext.Default.LogParams);

        var messages = await h.Output.ReadManyAsync(3);
        Assert.Equal("{\"jsonrpc\":\"2.0\",\"method\":\"ready\"}", messages[0].GetRawText());
        Assert.Equal("{\"jsonrpc\":\"2.0\",\"method\":\"statusChanged\",\"params\":{\"backend\":\"api\",\"state\":\"running\"}}", messages[1].GetRawText());
        Assert.Equal("a\nb", messages[2].GetProperty("params").GetProperty("lines")[0].GetString());
    }

    [Fact]
    public async Task NotifyAsync_ParamsNotStructured_Throws()
    {
        await using var h = ConnectionHarness.Start(FramingKind.Ndjson);

        await Assert.ThrowsAsync<ArgumentException>(() => h.Connection.NotifyAsync("x", 5, TestJsonContext.Default.Int32));
    }

    [Fact]
    public async Task OutputClosedByPeer_MessagesDroppedConnectionKeepsReadingAndReportsOnce()
    {
        var diagnostics = new ConcurrentQueue<JsonRpcDiagnostic>();
        var input = new System.IO.Pipelines.Pipe();
        var output = new System.IO.Pipelines.Pipe();
        await using var connection = new JsonRpcConnection(new NewlineFraming(input.Reader, output.Writer), TestMethods.Create(),
            new JsonRpcConnectionOptions { Diagnostics = diagnostics.Enqueue });
        var run = connection.RunAsync();
        await output.Reader.CompleteAsync();

        await connection.NotifyAsync("ready");
        await input.Writer.WriteAsync(System.Text.Encoding.UTF8.GetBytes(Json.Request(1, "ping") + "\n" + Json.Request(2, "ping") + "\n"));
        await connection.DrainAsync().WaitAsync(TestTimeouts.Unexpected);
        await connection.NotifyAsync("ready");
        await input.Writer.CompleteAsync();

        Assert.Equal(DisconnectReason.EndOfStream, await run.WaitAsync(TestTimeouts.Unexpected));
        Assert.True(connection.IsOutputClosed);
        Assert.Single(diagnostics, d => d.Kind == JsonRpcDiagnosticKind.OutputClosed);
    }

    [Fact]
    public async Task NotifyAsync_AfterDispose_IsDroppedWithoutThrowing()
    {
        var h = ConnectionHarness.Start(FramingKind.Ndjson);
        await h.DisposeAsync();

        await h.Connection.NotifyAsync("late");

        Assert.True(h.Connection.IsOutputClosed);
    }

    [Fact]
    public async Task DrainAsync_NothingPending_CompletesAtOnce()
    {
        await using var h = ConnectionHarness.Start(FramingKind.Ndjson);

        Assert.True(h.Connection.DrainAsync().IsCompleted);
    }
}
