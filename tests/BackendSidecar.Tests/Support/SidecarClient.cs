using System.Diagnostics;
using System.Runtime.CompilerServices;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using BackendSidecar.Testing;
using Xunit.Sdk;

namespace BackendSidecar.Tests.Support;

/// <summary>
/// A host for the end-to-end tests: runs the real built <c>backend-sidecar</c> as a child process and speaks JSON-RPC to it
/// over its stdin and stdout. It is written from the contract alone, without the product's JSON-RPC library, so that it is an
/// independent peer. Every message in and out goes to the test's <see cref="Transcript"/>; stderr is kept for failure messages.
/// </summary>
internal sealed class SidecarClient : IAsyncDisposable
{
    /// <summary>Set in the sidecar's environment, so that whatever it leaves behind (backends inherit it) can be found and killed.</summary>
    private const string MarkerVariable = "BACKEND_SIDECAR_E2E_RUN";
    private static readonly TimeSpan s_disposeGrace = TimeSpan.FromSeconds(10);

    private readonly Process _process;
    private readonly Stream _input;
    private readonly SemaphoreSlim _writeGate = new(1, 1);
    private readonly Transcript _transcript;
    private readonly ProcessTracker _tracker = new();
    private readonly object _gate = new();
    private readonly List<JsonNode> _received = [];
    private readonly Dictionary<string, string> _methodsById = new(StringComparer.Ordinal);
    private readonly HashSet<int> _backendPids = [];
    private readonly List<string> _stderr = [];
    private readonly Task _readLoop;
    private readonly Task _stderrLoop;
    private TaskCompletionSource _changed = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private string? _violation;
    private bool _outputEnded;
    private long _nextId;

    private SidecarClient(Process process, WireFraming framing, Transcript transcript)
    {
        _process = process;
        Framing = framing;
        _transcript = transcript;
        _input = process.StandardInput.BaseStream;
        _readLoop = Task.Run(() => ReadLoopAsync(new WireReader(process.StandardOutput.BaseStream, framing)));
        _stderrLoop = Task.Run(() => StderrLoopAsync(process.StandardError));
    }

    public WireFraming Framing { get; }

    /// <summary>The sidecar's PID.</summary>
    public int Pid => _process.Id;

    /// <summary>Every backend PID seen in a BackendStatus (results, notifications, error data).</summary>
    public IReadOnlyCollection<int> BackendPids
    {
        get { lock (_gate) return [.. _backendPids]; }
    }

    public string Stderr
    {
        get { lock (_stderr) return string.Join('\n', _stderr); }
    }

    /// <summary>
    /// Starts the sidecar with <paramref name="arguments"/>, its working directory, state and temp folders in
    /// <paramref name="workspace"/>. The transcript is named after the calling test.
    /// </summary>
    public static SidecarClient Start(TestWorkspace workspace, WireFraming framing, IEnumerable<string>? arguments = null,
        [CallerFilePath] string callerFile = "", [CallerMemberName] string test = "")
    {
        var info = new ProcessStartInfo(SidecarApp.Path)
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = workspace.Path,
        };
        foreach (var argument in arguments ?? []) info.ArgumentList.Add(argument);
        var marker = $"{MarkerVariable}={Guid.NewGuid():N}";
        info.Environment[MarkerVariable] = marker[(MarkerVariable.Length + 1)..];
        // State files and default log files land in the workspace, not in the machine's shared folders.
        info.Environment["XDG_RUNTIME_DIR"] = workspace.Path;
        info.Environment["TMPDIR"] = workspace.Path;
        info.Environment["XDG_STATE_HOME"] = workspace.Path;

