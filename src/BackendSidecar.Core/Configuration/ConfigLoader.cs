using System.Text.Json;
using BackendSidecar.Core.Configuration.Schema;

namespace BackendSidecar.Core.Configuration;

/// <summary>
/// Loads a configuration (protocol/README.md, "Configuration") from a file or from JSON sent inline by <c>initialize</c>:
/// validates it against the embedded <see cref="ConfigSchema"/>, applies the profile, expands variables, resolves
/// relative paths against the config folder and checks what a schema cannot (dependsOn, URLs, regexes).
/// </summary>
/// <remarks>
/// Every failure is a <see cref="ConfigException"/> with a one-line message and the JSON path of the first bad field;
/// nothing else escapes for bad input. The loader does not look at the file system beyond the config file itself:
/// whether the command, cwd or envFile exist is for the preflight check and the launcher. Stateless and thread-safe.
/// </remarks>
public static class ConfigLoader
{
    private static readonly JsonDocumentOptions s_documentOptions = new()
    {
        // Strict JSON, as the schema and editors expect; a depth limit well above any sane config.
        CommentHandling = JsonCommentHandling.Disallow,
        AllowTrailingCommas = false,
        MaxDepth = 64,
    };

    /// <summary>The largest config file read: a configuration is a few KB, and /dev/zero or a runaway generator must not
    /// be read into memory.</summary>
    public const int MaxFileBytes = 1 << 20;

    /// <summary>Reads and loads the config file at <paramref name="path"/>.</summary>
    /// <param name="path">The config file; relative to the current directory.</param>
    /// <param name="profile">The profile to apply (e.g. <c>production</c>), or <c>null</c>/empty for none.</param>
    /// <param name="getEnv">Looks up environment variables for <c>${env:NAME}</c>; defaults to the process environment.</param>
    /// <exception cref="ConfigException">The file is missing or unreadable, is not JSON (the message names line and column), or is not a valid configuration.</exception>
    public static SidecarConfig Load(string path, string? profile = null, Func<string, string?>? getEnv = null)
    {
        string fullPath;
        try
        {
            fullPath = Path.GetFullPath(path);
        }
        catch (Exception e) when (e is ArgumentException or NotSupportedException or PathTooLongException)
        {
            throw new ConfigException(JsonPath.Root, "is not a valid file path", path);
        }
        var bytes = ReadFile(fullPath);
        using var document = ParseDocument(bytes, fullPath);
        return Parse(document.RootElement, Path.GetDirectoryName(fullPath)!, profile, fullPath, getEnv);
    }

    /// <summary>
    /// Reads the config file at <paramref name="path"/> and reports every problem found rather than the first: for <c>check</c>.
    /// A file that cannot be read or is not JSON is one problem; problems inside one backend's field are reported once each.
    /// </summary>
    /// <inheritdoc cref="Load"/>
    public static ConfigCheck Check(string path, string? profile = null, Func<string, string?>? getEnv = null)
    {
        SidecarConfig? config;
        string fullPath;
        var errors = new ConfigErrors(collect: true, file: null);
        try
        {
            fullPath = Path.GetFullPath(path);
        }
        catch (Exception e) when (e is ArgumentException or NotSupportedException or PathTooLongException)
        {
            return new ConfigCheck(null, [new ConfigException(JsonPath.Root, "is not a valid file path", path)]);
        }
        try
        {
            using var document = ParseDocument(ReadFile(fullPath), fullPath);
            errors = new ConfigErrors(collect: true, fullPath);
            config = Parse(document.RootElement, Path.GetDirectoryName(fullPath)!, profile, fullPath, getEnv, errors);
        }
        catch (ConfigException e)
        {
            return new ConfigCheck(null, [.. errors.All, e]);
        }
        return errors.All.Count == 0 ? new ConfigCheck(config, []) : new ConfigCheck(null, errors.All);
    }

