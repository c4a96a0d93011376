using BackendSidecar.Core.Health;
using BackendSidecar.Core.Platform;
using BackendSidecar.Core.Processes;
using BackendSidecar.Core.State;
using BackendSidecar.Core.Supervision;
using Microsoft.Extensions.Logging;

namespace BackendSidecar.Hosting;

/// <summary>The real operating-system services behind the supervisor, wired once per process.</summary>
internal static class SidecarServices
{
    private static readonly Lazy<IProcessPlatform> s_platform =
        new(() => ProcessPlatforms.Create(Environment.GetEnvironmentVariable(ProcessPlatforms.Variable), GuardCommand()));

    private static readonly Lock s_containmentLock = new();
    private static IAsyncDisposable? s_containment;
    private static bool s_containmentStarted;

    /// <summary>This OS's processes, ports and containment (<see cref="ProcessPlatforms.Variable"/> may force one).</summary>
    /// <exception cref="PlatformSelectionException">The variable names no usable platform.</exception>
    public static IProcessPlatform Platform => s_platform.Value;

    /// <summary>This very binary in guard mode (POSIX containment); null when it runs under the dotnet host, which would
    /// need the assembly's path as well (tests and the shipped build start the apphost or the NativeAOT binary).</summary>
    private static string[]? GuardCommand() =>
        Environment.ProcessPath is { } path && Path.GetFileNameWithoutExtension(path) != "dotnet"
            ? [path, Core.Platform.Posix.PosixGuard.Argument]
            : null;

    /// <summary>Ends the containment at a clean exit, once every backend is stopped.</summary>
    public static async Task StopGuardAsync()
    {
        if (Interlocked.Exchange(ref s_containment, null) is { } containment)
            await containment.DisposeAsync().ConfigureAwait(false);
    }

    /// <exception cref="IOException">The folder for logs and state (<see cref="SidecarFolders"/>) belongs to another user.</exception>
    public static SupervisorServices Create(ILoggerFactory loggerFactory, string? configPath)
    {
        // Checked before anything is written there: the default log files and the state records.
        var folder = SidecarFolders.ForConfig(configPath);
        var firstStart = !Directory.Exists(folder);
        SidecarFolders.EnsurePrivate(folder);
        var platform = Platform;

        var stateStore = new StateFileStore(StateFileStore.DefaultDirectory(configPath));
        if (firstStart) AdoptLegacyState(stateStore, configPath, folder, loggerFactory);

        var services = SupervisorServices.ForPlatform(platform, new HealthProbeFactory());
        return services with
        {
            Launcher = new ContainmentFirstLauncher(services.Launcher, platform, loggerFactory),
            StateStore = stateStore,
            LoggerFactory = loggerFactory,
        };
    }

    /// <summary>What an older version (another folder name) left to reap for this configuration becomes ours to reap.</summary>
    private static void AdoptLegacyState(StateFileStore store, string? configPath, string folder, ILoggerFactory loggerFactory)
    {
        try
        {
            if (SidecarFolders.LegacyStateDirectory(configPath, folder) is { } legacy)
                store.AdoptRecordsFrom(legacy);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            loggerFactory.CreateLogger("BackendSidecar").LogWarning("the state records of an older version were not read: {Message}", e.Message);
        }
    }

    /// <summary>
    /// Starts the containment once per process, just before the first backend: until then there is nothing for it to
    /// kill. At start-up it cost (Linux) a shell and a setpriv spawned before <c>initialize</c> could be answered (perf
    /// over 21 cold starts: 3.6% of the sidecar's own CPU up to the answer, plus the two processes' CPU on the same cores).
    /// </summary>
    private sealed class ContainmentFirstLauncher(IProcessLauncher launcher, IProcessPlatform platform, ILoggerFactory loggerFactory)
        : IProcessLauncher
    {
        public IChildProcess Launch(LaunchRequest request)
        {
            lock (s_containmentLock)
            {
                if (!s_containmentStarted)
                {
                    s_containmentStarted = true;
                    s_containment = platform.StartContainment();
                    if (s_containment is null)
                        loggerFactory.CreateLogger("BackendSidecar").LogWarning(
                            "{Platform}: no containment (on Linux: setpriv was not found): backends cannot be stopped if the " +
                            "sidecar itself is killed with SIGKILL; they are cleaned up at the next start instead", platform.Name);
                }
            }
            return launcher.Launch(request);
        }
    }
}