        var transcript = Transcript.Create($"{Path.GetFileNameWithoutExtension(callerFile)}.{test}", framing.Name());
        var process = Process.Start(info) ?? throw new InvalidOperationException("backend-sidecar did not start");
        var client = new SidecarClient(process, framing, transcript);
        client._tracker.TrackEnvironmentEntry(marker);
        return client;
    }

    /// <summary>Writes <paramref name="backends"/> as the workspace's config.json, starts the sidecar and initializes it with that file.</summary>
    public static async Task<SidecarClient> StartInitializedAsync(TestWorkspace workspace, JsonObject backends,
        WireFraming framing = WireFraming.Ndjson, IEnumerable<string>? arguments = null,
        [CallerFilePath] string callerFile = "", [CallerMemberName] string test = "")
    {
        var config = workspace.WriteConfig(backends);
        var client = Start(workspace, framing, arguments, callerFile, test);
        try
        {
            await client.InitializeAsync(configPath: config).ConfigureAwait(false);
            return client;
        }
        catch
        {
            await client.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>A position in the messages received so far, to wait for what comes after it.</summary>
    public MessageCursor Cursor()
    {
        lock (_gate) return new MessageCursor(this, _received.Count);
    }

    /// <summary>Sends <c>initialize</c> and returns its result.</summary>
    public async Task<JsonObject> InitializeAsync(string? configPath = null, JsonNode? config = null, int? parentPid = null, string protocolVersion = "1.0")
    {
        var p = new JsonObject
        {
            ["protocolVersion"] = protocolVersion,
            ["clientInfo"] = new JsonObject { ["name"] = "backend-sidecar-e2e-tests", ["version"] = "1.0.0" },
        };
        if (configPath is not null) p["configPath"] = configPath;
        if (config is not null) p["config"] = config;
        if (parentPid is not null) p["parentPid"] = parentPid;
        return (await CallAsync("initialize", p).ConfigureAwait(false))!.AsObject();
    }

    /// <summary>Sends a request and returns its id without waiting for the answer (see <see cref="ResponseAsync"/>).</summary>
    public async Task<JsonNode> SendRequestAsync(string method, JsonNode? @params = null)
    {
        var id = JsonValue.Create(Interlocked.Increment(ref _nextId));
        var message = new JsonObject { ["jsonrpc"] = "2.0", ["id"] = id, ["method"] = method };
        if (@params is not null) message["params"] = @params;
        lock (_gate) _methodsById[id.ToJsonString()] = method;
        await SendAsync(message).ConfigureAwait(false);
        return id.DeepClone();
    }

    /// <summary>Waits (bounded) for the response with this <paramref name="id"/>.</summary>
    public async Task<JsonObject> ResponseAsync(JsonNode id, TimeSpan? timeout = null)
    {
        var (response, _) = await WaitForAsync(
            m => m is JsonObject o && !o.ContainsKey("method") && JsonNode.DeepEquals(o["id"], id), 0, timeout,
            $"the response to request {id.ToJsonString()}").ConfigureAwait(false);
        return response.AsObject();
    }

    /// <summary>Sends a request and waits for its response, whatever it is.</summary>
    public async Task<JsonObject> RequestAsync(string method, JsonNode? @params = null, TimeSpan? timeout = null) =>
        await ResponseAsync(await SendRequestAsync(method, @params).ConfigureAwait(false), timeout).ConfigureAwait(false);

    /// <summary>Sends a request and returns its result; an error response fails the test.</summary>
    public async Task<JsonNode?> CallAsync(string method, JsonNode? @params = null, TimeSpan? timeout = null)
    {
        var response = await RequestAsync(method, @params, timeout).ConfigureAwait(false);
        if (response.ContainsKey("error"))
            throw new XunitException($"{method} failed: {response["error"]!.ToJsonString()}{Context()}");
        return response["result"];
    }

    /// <summary>Sends a request that must fail with <paramref name="code"/>; returns the error object.</summary>
    public async Task<JsonObject> CallForErrorAsync(string method, JsonNode? @params, int code, TimeSpan? timeout = null) =>
        ErrorOf(await RequestAsync(method, @params, timeout).ConfigureAwait(false), code, method);

    /// <summary>Checks that <paramref name="response"/> is an error with <paramref name="code"/> and returns the error object.</summary>
    public JsonObject ErrorOf(JsonObject response, int code, string what)
    {
        if (response["error"] is not JsonObject error || error["code"]?.GetValue<int>() != code)
            throw new XunitException($"{what}: expected error {code}, got {response.ToJsonString()}{Context()}");
        return error;
    }

    public async Task NotifyAsync(string method, JsonNode? @params = null)
    {
        var message = new JsonObject { ["jsonrpc"] = "2.0", ["method"] = method };
        if (@params is not null) message["params"] = @params;
        await SendAsync(message).ConfigureAwait(false);
    }

    /// <summary>Sends <paramref name="batch"/> (requests recorded by id) and waits for the batch answer that follows.</summary>
    public async Task<JsonArray> BatchAsync(JsonArray batch, TimeSpan? timeout = null)
    {
        var cursor = Cursor();
        lock (_gate)
        {
            foreach (var item in batch)
            {
                if (item is JsonObject { } o && o["method"]?.GetValueKind() == JsonValueKind.String && o["id"] is { } id)
                    _methodsById[id.ToJsonString()] = o["method"]!.GetValue<string>();
            }
        }
        await SendAsync(batch).ConfigureAwait(false);
        var (answer, _) = await WaitForAsync(m => m is JsonArray, cursor.Position, timeout, "a batch answer").ConfigureAwait(false);
        return answer.AsArray();
    }

    /// <summary>Sends one message (object or batch) in the client's framing.</summary>
    public Task SendAsync(JsonNode message)
    {
        _transcript.In(message);
        return WriteAsync(WireFrames.Encode(Framing, message.ToJsonString()));
    }

    /// <summary>
    /// Sends <paramref name="text"/> as one message in the client's framing, whatever it holds (malformed input on purpose).
    /// The transcript gets the parsed message when the text is JSON, or else the text itself, with <paramref name="note"/>.
    /// </summary>
    public Task SendRawMessageAsync(string text, string note)
    {
        JsonNode? parsed = null;
        try
        {
            parsed = JsonNode.Parse(text);
        }
        catch (JsonException)
        {
        }
        _transcript.In(parsed ?? JsonValue.Create(text), note);
        return WriteAsync(WireFrames.Encode(Framing, text));
    }

    /// <summary>Sends bytes as they are, framing included (a broken header); the transcript gets their text.</summary>
    public Task SendBytesAsync(byte[] bytes, string note)
    {
        var text = Encoding.UTF8.GetString(bytes);
        _transcript.In(JsonValue.Create(text), note);
        return WriteAsync(bytes);
    }

    /// <summary>
    /// Sends <paramref name="json"/> as it is (a request the client's own API would not build) and waits for the response with
    /// the id <paramref name="json"/> carries. The transcript has no method for it: the validator accepts only -32600/-32700 then.
    /// </summary>
    public async Task<JsonObject> RequestRawAsync(string json, string note)
    {
        var id = JsonNode.Parse(json)!["id"]!.DeepClone();
        await SendRawMessageAsync(json, note).ConfigureAwait(false);
        return await ResponseAsync(id).ConfigureAwait(false);
    }

    /// <summary>
    /// Sends <paramref name="json"/> as text in the client's framing (text that cannot be decoded, such as a lone surrogate
    /// escape, which the transcript keeps as a string), records its id as a <paramref name="method"/> request, and waits
    /// for the response.
    /// </summary>
    public async Task<JsonObject> RequestUndecodableAsync(string json, string idText, string method, string note)
    {
        var id = JsonNode.Parse(idText)!;
        lock (_gate) _methodsById[id.ToJsonString()] = method;
        await SendBytesAsync(WireFrames.Encode(Framing, json), note).ConfigureAwait(false);
        return await ResponseAsync(id).ConfigureAwait(false);
    }

    /// <summary>Closes the sidecar's stdin (end of input).</summary>
    public void CloseInput() => _input.Close();

    /// <summary>Waits (bounded) for the sidecar to exit and returns its exit code.</summary>
    public async Task<int> WaitForExitAsync(TimeSpan? timeout = null)
    {
        var limit = timeout ?? TestTimeouts.Unexpected;
        using var cts = new CancellationTokenSource(limit);
        try
        {
            await _process.WaitForExitAsync(cts.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            throw new TimeoutException($"backend-sidecar did not exit within {limit.TotalSeconds} s{Context()}");
        }
        return _process.ExitCode;
    }

    /// <summary>The whole output after the process exited: every message, each framed correctly (else the test fails).</summary>
    public async Task AssertOutputEndedCleanlyAsync()
    {
        await _readLoop.WaitAsync(TestTimeouts.Unexpected).ConfigureAwait(false);
        lock (_gate)
        {
            if (_violation is not null) throw new XunitException($"stdout broke the framing: {_violation}{Context()}");
        }
    }

    /// <summary>
    /// The first message from index <paramref name="from"/> on that matches, with its index; fails on timeout, on a framing
    /// violation, or when the output ends first.
    /// </summary>
    internal async Task<(JsonNode Message, int Index)> WaitForAsync(Func<JsonNode, bool> match, int from, TimeSpan? timeout, string what)
    {
        var limit = timeout ?? TestTimeouts.Unexpected;
        var deadline = Stopwatch.GetTimestamp() + (long)(limit.TotalSeconds * Stopwatch.Frequency);
        var index = from;
        while (true)
        {
            Task changed;
            lock (_gate)
            {
                for (; index < _received.Count; index++)
                {
                    if (match(_received[index])) return (_received[index], index);
                }
                if (_violation is not null) throw new XunitException($"stdout broke the framing while waiting for {what}: {_violation}{Context()}");
                if (_outputEnded) throw new XunitException($"the sidecar's output ended while waiting for {what}{Context()}");
                changed = _changed.Task;
            }
            var left = Stopwatch.GetElapsedTime(Stopwatch.GetTimestamp(), deadline);
            if (left <= TimeSpan.Zero || await Task.WhenAny(changed, Task.Delay(left)).ConfigureAwait(false) != changed)
            {
                if (Stopwatch.GetTimestamp() >= deadline)
                    throw new TimeoutException($"no {what} within {limit.TotalSeconds} s{Context()}");
            }
        }
    }

    /// <summary>The last messages and stderr lines, for failure messages.</summary>
    public string Context()
    {
        var text = new StringBuilder("\n--- last messages from the sidecar:\n");
        lock (_gate)
        {
            foreach (var m in _received.TakeLast(25))
            {
                var json = m.ToJsonString();
                text.Append("  ").AppendLine(json.Length > 600 ? json[..600] + "…" : json);
            }
        }
        text.AppendLine("--- stderr:");
        lock (_stderr)
        {
            foreach (var line in _stderr.TakeLast(40)) text.Append("  ").AppendLine(line);
        }
        return text.ToString();
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            if (!_process.HasExited)
            {
                try
                {
                    _input.Close();
                }
                catch (IOException)
                {
                }
                using var cts = new CancellationTokenSource(s_disposeGrace);
                try
                {
                    await _process.WaitForExitAsync(cts.Token).ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                    _process.Kill();
                }
            }
            await Task.WhenAny(Task.WhenAll(_readLoop, _stderrLoop), Task.Delay(s_disposeGrace)).ConfigureAwait(false);
        }
        finally
        {
            _tracker.Dispose();
            _transcript.Dispose();
            _process.Dispose();
        }
    }

    private async Task WriteAsync(byte[] bytes)
    {
        await _writeGate.WaitAsync().ConfigureAwait(false);
        try
        {
            await _input.WriteAsync(bytes).ConfigureAwait(false);
            await _input.FlushAsync().ConfigureAwait(false);
        }
        finally
        {
            _writeGate.Release();
        }
    }

    private async Task ReadLoopAsync(WireReader reader)
    {
        try
        {
            while (await reader.ReadAsync().ConfigureAwait(false) is { } bytes)
            {
                JsonNode? message;
                try
                {
                    message = JsonNode.Parse(bytes);
                }
                catch (JsonException ex)
                {
                    Violate($"not JSON ({ex.Message}): {Encoding.UTF8.GetString(bytes)}");
                    return;
                }
                if (message is null)
                {
                    Violate("a message that is JSON null");
                    return;
                }
                Receive(message);
            }
        }
        catch (InvalidDataException ex)
        {
            Violate(ex.Message);
        }
        catch (IOException)
        {
            // The pipe broke: the process is gone, which the test observes through its exit.
        }
        finally
        {
            lock (_gate)
            {
                _outputEnded = true;
                PulseNeedsLock();
            }
        }
    }

    private void Receive(JsonNode message)
    {
        lock (_gate)
        {
            if (message is JsonArray batch)
                _transcript.OutBatch(batch, [.. batch.Select(MethodOfNeedsLock)]);
            else
                _transcript.Out(message, MethodOfNeedsLock(message));
            CollectPids(message);
            _received.Add(message);
            PulseNeedsLock();
        }
    }

    private string? MethodOfNeedsLock(JsonNode? response) =>
        response is JsonObject o && !o.ContainsKey("method") && o["id"] is { } id && _methodsById.TryGetValue(id.ToJsonString(), out var method)
            ? method
            : null;

    /// <summary>Every object shaped like a BackendStatus (it has "state" and "pid") contributes its pid.</summary>
    private void CollectPids(JsonNode? node)
    {
        switch (node)
        {
            case JsonObject o:
                if (o.ContainsKey("state") && o["pid"] is JsonValue pid && pid.GetValueKind() == JsonValueKind.Number)
                    _backendPids.Add(pid.GetValue<int>());
                foreach (var (_, value) in o) CollectPids(value);
                break;
            case JsonArray a:
                foreach (var item in a) CollectPids(item);
                break;
        }
    }

    private void Violate(string what)
    {
        lock (_gate)
        {
            _violation ??= what;
            PulseNeedsLock();
        }
    }

    private void PulseNeedsLock()
    {
        var changed = _changed;
        _changed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        changed.TrySetResult();
    }

    private async Task StderrLoopAsync(StreamReader stderr)
    {
        while (await stderr.ReadLineAsync().ConfigureAwait(false) is { } line)
        {
            lock (_stderr) _stderr.Add(line);
        }
    }
}

/// <summary>Walks forward through the sidecar's notifications: each wait starts after what the previous one found.</summary>
internal sealed class MessageCursor(SidecarClient client, int position)
{
    public int Position { get; private set; } = position;

    /// <summary>The next message of any kind (after the cursor) that matches; the cursor moves past it.</summary>
    public async Task<JsonNode> NextMessageAsync(Func<JsonNode, bool> match, string what, TimeSpan? timeout = null)
    {
        var (message, index) = await client.WaitForAsync(match, Position, timeout, what).ConfigureAwait(false);
        Position = index + 1;
        return message;
    }

    /// <summary>The next response with id null (input that could not be read as a request) after the cursor: an error with <paramref name="code"/>.</summary>
    public async Task<JsonObject> NextUnroutedErrorAsync(int code)
    {
        var response = await NextMessageAsync(m => m is JsonObject o && !o.ContainsKey("method") && o.ContainsKey("id") && o["id"] is null,
            "a response with id null").ConfigureAwait(false);
        return client.ErrorOf(response.AsObject(), code, "input that is not a request");
    }

    /// <summary>The next notification (after the cursor) that matches; the cursor moves past it.</summary>
    public async Task<JsonObject> NextNotificationAsync(string method, Func<JsonObject, bool> match, string what, TimeSpan? timeout = null)
    {
        var (message, index) = await client.WaitForAsync(
            m => m is JsonObject o && o["method"]?.GetValue<string>() == method && o["params"] is JsonObject p && match(p),
            Position, timeout, what).ConfigureAwait(false);
        Position = index + 1;
        return message["params"]!.AsObject();
    }

    /// <summary>The next statusChanged of <paramref name="backend"/> to <paramref name="state"/>; its params.</summary>
    public Task<JsonObject> NextStatusAsync(string backend, string state, Func<JsonObject, bool>? also = null, TimeSpan? timeout = null) =>
        NextNotificationAsync("statusChanged",
            p => p["backend"]?.GetValue<string>() == backend && p["state"]?.GetValue<string>() == state && (also?.Invoke(p) ?? true),
            $"statusChanged of {backend} to {state}", timeout);
}
