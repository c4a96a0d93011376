using System.Text.Json;
using System.Text.Json.Serialization;

namespace BackendSidecar.Rpc.Dtos;

// Request params exactly as protocol/README.md names them; wrong types and missing required members are -32602.

public sealed record ClientInfo([property: JsonRequired] string Name, string? Version = null);

public sealed record InitializeParams(
    [property: JsonRequired] string ProtocolVersion,
    [property: JsonRequired] ClientInfo ClientInfo,
    int? ParentPid = null,
    string? ConfigPath = null,
    JsonElement? Config = null,
    string? Profile = null);

public sealed record StartParams(
    string? Backend = null,
    bool Wait = true,
    IReadOnlyList<string>? Args = null,
    Dictionary<string, string?>? Env = null,
    Dictionary<string, string>? SecretEnv = null,
    bool ResetOverrides = false);

public sealed record StopParams(string? Backend = null, int? TimeoutMs = null, bool Wait = true);

public sealed record BackendParams(string? Backend = null);

public sealed record LogsParams(string? Backend = null, int Tail = 200, long? AfterSeq = null, string Stream = "all");

/// <summary><c>logs</c> is <c>true</c>/<c>false</c> (all backends) or a list of backend names; <c>resources</c> (1.1) samples every interval.</summary>
public sealed record SubscribeParams([property: JsonRequired] JsonElement Logs, bool Resources = false);

public sealed record CancelParams([property: JsonRequired] JsonElement Id);
