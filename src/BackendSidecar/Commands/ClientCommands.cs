using System.Globalization;
using System.Text.Json.Nodes;
using BackendSidecar.Cli;
using BackendSidecar.Hosting;

namespace BackendSidecar.Commands;

/// <summary>
/// <c>status</c>, <c>logs</c>, <c>start</c>, <c>stop</c>, <c>restart</c> and <c>diagnose</c>: a client of the sidecar already
/// running for the configuration (its attach endpoint), which attaches, asks, and detaches, leaving the backends running.
/// </summary>
internal static class ClientCommands
{
    public const string ClientName = "backend-sidecar-cli";

    public static async Task<int> RunAsync(CommandLine options, TextWriter stdout, TextWriter stderr)
    {
        var configPath = Path.GetFullPath(options.ConfigPath ?? ConfigLocator.DemoConfigPath);
        (EndpointClient Client, JsonObject Initialized)? attached;
        try
        {
            attached = await EndpointClient.AttachAsync(configPath, ClientName);
        }
        catch (Exception ex) when (ex is IOException or EndpointErrorException or System.Net.Sockets.SocketException or UnauthorizedAccessException)
        {
            await stderr.WriteLineAsync($"backend-sidecar: {ex.Message}");
            return 1;
        }

        if (attached is not var (client, initialized))
        {
            var run = options.ConfigPath is null ? "backend-sidecar run" : $"backend-sidecar run --config {options.ConfigPath}";
            await stderr.WriteLineAsync($"no sidecar is running for {Path.GetFileName(configPath)}; start one with `{run}`");
            return 1;
        }

        await using var _ = client;
        var names = initialized["backends"]!.AsArray().Select(b => b!["backend"]!.GetValue<string>()).ToList();
        try
        {
            return options.Command switch
            {
                CommandKind.Status => await StatusAsync(client, options, stdout),
                CommandKind.Logs => await LogsAsync(client, options, names, stdout),
                CommandKind.Diagnose => await DiagnoseAsync(client, options, names, stdout),
                _ => await ControlAsync(client, options, stdout),
            };
        }
        catch (EndpointErrorException ex)
        {
            await stderr.WriteLineAsync($"backend-sidecar: {ex.Message}");
            return 1;
        }
        catch (IOException ex)
        {
            await stderr.WriteLineAsync($"backend-sidecar: {ex.Message}");
            return 1;
        }
        finally
        {
            await client.DetachAsync();
        }
    }

    /// <summary>How long <c>status</c> waits for a second resource sample, as <c>docker stats</c> waits for its second reading.</summary>
    private static readonly TimeSpan CpuWait = TimeSpan.FromSeconds(2);

    private static async Task<int> StatusAsync(EndpointClient client, CommandLine options, TextWriter stdout)
    {
        var result = (await client.RequestAsync("status"))!;
        // CPU is the time used between two samples, and the sidecar takes at most one per health interval (1 s by default):
        // the first status of a backend has only one. Asking again once the interval has passed gives the figure.
        var waited = System.Diagnostics.Stopwatch.StartNew();
        while (AwaitsSecondSample(result) && waited.Elapsed < CpuWait)
        {
            await Task.Delay(TimeSpan.FromMilliseconds(250));
            result = (await client.RequestAsync("status"))!;
        }
        if (options.Json)
            await stdout.WriteLineAsync(result.ToJsonString());
        else
            await stdout.WriteAsync(StatusTable.Format(result["backends"]!.AsArray()));
        return 0;
    }

    /// <summary>A backend sampled once: resources with no CPU figure yet (null when it has nothing to sample).</summary>
    private static bool AwaitsSecondSample(JsonNode status) =>
        status["backends"]!.AsArray().Any(b => b!["resources"] is JsonObject r && r["cpuPercent"] is null);

    private static async Task<int> ControlAsync(EndpointClient client, CommandLine options, TextWriter stdout)
    {
        var method = options.Command.ToString().ToLowerInvariant();
        var status = (await client.RequestAsync(method, new JsonObject { ["backend"] = options.Backend }))!;
        if (options.Json)
        {
            await stdout.WriteLineAsync(status.ToJsonString());
            return 0;
        }
        var pid = status["pid"] is { } p ? $" (pid {p})" : "";
        await stdout.WriteLineAsync($"{status["backend"]}: {status["state"]}{pid}");
        return 0;
    }

