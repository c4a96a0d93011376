using System.Text.Json.Nodes;
using BackendSidecar.Hosting;

namespace BackendSidecar.Commands;

/// <summary>
/// <c>run</c> for a configuration whose sidecar already runs: shows that sidecar's logs and state changes instead of starting
/// a second set of backends that would fight the first for their ports. Ctrl+C detaches; the backends keep running.
/// </summary>
internal static class RunAttached
{
    public static async Task<int> RunAsync(EndpointClient client, JsonObject initialized, string configPath, TextWriter stdout)
    {
        await using var _ = client;
        using var signals = new RunSignals();
        await stdout.WriteLineAsync($"backend-sidecar: a sidecar is already running for {configPath}; showing its backends. " +
            "Ctrl+C detaches (the backends keep running); `backend-sidecar run --new` starts a second one.");
        await stdout.WriteAsync(StatusTable.Format(initialized["backends"]!.AsArray()));
        await client.RequestAsync("subscribe", new JsonObject { ["logs"] = true });
        await stdout.FlushAsync();
        try
        {
            while (await client.Notifications.WaitToReadAsync(signals.Stopping))
            {
                while (client.Notifications.TryRead(out var message))
                    await WriteAsync(stdout, message);
                await stdout.FlushAsync();
            }
            await stdout.WriteLineAsync("backend-sidecar: the sidecar ended");
            return 0;
        }
        catch (OperationCanceledException)
        {
            await client.DetachAsync();
            await stdout.WriteLineAsync("Detached; the backends keep running (`backend-sidecar status` shows them).");
            return 0;
        }
    }

    private static async Task WriteAsync(TextWriter stdout, JsonObject message)
    {
        if (message["params"] is not JsonObject p) return;
        var backend = p["backend"]!.GetValue<string>();
        switch (message["method"]?.GetValue<string>())
        {
            case "statusChanged" when p["state"]?.GetValue<string>() != p["previousState"]?.GetValue<string>():
                await stdout.WriteLineAsync($"{backend}: {p["previousState"]} -> {p["state"]} ({p["reason"]})");
                break;
            case "log":
                foreach (var entry in p["entries"]!.AsArray())
                    if (entry!["stream"]?.GetValue<string>() != "sidecar")
                        await stdout.WriteLineAsync($"{backend} | {entry["text"]}");
                break;
        }
    }
}
