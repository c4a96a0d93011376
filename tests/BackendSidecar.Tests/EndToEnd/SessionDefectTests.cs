using System.Text.Json.Nodes;
using BackendSidecar.Testing;
using BackendSidecar.Tests.Support;

namespace BackendSidecar.Tests.EndToEnd;

/// <summary>Defects found by attacking the session from the host's side (issue 13, item 4), end to end.</summary>
public sealed class SessionDefectTests
{
    private static JsonObject TwoBackends() => new()
    {
        ["api"] = new JsonObject { ["command"] = TestBackendApp.Path },
        ["worker"] = new JsonObject { ["command"] = TestBackendApp.Path },
    };

    [Theory]
    [InlineData(WireFraming.Header)]
    [InlineData(WireFraming.Ndjson)]
    public async Task LoneSurrogateEscapes_AreAnswered_AndTheSessionGoesOn(WireFraming framing)
    {
        using var work = new TestWorkspace();
        await using var sidecar = await SidecarClient.StartInitializedAsync(work, TwoBackends(), framing,
            test: $"{nameof(LoneSurrogateEscapes_AreAnswered_AndTheSessionGoesOn)}_{framing}");
        var cursor = sidecar.Cursor();

        // Not a request at all: only a name that cannot be decoded.
        await sidecar.SendBytesAsync(WireFrames.Encode(framing, """{"\ud800":1}"""), "a lone surrogate as the only property name");
        var error = await cursor.NextUnroutedErrorAsync(-32600);
        Assert.DoesNotContain("   at ", error.ToJsonString(), StringComparison.Ordinal);

        // Beside the envelope, and in params: the request is answered, naming the problem.
        var envelope = await sidecar.RequestUndecodableAsync("""{"jsonrpc":"2.0","id":"e1","method":"status","\udfff":1}""", "\"e1\"", "status",
            "a lone surrogate as a name beside the envelope");
        sidecar.ErrorOf(envelope, -32600, "a lone surrogate beside the envelope");
        var subscribe = await sidecar.RequestUndecodableAsync("""{"jsonrpc":"2.0","id":"s1","method":"subscribe","params":{"logs":true,"\ud800":1}}""",
            "\"s1\"", "subscribe", "subscribe with a lone surrogate as a property name");
        sidecar.ErrorOf(subscribe, -32602, "subscribe with a lone surrogate name");
        var status = await sidecar.RequestUndecodableAsync("""{"jsonrpc":"2.0","id":"s2","method":"status","params":{"backend":"\ud800"}}""",
            "\"s2\"", "status", "status with a lone surrogate as the backend");
        sidecar.ErrorOf(status, -32602, "status with a lone surrogate value");

        Assert.Equal(2, (await sidecar.CallAsync("status"))!.Arr("backends").Count);
        await sidecar.CallAsync("shutdown");
        await sidecar.NotifyAsync("exit");
        Assert.Equal(0, await sidecar.WaitForExitAsync());
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-1)]
    public async Task Initialize_WithAParentPidBelowOne_IsInvalidParams(int parentPid)
    {
        using var work = new TestWorkspace();
        await using var sidecar = SidecarClient.Start(work, WireFraming.Ndjson, test: $"{nameof(Initialize_WithAParentPidBelowOne_IsInvalidParams)}_{parentPid}");

        var error = await sidecar.CallForErrorAsync("initialize", new JsonObject
        {
            ["protocolVersion"] = "1.0",
            ["clientInfo"] = new JsonObject { ["name"] = "tests" },
            ["parentPid"] = parentPid,
        }, -32602);

        Assert.Contains("parentPid", error.Str("message"));
        await sidecar.InitializeAsync(config: new JsonObject { ["backends"] = TwoBackends() });
        Assert.Equal(2, (await sidecar.CallAsync("status"))!.Arr("backends").Count);
    }

    [Fact]
    public async Task LogBurst_EveryLineIsDeliveredOrCountedAsDropped()
    {
        const int Lines = 200_000;
        using var work = new TestWorkspace();
        await using var sidecar = await SidecarClient.StartInitializedAsync(work, new JsonObject
        {
            ["burst"] = new JsonObject
            {
                ["command"] = TestBackendApp.Path,
                ["args"] = BackendConfigs.Strings(["--lines", BackendConfigs.Text(Lines), "--line-bytes", "16"]),
                ["restart"] = BackendConfigs.Restart(maxRestarts: 0, policy: "never"),
            },
        });
        var cursor = sidecar.Cursor();
        await sidecar.CallAsync("subscribe", new JsonObject { ["logs"] = true });

        await sidecar.CallAsync("start", new JsonObject { ["backend"] = "burst" });

        // The sidecar's own entries (started, exited) count in dropped too when they are lost: stop at the burst's size.
        long delivered = 0, dropped = 0;
        while (delivered + dropped < Lines)
        {
            var log = await cursor.NextNotificationAsync("log", _ => true,
                $"more log entries ({delivered} delivered and {dropped} dropped of {Lines} so far)", TestTimeouts.Unexpected);
            delivered += log.Arr("entries").Count(e => e!["stream"]?.GetValue<string>() == "stdout");
            dropped += log["dropped"]?.GetValue<long>() ?? 0;
        }
        Assert.InRange(delivered + dropped, Lines, Lines + 10);
    }
}
