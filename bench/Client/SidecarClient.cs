using System.Diagnostics;
using System.Text;
using System.Text.Json.Nodes;

namespace BackendSidecar.Bench.Client;

/// <summary>
/// A host as the benchmarks need it: spawns the published sidecar and speaks JSON-RPC to it with header framing, the way
/// vscode-jsonrpc does. Every message is stamped on arrival, by a dedicated reader thread, with
/// <see cref="Stopwatch.GetTimestamp"/> (CLOCK_MONOTONIC in nanoseconds on Linux, the clock bench-backend prints), so a
/// measured interval never includes the time a waiting thread takes to wake up.
/// </summary>
/// <remarks>Thread-safe. Calls block the calling thread; the scenarios are plain sequential code.</remarks>
internal sealed class SidecarClient : IDisposable
{
    private readonly Process _process;
    private readonly Stream _input;
    private readonly Lock _writeLock = new();
    private readonly Lock _pendingLock = new();
    private readonly Dictionary<long, TaskCompletionSource<Received>> _pending = [];
    private readonly List<Received> _notifications = [];
    private readonly Queue<string> _stderrTail = new();
    private readonly TaskCompletionSource _readerDone = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private long _nextId;

    private SidecarClient(Process process, long spawnedAt)
    {
        _process = process;
        SpawnedAt = spawnedAt;
        _input = process.StandardInput.BaseStream;
        new Thread(ReadLoop) { IsBackground = true, Name = "sidecar stdout" }.Start();
        new Thread(DrainStderr) { IsBackground = true, Name = "sidecar stderr" }.Start();
    }

    /// <summary>The timestamp taken just before the sidecar was spawned.</summary>
    public long SpawnedAt { get; }

    public int Pid => _process.Id;

