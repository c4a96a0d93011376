using System.Reflection;

namespace BackendSidecar.Tests.Support;

/// <summary>Where the built <c>backend-sidecar</c> executable and the repository are.</summary>
internal static class SidecarApp
{
    private static readonly Lazy<string> s_path = new(Locate);
    private static readonly Lazy<string> s_repositoryRoot = new(FindRepositoryRoot);

    /// <summary>
    /// The sidecar the end-to-end tests drive: BACKEND_SIDECAR_PATH when set (test.sh sets it to the NativeAOT binary it
    /// publishes, the one that ships), else the apphost built from src/BackendSidecar in this test's configuration, so that
    /// <c>dotnet test</c> alone works.
    /// </summary>
    public static string Path => s_path.Value;

    /// <summary>The folder holding BackendSidecar.sln.</summary>
    public static string RepositoryRoot => s_repositoryRoot.Value;

    private static string Locate()
    {
        if (Environment.GetEnvironmentVariable("BACKEND_SIDECAR_PATH") is { Length: > 0 } overridden) return overridden;
        var directory = typeof(SidecarApp).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>()
            .Single(a => a.Key == "SidecarDirectory").Value!;
        var path = System.IO.Path.Combine(directory, OperatingSystem.IsWindows() ? "backend-sidecar.exe" : "backend-sidecar");
        return File.Exists(path)
            ? path
            : throw new FileNotFoundException($"backend-sidecar was not built at '{path}'; build src/BackendSidecar first.", path);
    }

    private static string FindRepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(System.IO.Path.Combine(dir.FullName, "BackendSidecar.sln"))) return dir.FullName;
        }
        throw new DirectoryNotFoundException($"no BackendSidecar.sln above {AppContext.BaseDirectory}");
    }
}
