using System.Net;
using System.Net.Sockets;
using System.Text.Json.Nodes;

namespace BackendSidecar.Bench.Scenarios;

/// <summary>Configurations of bench-backend as the scenarios use it, and free loopback ports for it.</summary>
internal static class Backends
{
    /// <summary>A backend entry: bench-backend with <paramref name="args"/>, its log file in the work folder, no restarts.</summary>
    public static JsonObject Config(BenchContext context, string workDirectory, string name, params string[] args) => new()
    {
        ["command"] = context.Artifacts.Backend,
        ["args"] = new JsonArray([.. args.Select(a => (JsonNode)a)]),
        ["cwd"] = workDirectory,
        ["restart"] = new JsonObject { ["policy"] = "never" },
        ["log"] = new JsonObject { ["file"] = Path.Combine(workDirectory, name + ".log") },
    };

    /// <summary>An HTTP backend on <paramref name="port"/> with a health check every <paramref name="intervalMs"/>.</summary>
    public static JsonObject Http(BenchContext context, string workDirectory, string name, int port, int intervalMs, int readyAfterMs = 0)
    {
        var config = Config(context, workDirectory, name, "http", "--port", "${port}", "--ready-after-ms", readyAfterMs.ToString(System.Globalization.CultureInfo.InvariantCulture));
        config["port"] = port;
        config["health"] = new JsonObject
        {
            ["http"] = "http://127.0.0.1:${port}/health",
            ["expectJson"] = new JsonObject { ["status"] = "ok" },
            ["intervalMs"] = intervalMs,
        };
        return config;
    }

    /// <summary>Free loopback ports, all distinct: each is held until all are found, then released for the backends.</summary>
    public static int[] FreePorts(int count)
    {
        var listeners = new List<TcpListener>();
        try
        {
            for (var i = 0; i < count; i++)
            {
                var listener = new TcpListener(IPAddress.Loopback, 0);
                listener.Start();
                listeners.Add(listener);
            }
            return [.. listeners.Select(l => ((IPEndPoint)l.LocalEndpoint).Port)];
        }
        finally
        {
            foreach (var listener in listeners) listener.Stop();
        }
    }

    /// <summary>Parses "word NANOSECONDS" lines that bench-backend prints.</summary>
    public static long Stamp(string line, string word) =>
        long.Parse(line.AsSpan(word.Length + 1).Trim(), System.Globalization.CultureInfo.InvariantCulture);
}
