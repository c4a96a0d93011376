using System.Text.Json.Nodes;
using BackendSidecar.Bench.Client;

namespace BackendSidecar.Bench.Scenarios;

/// <summary>
/// A published sidecar in its own work folder, initialized with an inline configuration. Its own folder gives it its own
/// state directory and log files, apart from any other sidecar running on the machine.
/// </summary>
internal sealed class BenchSidecar : IDisposable
{
    private readonly string _workDirectory;
    private bool _shutDown;

    private BenchSidecar(SidecarClient client, string workDirectory, Received initialized)
    {
        Client = client;
        _workDirectory = workDirectory;
        Initialized = initialized;
    }

    public SidecarClient Client { get; }

    /// <summary>The initialize response (stamped on arrival).</summary>
    public Received Initialized { get; }

    public int Pid => Client.Pid;

    public string WorkDirectory => _workDirectory;

    /// <summary>Starts a sidecar in <paramref name="workDirectory"/> and initializes it with <paramref name="backends"/>.</summary>
    public static BenchSidecar Start(BenchContext context, string workDirectory, JsonObject backends)
    {
        var client = SidecarClient.Start(context.Artifacts.Sidecar, workDirectory);
        try
        {
            var initialized = client.Call("initialize", InitializeParams(backends), BenchContext.Timeout);
            return new BenchSidecar(client, workDirectory, initialized);
        }
        catch
        {
            client.Dispose();
            throw;
        }
    }

    public static JsonObject InitializeParams(JsonObject backends) => new()
    {
        ["protocolVersion"] = "1.0",
        ["clientInfo"] = new JsonObject { ["name"] = "sidecar-bench", ["version"] = "1" },
        ["parentPid"] = Environment.ProcessId,
        ["config"] = new JsonObject { ["backends"] = backends },
    };

    public Received Call(string method, JsonNode? parameters) => Client.Call(method, parameters, BenchContext.Timeout);

    public Received Start(string backend) => Call("start", new JsonObject { ["backend"] = backend });

    public Received Stop(string backend) => Call("stop", new JsonObject { ["backend"] = backend });

    /// <summary>Blocks until <paramref name="backend"/> enters <paramref name="state"/> (notifications from <paramref name="from"/> on).</summary>
    public (Received Notification, int Next) WaitForState(int from, string backend, string state) =>
        Client.WaitForNotification(from, n => n.IsStatus(backend, state), BenchContext.Timeout, $"statusChanged {backend} -> {state}");

    /// <summary>Blocks until a log line of <paramref name="backend"/> that <paramref name="match"/> accepts arrives (needs subscribe).</summary>
    public (string Text, int Next) WaitForLogLine(int from, string backend, Func<string, bool> match)
    {
        string? found = null;
        var (_, next) = Client.WaitForNotification(from, n =>
        {
            if (n.Method != "log" || n.Backend != backend) return false;
            found = n.LogTexts().FirstOrDefault(match);
            return found is not null;
        }, BenchContext.Timeout, $"matching log line of {backend}");
        return (found!, next);
    }

    /// <summary>Sends a request per backend at once, then waits for every answer (start answers once running).</summary>
    public void CallAll(string method, IEnumerable<string> backends)
    {
        var sent = backends.Select(b => Client.Send(method, new JsonObject { ["backend"] = b })).ToList();
        foreach (var request in sent) SidecarClient.Wait(request, BenchContext.Timeout, method);
    }

    public void SubscribeLogs() => Call("subscribe", new JsonObject { ["logs"] = true });

    /// <summary>shutdown + exit; returns the exit code.</summary>
    public int Shutdown()
    {
        _shutDown = true;
        return Client.Shutdown(BenchContext.Timeout);
    }

    public void Dispose()
    {
        try
        {
            if (!_shutDown) Shutdown();
        }
        finally
        {
            Client.Dispose();
            try { Directory.Delete(_workDirectory, recursive: true); }
            catch (IOException) { }
        }
    }
}
