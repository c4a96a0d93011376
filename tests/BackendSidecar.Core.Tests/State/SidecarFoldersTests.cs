using BackendSidecar.Core.State;

namespace BackendSidecar.Core.Tests.State;

/// <summary>Logs and state live in a private per-user folder, never in the shared temp folder.</summary>
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public sealed class SidecarFoldersTests : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("bs-folders-").FullName;

    public void Dispose() => Directory.Delete(_root, recursive: true);

    private static Func<string, string?> Env(params (string Name, string Value)[] variables) =>
        name => variables.FirstOrDefault(v => v.Name == name).Value;

    [Fact]
    public void ForConfig_WithXdgStateHome_IsUnderItAndDependsOnTheConfigPath()
    {
        var env = Env(("XDG_STATE_HOME", "/home/ann/.state"), ("HOME", "/home/ann"));
        var first = SidecarFolders.ForConfig("/work/app/sidecar.json", env, 1000);

        Assert.StartsWith("/home/ann/.state/backend-sidecar/", first, StringComparison.Ordinal);
        Assert.Equal(first, SidecarFolders.ForConfig("/work/app/sidecar.json", env, 1000));
        Assert.NotEqual(first, SidecarFolders.ForConfig("/work/other/sidecar.json", env, 1000));
    }

    [Fact]
    public void ForConfig_WithoutXdgStateHome_IsUnderTheHomesLocalState()
    {
        Assert.StartsWith("/home/ann/.local/state/backend-sidecar/",
            SidecarFolders.ForConfig("/work/app/sidecar.json", Env(("HOME", "/home/ann"), ("TMPDIR", "/tmp")), 1000), StringComparison.Ordinal);
    }

    [Fact]
    public void ForConfig_NoHome_IsAPerUserFolderInTmp()
    {
        Assert.StartsWith("/tmp/backend-sidecar-1000/", SidecarFolders.ForConfig("/work/app/sidecar.json", Env(), 1000), StringComparison.Ordinal);
    }

    [Fact]
    public void ForConfig_NeverTheSharedTempFolder()
    {
        var folder = SidecarFolders.ForConfig("/work/app/sidecar.json");

        Assert.False(folder.StartsWith(Path.Combine(Path.GetTempPath(), "backend-sidecar") + "/", StringComparison.Ordinal), folder);
        Assert.Equal(Path.GetDirectoryName(SidecarFolders.DefaultLogFile("/work/app/sidecar.json", "api")), folder);
        Assert.Equal(Path.Combine(folder, "state"), StateFileStore.DefaultDirectory("/work/app/sidecar.json"));
    }

    [Fact]
    public void DefaultLogFile_NameThatIsNoFileName_StaysInTheFolder()
    {
        var file = SidecarFolders.DefaultLogFile("/work/app/sidecar.json", "../../etc/x");

        Assert.Equal(SidecarFolders.ForConfig("/work/app/sidecar.json"), Path.GetDirectoryName(file));
    }

    [Fact]
    public void EnsurePrivate_NewAndLooseFolders_Become0700()
    {
        var parent = Path.Combine(_root, "backend-sidecar");
        Directory.CreateDirectory(parent, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute | UnixFileMode.OtherRead | UnixFileMode.OtherExecute);
        var folder = Path.Combine(parent, "abc123");

        SidecarFolders.EnsurePrivate(folder);

        const UnixFileMode ownerOnly = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;
        Assert.Equal(ownerOnly, File.GetUnixFileMode(folder));
        Assert.Equal(ownerOnly, File.GetUnixFileMode(parent));
    }

    [Fact]
    public void EnsureOwned_FolderOfAnotherUser_RefusedNamingFolderAndOwner()
    {
        // The folder is ours; pretending to be another uid shows what that user would be told.
        var e = Assert.Throws<IOException>(() => SidecarFolders.EnsureOwned(_root, 4242));

        Assert.Contains($"'{_root}' belongs to uid ", e.Message, StringComparison.Ordinal);
        Assert.Contains("not to this user (uid 4242)", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ForConfig_Name_Is12HexDigitsOfAStableHash()
    {
        // FNV-1a 64 of the key, as every version from here on names it: a changed name would orphan the folder's records.
        var name = Path.GetFileName(SidecarFolders.ForConfig("/work/app/sidecar.json", Env(("HOME", "/home/ann")), 1000));

        Assert.Equal("f85cf9cc2ca17d75", StableHashOf("/work/app/sidecar.json"));
        Assert.Equal("f85cf9cc2ca1", name);
    }

    private static string StableHashOf(string text) => Core.State.StableHash.Hex(text, 16);

    [Fact]
    public void LegacyStateDirectory_OlderVersionsFolderWithRecords_IsFound()
    {
        var config = Path.Combine(_root, "sidecar.json");
        var root = Path.Combine(_root, "backend-sidecar");
        var current = Path.Combine(root, "aaaaaaaaaaaa");
        var legacy = Path.Combine(root, LegacyName(config), "state");
        Directory.CreateDirectory(legacy);
        File.WriteAllText(Path.Combine(legacy, "api.json"), "{}");

        Assert.Equal(legacy, SidecarFolders.LegacyStateDirectory(config, current));
    }

    [Fact]
    public void LegacyStateDirectory_NoFolderWithRecords_IsNull()
    {
        var config = Path.Combine(_root, "sidecar.json");
        var root = Path.Combine(_root, "backend-sidecar");
        Directory.CreateDirectory(Path.Combine(root, LegacyName(config), "state"));

        Assert.Null(SidecarFolders.LegacyStateDirectory(config, Path.Combine(root, "aaaaaaaaaaaa")));
        Assert.Null(SidecarFolders.LegacyStateDirectory(config, Path.Combine(_root, "missing", "aaaaaaaaaaaa")));
    }

    /// <summary>How versions up to 0.1 named a configuration's folder.</summary>
    private static string LegacyName(string config) =>
        Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(Path.GetFullPath(config))))[..12];
}