    private static async Task<int> DiagnoseAsync(EndpointClient client, CommandLine options, IReadOnlyList<string> names, TextWriter stdout)
    {
        var ok = true;
        foreach (var name in options.Backend is { } one ? [one] : names)
        {
            var report = (await client.RequestAsync("diagnose", new JsonObject { ["backend"] = name }))!;
            ok &= report["ok"]!.GetValue<bool>();
            if (options.Json)
            {
                await stdout.WriteLineAsync(report.ToJsonString());
                continue;
            }
            await stdout.WriteLineAsync($"{name}: {(report["ok"]!.GetValue<bool>() ? "ok" : "FAIL")}");
            foreach (var check in report["checks"]!.AsArray())
            {
                var mark = check!["ok"]!.GetValue<bool>() ? "ok  " : check["severity"]!.GetValue<string>() == "error" ? "FAIL" : "warn";
                await stdout.WriteLineAsync($"  {mark} {check["message"]}");
            }
        }
        return ok ? 0 : 1;
    }

    /// <summary>The last lines, then (with -f) every new one until Ctrl+C. Subscribed first, so no line falls between the two.</summary>
    private static async Task<int> LogsAsync(EndpointClient client, CommandLine options, IReadOnlyList<string> names, TextWriter stdout)
    {
        var wanted = options.Backend is { } one ? [one] : names;
        using var signals = options.Follow ? new RunSignals() : null;
        if (options.Follow)
            await client.RequestAsync("subscribe", new JsonObject { ["logs"] = new JsonArray([.. wanted.Select(n => (JsonNode)n)]) });

        var printed = new Dictionary<string, long>(StringComparer.Ordinal);
        var tail = new List<(string Backend, JsonNode Entry)>();
        foreach (var name in wanted)
        {
            var result = (await client.RequestAsync("logs", new JsonObject { ["backend"] = name, ["tail"] = options.Lines }))!;
            var backend = result["backend"]!.GetValue<string>();
            printed[backend] = result["nextSeq"]!.GetValue<long>() - 1;
            tail.AddRange(result["entries"]!.AsArray().Select(e => (backend, e!)));
        }
        foreach (var (backend, entry) in tail.OrderBy(t => t.Entry["time"]!.GetValue<string>(), StringComparer.Ordinal))
            await WriteEntryAsync(stdout, options, backend, entry, wanted.Count > 1);

        if (signals is null) return 0;
        try
        {
            while (await client.Notifications.WaitToReadAsync(signals.Stopping))
            {
                while (client.Notifications.TryRead(out var message))
                {
                    if (message["method"]?.GetValue<string>() != "log" || message["params"] is not JsonObject log) continue;
                    var backend = log["backend"]!.GetValue<string>();
                    foreach (var entry in log["entries"]!.AsArray())
                    {
                        var seq = entry!["seq"]!.GetValue<long>();
                        if (printed.TryGetValue(backend, out var last) && seq <= last) continue;
                        printed[backend] = seq;
                        await WriteEntryAsync(stdout, options, backend, entry, wanted.Count > 1);
                    }
                    if (log["dropped"]?.GetValue<long>() is > 0 and var dropped)
                        await stdout.WriteLineAsync($"{backend} | ... {dropped} line(s) not shown (too fast; they are in the log file)");
                }
                await stdout.FlushAsync();
            }
            await stdout.WriteLineAsync("backend-sidecar: the sidecar ended");
        }
        catch (OperationCanceledException)
        {
        }
        return 0;
    }

    private static Task WriteEntryAsync(TextWriter stdout, CommandLine options, string backend, JsonNode entry, bool prefix)
    {
        if (options.Json)
        {
            var line = entry.DeepClone().AsObject();
            line.Insert(0, "backend", backend);
            return stdout.WriteLineAsync(line.ToJsonString());
        }
        var text = entry["text"]!.GetValue<string>();
        return stdout.WriteLineAsync(prefix ? $"{backend} | {text}" : text);
    }
}

