using System.Text.Json;
using System.Text.Json.Nodes;
using BackendSidecar.Core.Configuration.Schema;
using BackendSidecar.Core.Insights;
using BackendSidecar.Core.Processes;

namespace BackendSidecar.Core.Configuration;

/// <summary>A backend read from the document, with where its <c>dependsOn</c> came from (base or profile) for error paths.</summary>
internal sealed record ReadBackend(BackendOptions Options, string DependsOnPath);

/// <summary>
/// Turns one schema-valid backend object into <see cref="BackendOptions"/>: applies the profile, expands variables,
/// makes paths absolute, converts durations, and checks what the schema cannot (URLs, host:port, regexes and their groups, signals).
/// </summary>
/// <remarks>
/// Profile fields replace the backend's fields whole (a profile's <c>health</c> is a complete health check), except
/// <c>env</c>, which is merged key by key. Each field remembers the JSON path it came from, so an error in a value that a
/// profile supplied points into the profile.
/// </remarks>
internal sealed class BackendReader
{
    private readonly record struct Field(JsonElement Value, string Path);

    private readonly string _name;
    private readonly string _configDirectory;
    private readonly Dictionary<string, Field> _fields = new(StringComparer.Ordinal);
    private readonly Dictionary<string, Field> _env = new(StringComparer.Ordinal);
    private readonly VariableExpander _expander;

    private BackendReader(string name, JsonElement backend, string path, string? profile, string configDirectory, Func<string, string?> getEnv)
    {
        _name = name;
        _configDirectory = configDirectory;
        Collect(backend, path);
        if (profile is not null
            && backend.TryGetProperty("profiles", out var profiles)
            && profiles.TryGetProperty(profile, out var selected))
        {
            Collect(selected, JsonPath.Property(JsonPath.Property(path, "profiles"), profile));
        }
        int? port = _fields.TryGetValue("port", out var p) ? (int)Integer(p.Value) : null;
        _expander = new VariableExpander(configDirectory, port, profile, getEnv);
    }

    public static ReadBackend Read(string name, JsonElement backend, string path, string? profile, string configDirectory, Func<string, string?> getEnv)
    {
        var reader = new BackendReader(name, backend, path, profile, configDirectory, getEnv);
        return new ReadBackend(reader.Build(), reader.PathOf("dependsOn", path));
    }

    private void Collect(JsonElement source, string path)
    {
        foreach (var member in source.EnumerateObject())
        {
            var memberPath = JsonPath.Property(path, member.Name);
            if (member.Name == "profiles") continue;
            if (member.Name == "env")
            {
                foreach (var variable in member.Value.EnumerateObject())
                    _env[variable.Name] = new(variable.Value, JsonPath.Property(memberPath, variable.Name));
                continue;
            }
            _fields[member.Name] = new(member.Value, memberPath);
        }
    }

    private string PathOf(string field, string backendPath) =>
        _fields.TryGetValue(field, out var f) ? f.Path : JsonPath.Property(backendPath, field);

    private BackendOptions Build()
    {
        var command = _fields["command"];
        return new BackendOptions
        {
            Name = _name,
            Command = ExpandNonEmpty(command.Value.GetString()!, command.Path),
            Args = _fields.TryGetValue("args", out var args) ? ExpandList(args, asPath: false) : [],
            Cwd = _fields.TryGetValue("cwd", out var cwd) ? ExpandPath(cwd.Value.GetString()!, cwd.Path) : _configDirectory,
            Env = _env.ToDictionary(e => e.Key, e => ExpandValue(e.Value.Value.GetString()!, e.Value.Path), StringComparer.Ordinal),
            EnvFile = _fields.TryGetValue("envFile", out var envFile) ? ExpandPath(envFile.Value.GetString()!, envFile.Path) : null,
            SearchPaths = _fields.TryGetValue("searchPaths", out var searchPaths) ? ExpandList(searchPaths, asPath: true) : [],
            Port = _fields.TryGetValue("port", out var port) ? (int)Integer(port.Value) : null,
            Health = _fields.TryGetValue("health", out var health) ? ReadHealth(health) : null,
            Restart = _fields.TryGetValue("restart", out var restart) ? ReadRestart(restart) : new RestartOptions(),
            Stop = _fields.TryGetValue("stop", out var stop) ? ReadStop(stop) : new StopOptions(),
            OnPortInUse = _fields.TryGetValue("onPortInUse", out var onPortInUse) ? ReadPortPolicy(onPortInUse.Value.GetString()!) : PortInUsePolicy.Fail,
            Log = _fields.TryGetValue("log", out var log) ? ReadLog(log) : new LogOptions(),
            AutoStart = _fields.TryGetValue("autoStart", out var autoStart) && autoStart.Value.GetBoolean(),
            DependsOn = _fields.TryGetValue("dependsOn", out var dependsOn) ? dependsOn.Value.EnumerateArray().Select(d => d.GetString()!).ToList() : [],
            ConfigDirectory = _configDirectory,
        };
    }

