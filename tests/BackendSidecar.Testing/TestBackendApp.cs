using System.Reflection;

namespace BackendSidecar.Testing;

/// <summary>Locates the built <c>test-backend</c> executable (tests/TestBackend) and the environment it needs.</summary>
public static class TestBackendApp
{
    private static readonly Lazy<string> s_path = new(Locate);

    /// <summary>The absolute path of the test-backend apphost; override with the TEST_BACKEND_PATH variable.</summary>
    public static string Path => s_path.Value;

    /// <summary>
    /// A small explicit environment for a launched test-backend: PATH and HOME, plus DOTNET_ROOT when set (the apphost needs
    /// it to find the runtime outside the default locations). Add what a test needs on top.
    /// </summary>
    public static Dictionary<string, string> BaseEnvironment()
    {
        var environment = new Dictionary<string, string>
        {
            ["PATH"] = Environment.GetEnvironmentVariable("PATH") ?? "/usr/local/bin:/usr/bin:/bin",
            ["HOME"] = Environment.GetEnvironmentVariable("HOME") ?? "/tmp",
        };
        foreach (var name in (string[])["DOTNET_ROOT", "DOTNET_ROOT_X64", "DOTNET_ROOT_ARM64"])
        {
            if (Environment.GetEnvironmentVariable(name) is { Length: > 0 } value) environment[name] = value;
        }
        return environment;
    }

    private static string Locate()
    {
        if (Environment.GetEnvironmentVariable("TEST_BACKEND_PATH") is { Length: > 0 } overridden) return overridden;
        var directory = typeof(TestBackendApp).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>()
            .Single(a => a.Key == "TestBackendDirectory").Value!;
        var path = System.IO.Path.Combine(directory, "test-backend");
        return File.Exists(path)
            ? path
            : throw new FileNotFoundException($"test-backend was not built at '{path}'; build tests/TestBackend first.", path);
    }
}
