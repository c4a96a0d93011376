using System.Net;
using System.Net.Sockets;
using System.Text.Json.Nodes;

namespace BackendSidecar.Tests.Support;

/// <summary>A fresh temp folder for one test's configuration, scripts, state and log files; deleted on dispose.</summary>
internal sealed class TestWorkspace : IDisposable
{
    public TestWorkspace()
    {
        Path = Directory.CreateTempSubdirectory("backend-sidecar-e2e-").FullName;
    }

    public string Path { get; }

    public string File(string name) => System.IO.Path.Combine(Path, name);

    /// <summary>Writes <c>{"backends": …}</c> to config.json (or <paramref name="name"/>) and returns its path.</summary>
    public string WriteConfig(JsonObject backends, string name = "config.json")
    {
        var path = File(name);
        System.IO.File.WriteAllText(path, new JsonObject { ["backends"] = backends }.ToJsonString());
        return path;
    }

    /// <summary>Writes a python3 script (stdlib only) and returns its path.</summary>
    public string WriteScript(string name, string text)
    {
        var path = File(name);
        System.IO.File.WriteAllText(path, text);
        return path;
    }

    /// <summary>
    /// A port nobody listens on right now: the OS picks it for a listener that is closed at once. The sidecar must know a
    /// backend's port in advance (health checks, the port check), so test-backend's own "--port 0" does not do here.
    /// </summary>
    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }

    public void Dispose()
    {
        try
        {
            Directory.Delete(Path, recursive: true);
        }
        catch (IOException)
        {
            // Best effort: a leftover temp folder must not fail a test.
        }
        catch (UnauthorizedAccessException)
        {
        }
    }
}