/// <summary>The <c>status</c> table, as <c>pm2 ls</c> shows one: a row per backend, '-' where there is nothing to show.</summary>
internal static class StatusTable
{
    private static readonly string[] Header = ["NAME", "STATE", "PID", "UPTIME", "RESTARTS", "PORT", "HEALTH", "LATENCY", "CPU", "MEMORY"];

    public static string Format(JsonArray backends)
    {
        var rows = new List<string[]> { Header };
        foreach (var b in backends)
        {
            var health = b!["health"] as JsonObject;
            var resources = b["resources"] as JsonObject;
            rows.Add([
                b["backend"]!.GetValue<string>(),
                b["state"]!.GetValue<string>(),
                b["pid"]?.ToString() ?? "-",
                b["uptimeMs"] is { } up ? Duration(up.GetValue<long>()) : "-",
                b["restartCount"]?.ToString() ?? "0",
                b["port"]?.ToString() ?? "-",
                health is null ? "-" : health["ok"]!.GetValue<bool>() ? "ok" : "failing",
                health?["latencyMs"] is { } ms ? $"{ms}ms" : "-",
                resources?["cpuPercent"] is { } cpu ? string.Create(CultureInfo.InvariantCulture, $"{cpu.GetValue<double>():0.#}%") : "-",
                resources?["rssBytes"] is { } rss ? Bytes(rss.GetValue<long>()) : "-",
            ]);
        }

        var widths = Enumerable.Range(0, Header.Length).Select(i => rows.Max(r => r[i].Length)).ToArray();
        var text = new System.Text.StringBuilder();
        foreach (var row in rows)
            text.AppendLine(string.Join("  ", row.Select((cell, i) => cell.PadRight(widths[i]))).TrimEnd());
        foreach (var b in backends)
            if (ExitHint(b!) is { } hint) text.AppendLine($"{b!["backend"]}: last exit: {hint}");
        var unmeasured = backends.Where(b => b!["resources"] is JsonObject r && r["cpuPercent"] is null).Select(b => b!["backend"]).ToList();
        if (unmeasured.Count > 0)
            text.AppendLine($"CPU -: {string.Join(", ", unmeasured)} sampled once so far (at most one sample per health interval); run status again for a figure");
        return text.ToString();
    }

    /// <summary>
    /// The last exit's cause in words (protocol 1.1), except a stop on request: the sidecar ended it and nothing brought it
    /// back (a backend stopped after failing health checks or a timeout restarts or fails, so it is not left stopped).
    /// </summary>
    private static string? ExitHint(JsonNode backend)
    {
        if (backend["lastExit"] is not JsonObject exit || exit["hint"] is not { } hint) return null;
        var stoppedOnRequest = exit["cause"]?.GetValue<string>() == "stopped-by-sidecar" && backend["state"]?.GetValue<string>() == "stopped";
        return stoppedOnRequest ? null : hint.GetValue<string>();
    }

    /// <summary>As pm2: the largest whole unit (45s, 12m, 3h, 2d).</summary>
    public static string Duration(long ms) => ms switch
    {
        < 60_000 => $"{ms / 1000}s",
        < 3_600_000 => $"{ms / 60_000}m",
        < 86_400_000 => $"{ms / 3_600_000}h",
        _ => $"{ms / 86_400_000}d",
    };

    /// <summary>A number, a space and an upper-case unit of 1024 bytes (20.9 MB), as the editor's tooltip shows memory.</summary>
    public static string Bytes(long bytes) => bytes switch
    {
        < 1024 => string.Create(CultureInfo.InvariantCulture, $"{bytes} B"),
        < 1024 * 1024 => string.Create(CultureInfo.InvariantCulture, $"{bytes / 1024.0:0.#} KB"),
        < 1024L * 1024 * 1024 => string.Create(CultureInfo.InvariantCulture, $"{bytes / (1024.0 * 1024):0.#} MB"),
        _ => string.Create(CultureInfo.InvariantCulture, $"{bytes / (1024.0 * 1024 * 1024):0.##} GB"),
    };
}