    /// <summary>Spawns <paramref name="sidecarPath"/> (serve mode) in <paramref name="workDirectory"/>.</summary>
    public static SidecarClient Start(string sidecarPath, string workDirectory, params string[] args)
    {
        var info = new ProcessStartInfo(sidecarPath)
        {
            WorkingDirectory = workDirectory,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        // State and default logs in the work folder too, not in the user's: a start then reads only its own folder's records
        // (the user's folder gathers one folder per run, and whatever killed sidecars left there).
        info.Environment["XDG_STATE_HOME"] = Path.Combine(workDirectory, "state");
        foreach (var arg in args) info.ArgumentList.Add(arg);
        var spawnedAt = Stopwatch.GetTimestamp();
        var process = Process.Start(info) ?? throw new InvalidOperationException($"cannot start {sidecarPath}");
        return new SidecarClient(process, spawnedAt);
    }

    /// <summary>Sends a request and blocks until its response (or throws after <paramref name="timeout"/>).</summary>
    public Received Call(string method, JsonNode? parameters, TimeSpan timeout) => Wait(Send(method, parameters), timeout, method);

    /// <summary>Sends a request without waiting; the task completes with the response.</summary>
    public Sent Send(string method, JsonNode? parameters)
    {
        var id = Interlocked.Increment(ref _nextId);
        var response = new TaskCompletionSource<Received>(TaskCreationOptions.RunContinuationsAsynchronously);
        lock (_pendingLock) _pending[id] = response;
        var message = new JsonObject { ["jsonrpc"] = "2.0", ["id"] = id, ["method"] = method };
        if (parameters is not null) message["params"] = parameters;
        var at = Write(message);
        return new Sent(id, at, response.Task);
    }

    /// <summary>Blocks until <paramref name="sent"/> is answered; a JSON-RPC error becomes an exception.</summary>
    public static Received Wait(Sent sent, TimeSpan timeout, string what)
    {
        if (!sent.Response.Wait(timeout))
            throw new TimeoutException($"no answer to {what} within {timeout.TotalSeconds:0.#} s");
        var response = sent.Response.Result;
        if (response.Message["error"] is JsonObject error)
            throw new InvalidOperationException($"{what} failed: {error.ToJsonString()}");
        return response;
    }

    /// <summary>Sends a notification (no answer).</summary>
    public long Notify(string method, JsonNode? parameters = null)
    {
        var message = new JsonObject { ["jsonrpc"] = "2.0", ["method"] = method };
        if (parameters is not null) message["params"] = parameters;
        return Write(message);
    }

    /// <summary>How many notifications have arrived so far: a cursor for <see cref="WaitForNotification"/>.</summary>
    public int NotificationCount
    {
        get { lock (_notifications) return _notifications.Count; }
    }

    /// <summary>
    /// Blocks until a notification at index <paramref name="from"/> or later matches, and returns it with the index after it.
    /// </summary>
    public (Received Notification, int Next) WaitForNotification(int from, Func<Received, bool> match, TimeSpan timeout, string what)
    {
        var deadline = Stopwatch.GetTimestamp() + (long)(timeout.TotalSeconds * Stopwatch.Frequency);
        lock (_notifications)
        {
            // Bounded by the deadline.
            while (true)
            {
                for (var i = from; i < _notifications.Count; i++)
                {
                    if (match(_notifications[i])) return (_notifications[i], i + 1);
                }
                from = _notifications.Count;
                var left = deadline - Stopwatch.GetTimestamp();
                if (left <= 0 || _readerDone.Task.IsCompleted)
                    throw new TimeoutException($"no {what} within {timeout.TotalSeconds:0.#} s{StderrHint()}");
                Monitor.Wait(_notifications, TimeSpan.FromSeconds((double)left / Stopwatch.Frequency));
            }
        }
    }

    /// <summary>The notifications from <paramref name="from"/> on (a copy).</summary>
    public List<Received> NotificationsFrom(int from)
    {
        lock (_notifications) return _notifications.GetRange(from, _notifications.Count - from);
    }

    /// <summary>Forgets the notifications received so far (long runs would otherwise keep them all).</summary>
    public void ClearNotifications()
    {
        lock (_notifications) _notifications.Clear();
    }

    /// <summary>shutdown, exit, and waits for the process to end; kills it if it does not within <paramref name="timeout"/>.</summary>
    public int Shutdown(TimeSpan timeout)
    {
        try
        {
            Call("shutdown", null, timeout);
            Notify("exit");
            _process.StandardInput.Close();
        }
        catch (Exception e) when (e is IOException or TimeoutException or InvalidOperationException)
        {
            // Reported through the exit code below.
        }

        if (!_process.WaitForExit(timeout))
        {
            _process.Kill(entireProcessTree: true);
            _process.WaitForExit();
            return -1;
        }
        return _process.ExitCode;
    }

    public void Dispose()
    {
        try
        {
            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: true);
                _process.WaitForExit();
            }
        }
        catch (InvalidOperationException)
        {
        }
        _process.Dispose();
    }

    /// <summary>The sidecar's last stderr lines, for error messages.</summary>
    public string StderrHint()
    {
        lock (_stderrTail) return _stderrTail.Count == 0 ? "" : "; sidecar stderr ends with:\n  " + string.Join("\n  ", _stderrTail);
    }

    private long Write(JsonObject message)
    {
        var body = Encoding.UTF8.GetBytes(message.ToJsonString());
        var header = Encoding.ASCII.GetBytes($"Content-Length: {body.Length}\r\n\r\n");
        var frame = new byte[header.Length + body.Length];
        header.CopyTo(frame, 0);
        body.CopyTo(frame, header.Length);
        lock (_writeLock)
        {
            var at = Stopwatch.GetTimestamp();
            _input.Write(frame);
            _input.Flush();
            return at;
        }
    }

    private void ReadLoop()
    {
        var reader = new HeaderFrameReader(_process.StandardOutput.BaseStream);
        try
        {
            // Ends at end of stream.
            while (reader.Next() is { } frame)
            {
                var message = JsonNode.Parse(frame.Body.Span)!.AsObject();
                var received = new Received(frame.Timestamp, message);
                if (message["id"] is { } id && message["method"] is null)
                {
                    TaskCompletionSource<Received>? waiter;
                    lock (_pendingLock)
                    {
                        _pending.Remove(id.GetValue<long>(), out waiter);
                    }
                    waiter?.TrySetResult(received);
                    continue;
                }

                lock (_notifications)
                {
                    _notifications.Add(received);
                    Monitor.PulseAll(_notifications);
                }
            }
        }
        finally
        {
            _readerDone.TrySetResult();
            lock (_notifications) Monitor.PulseAll(_notifications);
            lock (_pendingLock)
            {
                foreach (var waiter in _pending.Values)
                    waiter.TrySetException(new IOException("the sidecar closed its output" + StderrHint()));
                _pending.Clear();
            }
        }
    }

    private void DrainStderr()
    {
        // Bounded by the process: ends at end of stream.
        while (_process.StandardError.ReadLine() is { } line)
        {
            lock (_stderrTail)
            {
                _stderrTail.Enqueue(line);
                if (_stderrTail.Count > 20) _stderrTail.Dequeue();
            }
        }
    }
}

/// <summary>A request on its way: its id, when it was written, and its response to come.</summary>
internal sealed record Sent(long Id, long WrittenAt, Task<Received> Response);