    /// <summary>Loads a configuration given as JSON text (e.g. a config sent inline by <c>initialize</c>).</summary>
    /// <param name="json">The configuration document.</param>
    /// <param name="configDirectory">The folder that <c>${configDir}</c> and relative paths refer to.</param>
    /// <param name="profile">The profile to apply, or <c>null</c>/empty for none.</param>
    /// <param name="sourcePath">Named in error messages when the JSON came from a file; <c>null</c> for an inline config.</param>
    /// <param name="getEnv">Looks up environment variables for <c>${env:NAME}</c>; defaults to the process environment.</param>
    /// <exception cref="ConfigException">The text is not JSON, or not a valid configuration.</exception>
    public static SidecarConfig Parse(string json, string configDirectory, string? profile = null, string? sourcePath = null, Func<string, string?>? getEnv = null)
    {
        ArgumentNullException.ThrowIfNull(json);
        using var document = ParseDocument(System.Text.Encoding.UTF8.GetBytes(json), sourcePath);
        return Parse(document.RootElement, configDirectory, profile, sourcePath, getEnv);
    }

    /// <summary>Loads a configuration that is already parsed (the <c>config</c> member of <c>initialize</c>'s params).</summary>
    /// <inheritdoc cref="Parse(string, string, string?, string?, Func{string, string?}?)"/>
    public static SidecarConfig Parse(JsonElement config, string configDirectory, string? profile = null, string? sourcePath = null, Func<string, string?>? getEnv = null) =>
        Parse(config, configDirectory, profile, sourcePath, getEnv, new ConfigErrors(collect: false, sourcePath))!;

    /// <returns>The configuration, or <c>null</c> when <paramref name="errors"/> collected a problem.</returns>
    private static SidecarConfig? Parse(JsonElement config, string configDirectory, string? profile, string? sourcePath, Func<string, string?>? getEnv, ConfigErrors errors)
    {
        ArgumentException.ThrowIfNullOrEmpty(configDirectory);
        var directory = Path.TrimEndingDirectorySeparator(Path.GetFullPath(configDirectory));
        if (directory.Length == 0) directory = Path.DirectorySeparatorChar.ToString();
        profile = string.IsNullOrEmpty(profile) ? null : profile;
        getEnv ??= Environment.GetEnvironmentVariable;

        try
        {
            UnicodeCheck.EnsureReadable(config, JsonPath.Root);
            IReadOnlyList<SchemaError> schemaErrors = errors.CollectsAll ? ConfigSchema.Validator.ValidateAll(config)
                : ConfigSchema.Validator.Validate(config) is { } error ? [error] : [];
            foreach (var e in schemaErrors) errors.Report(new ConfigException(e.Path, e.Problem));
            // Collecting: a backend with a schema error is not read (the reader relies on the schema), the others are.
            var backendsPath = JsonPath.Property(JsonPath.Root, "backends");
            if (schemaErrors.Any(e => !Within(e.Path, backendsPath) || e.Path == backendsPath)) return null;
            var backendsElement = config.GetProperty("backends");
            Collect(errors, () => CheckProfileExists(backendsElement, profile));

            var backends = new List<ReadBackend>();
            var all = 0;
            foreach (var backend in backendsElement.EnumerateObject())
            {
                all++;
                var path = JsonPath.Property(backendsPath, backend.Name);
                if (schemaErrors.Any(e => Within(e.Path, path))) continue;
                Collect(errors, () => backends.Add(BackendReader.Read(backend.Name, backend.Value, path, profile, directory, getEnv)));
            }
            // dependsOn naming a backend that could not be read is not a problem of its own.
            if (backends.Count == all) DependencyChecks.Check(backends, errors);
            if (errors.All.Count > 0) return null;
            return new SidecarConfig { Backends = backends.Select(b => b.Options).ToList(), SourcePath = sourcePath, Profile = profile };
        }
        catch (ConfigException e) when (sourcePath is not null && e.File is null)
        {
            throw new ConfigException(e.Path, e.Problem, sourcePath);
        }
    }

    private static bool Within(string path, string parent) =>
        path.StartsWith(parent, StringComparison.Ordinal) && (path.Length == parent.Length || path[parent.Length] is '.' or '[');

    private static void Collect(ConfigErrors errors, Action read)
    {
        try
        {
            read();
        }
        catch (ConfigException e)
        {
            errors.Report(e);
        }
    }