    private HealthOptions ReadHealth(Field health)
    {
        var h = health.Value;
        var (kind, key) = h.TryGetProperty("http", out _) ? (HealthKind.Http, "http")
            : h.TryGetProperty("tcp", out _) ? (HealthKind.Tcp, "tcp")
            : (HealthKind.StdoutPattern, "stdoutPattern");
        var targetPath = JsonPath.Property(health.Path, key);
        var target = ExpandNonEmpty(h.GetProperty(key).GetString()!, targetPath);
        var problem = kind switch
        {
            HealthKind.Http when !HealthTargets.IsHttpUrl(target) => $"must be an absolute http:// or https:// URL, got {JsonText.Quote(target)}",
            HealthKind.Tcp when !HealthTargets.TryParseHostPort(target, out _, out _) => $"must be host:port with a port 1..65535 (e.g. 127.0.0.1:8080), got {JsonText.Quote(target)}",
            HealthKind.StdoutPattern when HealthTargets.RegexProblem(target) is { } regexProblem => $"is not a valid regular expression: {regexProblem}",
            _ => null,
        };
        if (problem is not null) throw new ConfigException(targetPath, problem);
        var progress = h.TryGetProperty("progress", out var progressPattern)
            ? ReadProgress(progressPattern.GetString()!, JsonPath.Property(health.Path, "progress"))
            : null;

        return new HealthOptions
        {
            Kind = kind,
            Target = target,
            ExpectStatus = h.TryGetProperty("expectStatus", out var status) ? (int)Integer(status) : ConfigDefaults.ExpectStatus,
            // A detached copy: the document this came from is disposed after loading.
            ExpectJson = h.TryGetProperty("expectJson", out var expectJson) ? JsonNode.Parse(expectJson.GetRawText()) : null,
            Interval = Duration(h, "intervalMs", ConfigDefaults.HealthInterval),
            Timeout = Duration(h, "timeoutMs", ConfigDefaults.HealthTimeout),
            StartupTimeout = Duration(h, "startupTimeoutMs", ConfigDefaults.StartupTimeout),
            FailureThreshold = h.TryGetProperty("failureThreshold", out var threshold) ? (int)Integer(threshold) : ConfigDefaults.FailureThreshold,
            Progress = progress,
            StallTimeout = h.TryGetProperty("stallTimeoutMs", out var stall) ? TimeSpan.FromMilliseconds(Integer(stall)) : null,
        };
    }

    /// <summary>Compiled here, once, so that a pattern that cannot report progress is an error at load, not a silent start.</summary>
    private ProgressPattern ReadProgress(string text, string path)
    {
        var pattern = ExpandNonEmpty(text, path);
        return ProgressPattern.TryCreate(pattern, out var progress, out var problem)
            ? progress!
            : throw new ConfigException(path, problem!);
    }

    private static RestartOptions ReadRestart(Field restart)
    {
        var r = restart.Value;
        var backoff = new BackoffOptions();
        if (r.TryGetProperty("backoff", out var b))
        {
            backoff = new BackoffOptions
            {
                Initial = Duration(b, "initialMs", ConfigDefaults.BackoffInitial),
                Factor = b.TryGetProperty("factor", out var factor) ? factor.GetDouble() : ConfigDefaults.BackoffFactor,
                Max = Duration(b, "maxMs", ConfigDefaults.BackoffMax),
                Jitter = b.TryGetProperty("jitter", out var jitter) ? jitter.GetDouble() : ConfigDefaults.BackoffJitter,
            };
        }
        return new RestartOptions
        {
            Policy = r.TryGetProperty("policy", out var policy) ? ReadRestartPolicy(policy.GetString()!) : RestartPolicyKind.OnFailure,
            MaxRestarts = !r.TryGetProperty("maxRestarts", out var max) ? ConfigDefaults.MaxRestarts
                : max.ValueKind == JsonValueKind.Null ? null : (int)Integer(max),
            Window = Duration(r, "windowMs", ConfigDefaults.RestartWindow),
            Backoff = backoff,
            ResetAfter = Duration(r, "resetAfterMs", ConfigDefaults.ResetAfter),
        };
    }

