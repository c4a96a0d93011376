using System.Text.Json;
using BackendSidecar.Core.Processes.Interop;

namespace BackendSidecar.Core.State;

/// <summary>
/// Keeps one small JSON file per backend in a private directory. Files are replaced atomically (write a temporary file,
/// then rename it over the old one), so a reader, or a sidecar that crashed mid-write, never sees half a record.
/// </summary>
/// <remarks>
/// Thread-safe for distinct backends; a record holds PIDs, start times, port and time only: never environment or secrets.
/// The directory is created with mode 0700 and must belong to this user, since its records decide what gets killed.
/// </remarks>
public sealed class StateFileStore : IStateStore
{
    private const string Extension = ".json";
    private const UnixFileMode PrivateDirectory = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;

    /// <summary>Uses (and creates when missing) <paramref name="directory"/>.</summary>
    /// <exception cref="IOException">The directory, or a backend-sidecar folder above it, belongs to another user.</exception>
    public StateFileStore(string directory)
    {
        DirectoryPath = Path.GetFullPath(directory);
        if (OperatingSystem.IsWindows()) Directory.CreateDirectory(DirectoryPath);
        else Directory.CreateDirectory(DirectoryPath, PrivateDirectory);
        EnsureOwned(DirectoryPath);
        // In /tmp anyone could have created backend-sidecar-UID first and could swap our folder inside it.
        if (Path.GetDirectoryName(DirectoryPath) is { } parent && Path.GetFileName(parent).StartsWith("backend-sidecar", StringComparison.Ordinal))
            EnsureOwned(parent);
    }

    /// <summary>The directory holding the files.</summary>
    public string DirectoryPath { get; }

    /// <summary>The default directory for the configuration at <paramref name="configPath"/>: <see cref="SidecarFolders.StateDirectory"/>.</summary>
    public static string DefaultDirectory(string? configPath) => SidecarFolders.StateDirectory(configPath);

    private static void EnsureOwned(string directory)
    {
        // Windows has no uid to compare: the folder is under the user's own profile (LOCALAPPDATA), guarded by its ACL.
        if (OperatingSystem.IsWindows()) return;
        if (FileOwner.TryGetUid(directory) is { } owner && owner != Posix.getuid())
            throw new IOException($"State directory '{directory}' belongs to uid {owner}, not to this user; refusing to use it.");
    }

    /// <inheritdoc/>
    public void Save(BackendStateRecord record)
    {
        ArgumentNullException.ThrowIfNull(record);
        var target = PathFor(record.Backend);
        var temp = Path.Combine(DirectoryPath, $".{Path.GetFileName(target)}.{Environment.ProcessId}.{Guid.NewGuid():N}.tmp");
        try
        {
            var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
            if (!OperatingSystem.IsWindows()) options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
            using (var stream = new FileStream(temp, options))
            {
                JsonSerializer.Serialize(stream, record, StateJsonContext.Default.BackendStateRecord);
                // No fsync: a record is read back only while the machine stays up (a sidecar killed with SIGKILL leaves the page
                // cache intact; after a power loss no backend survives to be reaped), and it was paid on every spawn, under the
                // backend's gate, before the starting and running notifications could go out (measured in /tmp on ext4 while other
                // builds ran: 4 ms median, 8 ms max, against 0.4 ms without).
            }
            File.Move(temp, target, overwrite: true);
        }
        catch
        {
            File.Delete(temp);
            throw;
        }
    }

    /// <inheritdoc/>
    public void Remove(string backend) => File.Delete(PathFor(backend));

    /// <summary>Every readable record; a damaged file is skipped (it proves nothing).</summary>
    public IReadOnlyList<BackendStateRecord> LoadAll() => [.. RecordFiles().Select(f => f.Record)];

    /// <summary>
    /// Moves the readable records of <paramref name="directory"/> (an older version's folder) here, under the names this
    /// store gives them, so that <see cref="LoadAll"/> finds them and <see cref="Remove"/> removes them; a backend that
    /// already has a record here keeps it.
    /// </summary>
    public void AdoptRecordsFrom(string directory)
    {
        foreach (var (file, record) in new StateFileStore(directory).RecordFiles())
        {
            var target = PathFor(record.Backend);
            if (File.Exists(target)) continue;
            try
            {
                File.Move(file, target);
            }
            catch (IOException) { }
        }
    }

    private IEnumerable<(string File, BackendStateRecord Record)> RecordFiles()
    {
        foreach (var file in Directory.EnumerateFiles(DirectoryPath, "*" + Extension))
        {
            if (Path.GetFileName(file).StartsWith('.')) continue;
            BackendStateRecord? record;
            try
            {
                using var stream = File.OpenRead(file);
                record = JsonSerializer.Deserialize(stream, StateJsonContext.Default.BackendStateRecord);
            }
            catch (Exception e) when (e is JsonException or IOException or UnauthorizedAccessException)
            {
                continue;
            }
            if (record is { Backend: not null }) yield return (file, record);
        }
    }

    /// <summary>Backend names become file names as they are when safe, else as a hash.</summary>
    private string PathFor(string backend)
    {
        ArgumentException.ThrowIfNullOrEmpty(backend);
        var safe = !backend.StartsWith('.') && backend.Length <= 100
            && backend.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' || c is '_' || c is '.');
        var name = safe ? backend : "backend-" + StableHash.Hex(backend, 16);
        return Path.Combine(DirectoryPath, name + Extension);
    }
}