    /// <summary>
    /// A profile that no backend defines is almost always a typo (production vs prodcution) that would silently run the
    /// development commands, so it is an error; when no backend has profiles at all, a profile only sets <c>${profile}</c>.
    /// </summary>
    private static void CheckProfileExists(JsonElement backends, string? profile)
    {
        if (profile is null) return;
        var defined = new List<string>();
        foreach (var backend in backends.EnumerateObject())
        {
            if (!backend.Value.TryGetProperty("profiles", out var profiles)) continue;
            foreach (var p in profiles.EnumerateObject())
                if (!defined.Contains(p.Name)) defined.Add(p.Name);
        }
        if (defined.Count == 0 || defined.Contains(profile)) return;
        throw new ConfigException(JsonPath.Root,
            $"profile {JsonText.Quote(profile)} is not defined by any backend{Suggestions.DidYouMean(profile, defined)}; defined: {string.Join(", ", defined)}");
    }

    private static byte[] ReadFile(string fullPath)
    {
        if (Directory.Exists(fullPath)) throw new ConfigException(JsonPath.Root, "is a directory, not a config file", fullPath);
        // A FIFO would block the open until a writer comes, and a device never ends: look at what the path names first.
        if (!OperatingSystem.IsWindows() && Processes.Interop.FileOwner.TryStat(fullPath, out _, out var mode, followLinks: true)
            && (mode & Processes.Interop.FileOwner.TypeMask) != Processes.Interop.FileOwner.RegularFile)
            throw new ConfigException(JsonPath.Root, "is not a regular file", fullPath);
        try
        {
            using var stream = new FileStream(fullPath, FileMode.Open, FileAccess.Read, FileShare.ReadWrite, bufferSize: 0);
            // Read one byte past the cap rather than trust Length: files in /proc and /sys say 0 and go on.
            var buffer = new byte[Math.Min(stream.Length > 0 ? stream.Length + 1 : 16 * 1024, MaxFileBytes + 1)];
            var count = 0;
            int read;
            while ((read = stream.Read(buffer, count, buffer.Length - count)) > 0)
            {
                count += read;
                if (count == MaxFileBytes + 1) break;
                if (count == buffer.Length) Array.Resize(ref buffer, Math.Min(buffer.Length * 2, MaxFileBytes + 1));
            }
            if (count > MaxFileBytes)
            {
                var size = stream.Length > MaxFileBytes ? $" ({stream.Length} bytes)" : "";
                throw new ConfigException(JsonPath.Root, $"is larger than {MaxFileBytes / (1024 * 1024)} MiB{size}; a configuration is a few KB", fullPath);
            }
            return buffer.AsSpan(0, count).ToArray();
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            throw new ConfigException(JsonPath.Root, "file not found", fullPath);
        }
        catch (UnauthorizedAccessException)
        {
            throw new ConfigException(JsonPath.Root, "permission denied", fullPath);
        }
        catch (IOException e)
        {
            throw new ConfigException(JsonPath.Root, $"cannot read the file: {e.Message}", fullPath);
        }
    }

    private static JsonDocument ParseDocument(byte[] utf8, string? file)
    {
        // JsonDocument.Parse over bytes does not skip a byte order mark; editors on Windows like to write one.
        var start = utf8.AsSpan().StartsWith("\uFEFF"u8) ? 3 : 0;
        UnicodeCheck.EnsureUtf8(utf8.AsSpan(start), file);
        try
        {
            return JsonDocument.Parse(utf8.AsMemory(start), s_documentOptions);
        }
        catch (JsonException e)
        {
            int? line = e.LineNumber is { } l ? (int)l + 1 : null;
            int? column = e.BytePositionInLine is { } c ? (int)c + 1 : null;
            var problem = e.LineNumber is { } l0 && e.BytePositionInLine is { } c0
                ? JsonSyntaxWords.Describe(utf8.AsSpan(start), l0, c0, WithoutPosition(e.Message))
                : WithoutPosition(e.Message);
            throw new ConfigException(JsonPath.Root, $"invalid JSON: {problem}", file, line, column);
        }
    }

    /// <summary>System.Text.Json appends "LineNumber: 2 | BytePositionInLine: 4."; the position is reported 1-based instead.</summary>
    private static string WithoutPosition(string message)
    {
        var at = message.IndexOf(" LineNumber:", StringComparison.Ordinal);
        return (at >= 0 ? message[..at] : message).Trim();
    }
}
