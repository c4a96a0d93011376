using BackendSidecar.Core.Processes;

namespace TestBackend;

/// <summary>--launch: starts a command the way the sidecar does, with the parent-death signal, and drains its output.</summary>
internal static class Launcher
{
    public static ChildProcess Start(IReadOnlyList<string> command, bool killOnParentDeath)
    {
        var environment = Environment.GetEnvironmentVariables().Cast<System.Collections.DictionaryEntry>()
            .ToDictionary(e => (string)e.Key, e => (string?)e.Value ?? "");
        var child = new PosixProcessLauncher().Launch(new LaunchRequest
        {
            FileName = Resolve(command[0]),
            Args = [.. command.Skip(1)],
            WorkingDirectory = Environment.CurrentDirectory,
            Environment = environment,
            KillOnParentDeath = killOnParentDeath,
        });
        _ = child.StandardOutput.CopyToAsync(Stream.Null);
        _ = child.StandardError.CopyToAsync(Stream.Null);
        return child;
    }

    private static string Resolve(string file)
    {
        if (file.Contains('/')) return Path.GetFullPath(file);
        foreach (var dir in (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':', StringSplitOptions.RemoveEmptyEntries))
        {
            var candidate = Path.Combine(dir, file);
            if (File.Exists(candidate)) return candidate;
        }
        throw new FileNotFoundException($"{file} not found on PATH");
    }
}
