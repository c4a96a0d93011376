using System.Diagnostics;

namespace BackendSidecar.Bench.Setup;

/// <summary>
/// What the scenarios run: the sidecar published the way it ships (NativeAOT; or self-contained ReadyToRun to compare)
/// and bench-backend compiled from bench/backends. Both go to artifacts/bench/ (gitignored).
/// </summary>
internal sealed class BenchArtifacts
{
    private BenchArtifacts(string repoRoot, string? sidecar, bool aot)
    {
        RepoRoot = repoRoot;
        Aot = aot;
        Directory = Path.Combine(repoRoot, "artifacts", "bench");
        SidecarDirectory = Path.Combine(Directory, aot ? "sidecar-aot" : "sidecar-r2r");
        Sidecar = sidecar ?? Path.Combine(SidecarDirectory, "backend-sidecar");
        Build = sidecar is not null ? $"given: {sidecar}" : aot ? "NativeAOT publish" : "ReadyToRun publish (self-contained)";
        Backend = Path.Combine(Directory, "bench-backend");
        WorkRoot = Path.Combine(Directory, "work");
    }

    public string RepoRoot { get; }

    /// <summary>Publish with NativeAOT (as it ships) rather than ReadyToRun.</summary>
    public bool Aot { get; }

    /// <summary>Which sidecar is measured, for the report.</summary>
    public string Build { get; }

    public string Directory { get; }

    public string SidecarDirectory { get; }

    /// <summary>The published backend-sidecar executable.</summary>
    public string Sidecar { get; }

    /// <summary>The compiled bench-backend executable.</summary>
    public string Backend { get; }

    /// <summary>Scenario work folders (configs, log files) live here and are deleted after each scenario.</summary>
    public string WorkRoot { get; }

    /// <summary>Finds the repository from the working directory or from where the bench runs.</summary>
    /// <param name="sidecar">A backend-sidecar to measure instead of the published one.</param>
    /// <param name="aot">Publish with NativeAOT (as it ships); false: ReadyToRun, self-contained.</param>
    public static BenchArtifacts Locate(string? sidecar = null, bool aot = true)
    {
        foreach (var start in new[] { Environment.CurrentDirectory, AppContext.BaseDirectory })
        {
            for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
            {
                if (File.Exists(Path.Combine(dir.FullName, "BackendSidecar.sln"))) return new BenchArtifacts(dir.FullName, sidecar, aot);
            }
        }
        throw new InvalidOperationException("run the bench from inside the BackendSidecar repository");
    }

    /// <summary>Publishes the sidecar (unless <paramref name="reuse"/> and it is there) and compiles bench-backend.</summary>
    public void Prepare(bool reuse)
    {
        System.IO.Directory.CreateDirectory(Directory);
        if (!reuse || !File.Exists(Sidecar))
        {
            Console.Error.WriteLine($"publishing the sidecar ({Build}) to {SidecarDirectory} ...");
            var project = Path.Combine(RepoRoot, "src", "BackendSidecar");
            // The README's publish command (PublishAot is set in the project), so the bench measures what ships.
            if (Aot)
                Run("dotnet", "publish", project, "-c", "Release", "-r", "linux-x64", "-o", SidecarDirectory, "--nologo", "-v", "quiet");
            else
                Run("dotnet", "publish", project, "-c", "Release", "-r", "linux-x64", "-p:PublishAot=false", "--self-contained",
                    "-p:PublishReadyToRun=true", "-o", SidecarDirectory, "--nologo", "-v", "quiet");
        }

        var source = Path.Combine(RepoRoot, "bench", "backends", "bench-backend.c");
        if (!reuse || !File.Exists(Backend) || File.GetLastWriteTimeUtc(Backend) < File.GetLastWriteTimeUtc(source))
        {
            var compiler = Environment.GetEnvironmentVariable("CC") ?? "cc";
            Console.Error.WriteLine($"compiling {source} with {compiler} ...");
            Run(compiler, "-O2", "-Wall", "-o", Backend, source);
        }
    }

    /// <summary>A fresh, empty folder for one scenario run.</summary>
    public string NewWorkDirectory(string name)
    {
        var path = Path.Combine(WorkRoot, $"{name}-{Guid.NewGuid():N}"[..(name.Length + 9)]);
        System.IO.Directory.CreateDirectory(path);
        return path;
    }

    private static void Run(string file, params string[] args)
    {
        var info = new ProcessStartInfo(file) { UseShellExecute = false };
        foreach (var arg in args) info.ArgumentList.Add(arg);
        using var process = Process.Start(info) ?? throw new InvalidOperationException($"cannot run {file}");
        process.WaitForExit();
        if (process.ExitCode != 0)
            throw new InvalidOperationException($"{file} {string.Join(' ', args)} failed with exit code {process.ExitCode}");
    }
}
