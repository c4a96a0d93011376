using System.Text.Json.Nodes;

namespace BackendSidecar.Bench.Client;

/// <summary>A message from the sidecar and the <see cref="System.Diagnostics.Stopwatch"/> timestamp of its arrival.</summary>
internal sealed record Received(long Timestamp, JsonObject Message)
{
    public string? Method => Message["method"]?.GetValue<string>();

    public JsonObject? Params => Message["params"] as JsonObject;

    public JsonNode? Result => Message["result"];

    /// <summary>For a <c>statusChanged</c> notification: true when it is about <paramref name="backend"/> entering <paramref name="state"/>.</summary>
    public bool IsStatus(string backend, string state) =>
        Method == "statusChanged" && Params is { } p && p["backend"]?.GetValue<string>() == backend && p["state"]?.GetValue<string>() == state;

    /// <summary>For a <c>statusChanged</c> notification: the state entered by any backend.</summary>
    public bool IsState(string state) => Method == "statusChanged" && Params?["state"]?.GetValue<string>() == state;

    public string? Backend => Params?["backend"]?.GetValue<string>();

    public int? Pid => Params?["pid"]?.GetValue<int?>();

    /// <summary>For a <c>log</c> notification: the text of its entries.</summary>
    public IEnumerable<string> LogTexts() =>
        Method == "log" && Params?["entries"] is JsonArray entries
            ? entries.Select(e => e?["text"]?.GetValue<string>() ?? "")
            : [];
}
