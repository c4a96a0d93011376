using System.Globalization;
using System.Text.Json.Nodes;
using BackendSidecar.Testing;

namespace BackendSidecar.Tests.Support;

/// <summary>Backend entries for test configurations, with timings small enough for a fast suite.</summary>
internal static class BackendConfigs
{
    /// <summary>
    /// test-backend serving GET /health on <paramref name="port"/> (known in advance, so the sidecar can check it), then
    /// <paramref name="extraArgs"/>. Restarts on failure after 50 ms, at most 3 times.
    /// </summary>
    public static JsonObject TestBackend(int port, params string[] extraArgs) => new()
    {
        ["command"] = TestBackendApp.Path,
        ["args"] = Strings(["--port", "${port}", .. extraArgs]),
        ["port"] = port,
        ["health"] = new JsonObject
        {
            ["http"] = "http://127.0.0.1:${port}/health",
            ["intervalMs"] = 100,
            ["timeoutMs"] = 1000,
            ["startupTimeoutMs"] = 15000,
            ["failureThreshold"] = 3,
        },
        ["restart"] = Restart(maxRestarts: 3),
        ["stop"] = new JsonObject { ["timeoutMs"] = 5000 },
    };

    /// <summary>python3 running <paramref name="script"/> with <paramref name="args"/>; no health check unless added.</summary>
    public static JsonObject Python(string script, params string[] args) => new()
    {
        ["command"] = "python3",
        ["args"] = Strings(["-u", script, .. args]),
        ["restart"] = Restart(maxRestarts: 0, policy: "never"),
        ["stop"] = new JsonObject { ["timeoutMs"] = 5000 },
    };

    /// <summary>An on-failure policy with a short fixed backoff (50 ms, no jitter).</summary>
    public static JsonObject Restart(int maxRestarts, string policy = "on-failure", int backoffMs = 50) => new()
    {
        ["policy"] = policy,
        ["maxRestarts"] = maxRestarts,
        ["windowMs"] = 60000,
        ["backoff"] = new JsonObject { ["initialMs"] = backoffMs, ["factor"] = 1, ["maxMs"] = Math.Max(backoffMs, 1), ["jitter"] = 0 },
    };

    public static JsonArray Strings(IEnumerable<string> values) => new([.. values.Select(v => (JsonNode?)v)]);

    public static string Text(int value) => value.ToString(CultureInfo.InvariantCulture);
}
