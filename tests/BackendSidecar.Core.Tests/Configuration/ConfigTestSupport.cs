using BackendSidecar.Core.Configuration;

namespace BackendSidecar.Core.Tests.Configuration;

/// <summary>A temporary folder, deleted on Dispose.</summary>
internal sealed class TempFolder : IDisposable
{
    public TempFolder()
    {
        Path = Directory.CreateTempSubdirectory("bs-config-").FullName;
    }

    public string Path { get; }

    public string Combine(params string[] parts) => System.IO.Path.Combine([Path, .. parts]);

    /// <summary>Writes a file (creating folders) and returns its absolute path.</summary>
    public string Write(string relativePath, string content, UnixFileMode? mode = null)
    {
        var full = Combine(relativePath);
        Directory.CreateDirectory(System.IO.Path.GetDirectoryName(full)!);
        File.WriteAllText(full, content);
        if (mode is { } m && !OperatingSystem.IsWindows()) File.SetUnixFileMode(full, m);
        return full;
    }

    /// <summary>A shell script with mode 755, like a venv's python3 launcher.</summary>
    public string WriteExecutable(string relativePath) =>
        Write(relativePath, "#!/bin/sh\nexit 0\n",
            UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute | UnixFileMode.GroupRead | UnixFileMode.GroupExecute
            | UnixFileMode.OtherRead | UnixFileMode.OtherExecute);

    public void Dispose()
    {
        try { Directory.Delete(Path, recursive: true); }
        catch (IOException) { }
    }
}

internal static class ConfigTestSupport
{
    public const string ConfigDir = "/srv/app";

    /// <summary>The repository root, found from the test assembly's folder.</summary>
    public static string RepoRoot { get; } = FindRepoRoot();

    public static string SampleConfigPath => Path.Combine(RepoRoot, "examples", "configs", "backends.sample.json");

    public static string SchemaPath => Path.Combine(RepoRoot, "protocol", "sidecar-config.schema.json");

    /// <summary>No environment variables at all, so tests do not depend on the machine's.</summary>
    public static string? NoEnv(string name) => null;

    /// <summary>A config with one backend "api" whose members are <paramref name="apiMembers"/>.</summary>
    public static string Api(string apiMembers) => "{\"backends\": {\"api\": {" + apiMembers + "}}}";

    public static SidecarConfig Parse(string json, string? profile = null, Func<string, string?>? getEnv = null) =>
        ConfigLoader.Parse(json, ConfigDir, profile, sourcePath: null, getEnv ?? NoEnv);

    public static BackendOptions ParseApi(string apiMembers, string? profile = null, Func<string, string?>? getEnv = null) =>
        Assert.Single(Parse(Api(apiMembers), profile, getEnv).Backends);

    /// <summary>Asserts that loading fails with a one-line message that names the path, and returns the exception.</summary>
    public static ConfigException Fails(string json, string? profile = null, Func<string, string?>? getEnv = null)
    {
        var e = Assert.Throws<ConfigException>(() => Parse(json, profile, getEnv));
        AssertOneLine(e);
        return e;
    }

    public static ConfigException FailsApi(string apiMembers, string? profile = null, Func<string, string?>? getEnv = null) =>
        Fails(Api(apiMembers), profile, getEnv);

    public static void AssertOneLine(ConfigException e)
    {
        Assert.DoesNotContain('\n', e.Message);
        Assert.DoesNotContain('\r', e.Message);
        Assert.DoesNotContain("   at ", e.Message, StringComparison.Ordinal);
        if (e.Path != "$") Assert.Contains(e.Path, e.Message, StringComparison.Ordinal);
    }

    private static string FindRepoRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        for (var i = 0; i < 12 && dir is not null; i++, dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "BackendSidecar.sln"))) return dir.FullName;
        }
        throw new InvalidOperationException($"BackendSidecar.sln not found above {AppContext.BaseDirectory}");
    }
}