    private static StopOptions ReadStop(Field stop)
    {
        var s = stop.Value;
        var signal = s.TryGetProperty("signal", out var sig) ? sig.GetString()! : "SIGTERM";
        // The schema's enum already limits the names; this keeps the check if the enum ever grows past what Signals knows.
        if (!signal.StartsWith("SIG", StringComparison.Ordinal) || !Signals.TryParse(signal, out _))
            throw new ConfigException(JsonPath.Property(stop.Path, "signal"), $"unknown signal {JsonText.Quote(signal)}");
        return new StopOptions { Signal = signal, Timeout = Duration(s, "timeoutMs", ConfigDefaults.StopTimeout) };
    }

    private LogOptions ReadLog(Field log)
    {
        var l = log.Value;
        string? file = null;
        if (l.TryGetProperty("file", out var f) && f.ValueKind == JsonValueKind.String)
            file = ExpandPath(f.GetString()!, JsonPath.Property(log.Path, "file"));
        return new LogOptions
        {
            File = file,
            MaxBytes = l.TryGetProperty("maxBytes", out var maxBytes) ? Integer(maxBytes) : ConfigDefaults.LogMaxBytes,
            KeepFiles = l.TryGetProperty("keepFiles", out var keep) ? (int)Integer(keep) : ConfigDefaults.LogKeepFiles,
            BufferLines = l.TryGetProperty("bufferLines", out var lines) ? (int)Integer(lines) : ConfigDefaults.LogBufferLines,
        };
    }

    private static RestartPolicyKind ReadRestartPolicy(string value) => value switch
    {
        "never" => RestartPolicyKind.Never,
        "always" => RestartPolicyKind.Always,
        _ => RestartPolicyKind.OnFailure,
    };

    private static PortInUsePolicy ReadPortPolicy(string value) => value switch
    {
        "adopt" => PortInUsePolicy.Adopt,
        "reclaim" => PortInUsePolicy.Reclaim,
        _ => PortInUsePolicy.Fail,
    };

    private static TimeSpan Duration(JsonElement owner, string name, TimeSpan fallback) =>
        owner.TryGetProperty(name, out var value) ? TimeSpan.FromMilliseconds(Integer(value)) : fallback;

    /// <summary>The schema allows <c>5.0</c> as an integer; GetInt64 would not.</summary>
    private static long Integer(JsonElement value) => value.TryGetInt64(out var n) ? n : (long)value.GetDouble();

    private List<string> ExpandList(Field list, bool asPath)
    {
        var result = new List<string>();
        var i = 0;
        foreach (var item in list.Value.EnumerateArray())
        {
            var itemPath = JsonPath.Index(list.Path, i++);
            result.Add(asPath ? ExpandPath(item.GetString()!, itemPath) : ExpandValue(item.GetString()!, itemPath));
        }
        return result;
    }

    private string ExpandValue(string text, string path)
    {
        var value = _expander.Expand(text, path);
        // A NUL would silently cut the string short at exec time.
        if (value.Contains('\0', StringComparison.Ordinal)) throw new ConfigException(path, "must not contain a NUL character");
        return value;
    }

    private string ExpandNonEmpty(string text, string path)
    {
        var value = ExpandValue(text, path);
        return value.Length > 0 ? value : throw new ConfigException(path, $"is empty after expanding variables in {JsonText.Quote(text)}");
    }

    private string ExpandPath(string text, string path)
    {
        var value = ExpandNonEmpty(text, path);
        try
        {
            return Path.GetFullPath(value, _configDirectory);
        }
        catch (Exception e) when (e is ArgumentException or NotSupportedException or PathTooLongException)
        {
            throw new ConfigException(path, $"is not a valid path: {JsonText.Quote(value)}");
        }
    }
}
