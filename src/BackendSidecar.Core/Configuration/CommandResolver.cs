namespace BackendSidecar.Core.Configuration;

/// <summary>The outcome of a command lookup.</summary>
/// <param name="Path">The executable found (absolute; symlinks are kept, so a venv's <c>bin/python3</c> stays the venv's), or <c>null</c>.</param>
/// <param name="Searched">Every candidate tried, in order: the contract's <c>-32012</c> <c>data.searched</c>.</param>
public sealed record ResolvedCommand(string? Path, IReadOnlyList<string> Searched)
{
    /// <summary>True when an executable was found.</summary>
    public bool Found => Path is not null;
}

/// <summary>
/// Finds the executable for <see cref="BackendOptions.Command"/> the way a shell would, with the backend's
/// <c>searchPaths</c> first (a project's <c>.venv/bin</c> before the system python).
/// </summary>
/// <remarks>Looks at the file system but changes nothing; thread-safe.</remarks>
public static class CommandResolver
{
    /// <summary>Resolves <paramref name="command"/> by this OS's rules (<see cref="CommandLookupRules.Current"/>).</summary>
    /// <param name="command">A bare name (searched for) or a path: anything containing <c>/</c>, taken relative to <paramref name="cwd"/>.</param>
    /// <param name="searchPaths">Folders tried before PATH, in order; relative ones are taken relative to <paramref name="cwd"/>.</param>
    /// <param name="cwd">The backend's working directory.</param>
    /// <param name="pathEnv">The PATH to search, normally the one of the child's environment; <c>null</c> or empty: none.</param>
    /// <returns>The first candidate that is an executable regular file (after following symlinks), and every candidate tried.</returns>
    public static ResolvedCommand Resolve(string command, IReadOnlyList<string> searchPaths, string cwd, string? pathEnv) =>
        Resolve(command, searchPaths, cwd, pathEnv, CommandLookupRules.Current);

    /// <summary>Resolves <paramref name="command"/> by <paramref name="rules"/> (a parameter, so that the Windows rules are
    /// tested on Linux too).</summary>
    /// <remarks>Windows: <c>\</c> also makes a path; a name without one of PATHEXT's extensions is tried with each of them in
    /// turn (<c>uvicorn</c>: <c>uvicorn.exe</c>, then <c>uvicorn.cmd</c>...); a search folder named <c>bin</c> is followed by
    /// its sibling <c>Scripts</c>, where a Windows venv keeps what a POSIX one keeps in <c>bin</c>.</remarks>
    public static ResolvedCommand Resolve(string command, IReadOnlyList<string> searchPaths, string cwd, string? pathEnv, CommandLookupRules rules)
    {
        ArgumentException.ThrowIfNullOrEmpty(command);
        ArgumentNullException.ThrowIfNull(searchPaths);
        ArgumentException.ThrowIfNullOrEmpty(cwd);
        ArgumentNullException.ThrowIfNull(rules);

        var searched = new List<string>();
        if (command.Contains('/', StringComparison.Ordinal) || (rules.Windows && command.Contains('\\', StringComparison.Ordinal)))
        {
            var direct = System.IO.Path.GetFullPath(command, cwd);
            foreach (var candidate in rules.NamesFor(direct))
            {
                searched.Add(candidate);
                if (IsExecutableFile(candidate, rules)) return new ResolvedCommand(candidate, searched);
            }
            return new ResolvedCommand(null, searched);
        }

        var folders = rules.Folders(searchPaths).Concat(SplitPath(pathEnv, rules.PathListSeparator));
        foreach (var folder in folders)
        {
            foreach (var candidate in rules.NamesFor(System.IO.Path.GetFullPath(System.IO.Path.Combine(folder, command), cwd)))
            {
                // The same folder twice in PATH is common; trying it again tells nobody anything.
                if (searched.Contains(candidate, StringComparer.Ordinal)) continue;
                searched.Add(candidate);
                if (IsExecutableFile(candidate, rules)) return new ResolvedCommand(candidate, searched);
            }
        }
        return new ResolvedCommand(null, searched);
    }

    /// <summary>
    /// True for a regular file (after following symlinks) with an execute bit set. The bits are not matched against the
    /// caller's uid: a file executable only by another user fails later, at spawn, with a clear EACCES.
    /// </summary>
    public static bool IsExecutableFile(string path) => IsExecutableFile(path, CommandLookupRules.Current);

    /// <summary>As <see cref="IsExecutableFile(string)"/>; by Windows rules any regular file is (its extension was chosen
    /// from PATHEXT already).</summary>
    public static bool IsExecutableFile(string path, CommandLookupRules rules)
    {
        ArgumentNullException.ThrowIfNull(rules);
        try
        {
            FileSystemInfo info = new FileInfo(path);
            if (info.LinkTarget is not null) info = info.ResolveLinkTarget(returnFinalTarget: true) ?? info;
            if (!info.Exists || Directory.Exists(info.FullName)) return false;
            if (rules.Windows || OperatingSystem.IsWindows()) return true;
            const UnixFileMode anyExecute = UnixFileMode.UserExecute | UnixFileMode.GroupExecute | UnixFileMode.OtherExecute;
            return (info.UnixFileMode & anyExecute) != 0;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException)
        {
            return false;
        }
    }

    /// <summary>PATH entries; empty ones (which POSIX reads as "the current directory") are skipped on purpose.</summary>
    private static IEnumerable<string> SplitPath(string? pathEnv, char separator) =>
        string.IsNullOrEmpty(pathEnv)
            ? []
            : pathEnv.Split(separator, StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
}
