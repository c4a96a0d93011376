using System.Security.Cryptography;
using System.Text;
using BackendSidecar.Core.Processes.Interop;

namespace BackendSidecar.Core.State;

/// <summary>
/// Where a sidecar keeps what it writes for one configuration: the backends' default log files and its state records.
/// The only place that decides it (a macOS location, e.g. ~/Library/Logs, belongs here too).
/// </summary>
/// <remarks>
/// The folder is per user, never in the shared temp folder: there another local user could create it first, read the logs,
/// or plant a symlink that makes the sidecar append to a file of ours. It is <c>$XDG_STATE_HOME/backend-sidecar/HASH</c>
/// (XDG: "logs, history"), else <c>~/.local/state/backend-sidecar/HASH</c>, else (no home) <c>/tmp/backend-sidecar-UID/HASH</c>,
/// where HASH is a short hash of the configuration's full path, so two projects never share files. It is created 0700
/// and must belong to this user (<see cref="EnsurePrivate"/>).
/// </remarks>
public static class SidecarFolders
{
    private const UnixFileMode OwnerOnly = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;

    /// <summary>The folder for the configuration file at <paramref name="configPath"/> (<c>null</c>: an inline
    /// configuration, keyed by the current directory).</summary>
    public static string ForConfig(string? configPath) =>
        ForConfig(configPath, Environment.GetEnvironmentVariable, OperatingSystem.IsWindows() ? 0 : Posix.getuid());

    internal static string ForConfig(string? configPath, Func<string, string?> getEnv, uint uid) =>
        Path.Combine(Root(getEnv, uid), StableHash.Hex(Key(configPath), 12));

    private static string Key(string? configPath) =>
        configPath is null ? "inline:" + Directory.GetCurrentDirectory() : Path.GetFullPath(configPath);

    /// <summary>
    /// The state records that versions up to 0.1 kept for this configuration, in a folder named from SHA-256 of the same key;
    /// null when there are none. Only looked for at a configuration's first start under the current name, and only when
    /// another folder holds records, so that SHA-256 (OpenSSL, see <see cref="StableHash"/>) is not paid at every start.
    /// </summary>
    /// <param name="current">This configuration's folder now (<see cref="ForConfig(string?)"/>).</param>
    public static string? LegacyStateDirectory(string? configPath, string current)
    {
        var root = Path.GetDirectoryName(current);
        if (root is null || !Directory.Exists(root)) return null;
        if (!Directory.EnumerateDirectories(root).Any(d => d != current && HasRecords(Path.Combine(d, "state")))) return null;
        var legacy = Path.Combine(root, Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(Key(configPath))))[..12], "state");
        return legacy != Path.Combine(current, "state") && HasRecords(legacy) ? legacy : null;
    }

    private static bool HasRecords(string stateDirectory) =>
        Directory.Exists(stateDirectory) && Directory.EnumerateFiles(stateDirectory, "*.json").Any(f => !Path.GetFileName(f).StartsWith('.'));

    /// <summary>The default log file of <paramref name="backend"/>: <c>FOLDER/BACKEND.log</c>.</summary>
    public static string DefaultLogFile(string? configPath, string backend)
    {
        ArgumentException.ThrowIfNullOrEmpty(backend);
        // A backend name is a config key, not a file name: keep it from reaching outside the folder.
        var safe = string.Concat(backend.Select(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.' ? c : '_'));
        if (safe.StartsWith('.')) safe = "_" + safe[1..];
        return Path.Combine(ForConfig(configPath), safe + ".log");
    }

    /// <summary>The state records' folder: <c>FOLDER/state</c>.</summary>
    public static string StateDirectory(string? configPath) => Path.Combine(ForConfig(configPath), "state");

    /// <summary>Creates <paramref name="folder"/> (and missing folders above it) 0700, and makes sure it and the
    /// <c>backend-sidecar</c> folder above it belong to this user and are private.</summary>
    /// <exception cref="IOException">One of them belongs to another user: nothing of ours is written there.</exception>
    public static void EnsurePrivate(string folder)
    {
        if (OperatingSystem.IsWindows())
        {
            Directory.CreateDirectory(folder);
            return;
        }
        Directory.CreateDirectory(folder, OwnerOnly);
        var uid = Posix.getuid();
        foreach (var directory in (string?[])[Path.GetDirectoryName(folder), folder])
        {
            if (directory is null) continue;
            EnsureOwned(directory, uid);
            // Made by an older version, or by hand, with the umask's 0755: the logs are still nobody else's business.
            if ((File.GetUnixFileMode(directory) & ~OwnerOnly) != 0) File.SetUnixFileMode(directory, OwnerOnly);
        }
    }

    /// <exception cref="IOException"><paramref name="directory"/> (not followed if a symlink) belongs to someone else.</exception>
    internal static void EnsureOwned(string directory, uint uid)
    {
        if (FileOwner.TryGetUid(directory) is { } owner && owner != uid)
            throw new IOException(
                $"'{directory}' belongs to uid {owner}, not to this user (uid {uid}); refusing to keep logs and state there " +
                "(remove it, or set XDG_STATE_HOME to a folder of your own)");
    }

    /// <summary>
    /// Where a sidecar's attach endpoint (a Unix domain socket) lives: <c>$XDG_RUNTIME_DIR/backend-sidecar</c> (XDG: "sockets"),
    /// else the per-user state root above the configurations' folders.
    /// </summary>
    public static string EndpointFolder() => EndpointFolder(Environment.GetEnvironmentVariable, CurrentUid);

    internal static string EndpointFolder(Func<string, string?> getEnv, uint uid) =>
        getEnv("XDG_RUNTIME_DIR") is { Length: > 0 } runtime && Path.IsPathRooted(runtime)
            ? Path.Combine(runtime, "backend-sidecar")
            : Root(getEnv, uid);

    /// <summary>The short hash that names the configuration's folder (and its endpoint).</summary>
    public static string ConfigKey(string configPath) => Path.GetFileName(ForConfig(configPath));

    /// <summary>This process's uid (0 on Windows, where ownership is an ACL instead).</summary>
    public static uint CurrentUid => OperatingSystem.IsWindows() ? 0 : Posix.getuid();

    /// <summary>The owner of <paramref name="path"/> (a final symlink not followed), or null when it cannot be examined.</summary>
    public static uint? OwnerUid(string path) => FileOwner.TryGetUid(path);

    private static string Root(Func<string, string?> getEnv, uint uid)
    {
        if (getEnv("XDG_STATE_HOME") is { Length: > 0 } state && Path.IsPathRooted(state))
            return Path.Combine(state, "backend-sidecar");
        if (getEnv("HOME") is { Length: > 0 } home && Path.IsPathRooted(home) && home != "/")
            return Path.Combine(home, ".local", "state", "backend-sidecar");
        return Path.Combine("/tmp", $"backend-sidecar-{uid}");
    }
}
