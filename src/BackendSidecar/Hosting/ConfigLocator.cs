using BackendSidecar.Core.Configuration;

namespace BackendSidecar.Hosting;

/// <summary>Finds the configuration for <c>run</c> and <c>check</c>: the given file, or the demo shipped beside the executable.</summary>
internal static class ConfigLocator
{
    /// <summary>examples/demo is copied next to the executable at build time.</summary>
    public static string DemoConfigPath => Path.Combine(AppContext.BaseDirectory, "demo", "backends.json");

    public static SidecarConfig Load(string? path, string? profile) =>
        ConfigLoader.Load(Path.GetFullPath(path ?? DemoConfigPath), profile);
}
