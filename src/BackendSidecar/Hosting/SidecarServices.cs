using BackendSidecar.Core.Health;
using BackendSidecar.Core.Ports;
using BackendSidecar.Core.Processes;
using BackendSidecar.Core.State;
using BackendSidecar.Core.Supervision;
using Microsoft.Extensions.Logging;

namespace BackendSidecar.Hosting;

/// <summary>The real operating-system services behind the supervisor, wired once per process.</summary>
internal static class SidecarServices
{
    private static readonly Lock s_guardLock = new();
    private static SidecarDeathGuard? s_guard;
    private static bool s_guardStarted;

    /// <summary>Ends the guard at a clean exit, once every backend is stopped.</summary>
    public static async Task StopGuardAsync()
    {
        if (Interlocked.Exchange(ref s_guard, null) is { } guard)
            await guard.DisposeAsync().ConfigureAwait(false);
    }

    /// <exception cref="IOException">The folder for logs and state (<see cref="SidecarFolders"/>) belongs to another user.</exception>
    public static SupervisorServices Create(ILoggerFactory loggerFactory, string? configPath)
    {
        // Checked before anything is written there: the default log files and the state records.
        var folder = SidecarFolders.ForConfig(configPath);
        var firstStart = !Directory.Exists(folder);
        SidecarFolders.EnsurePrivate(folder);
        var launcher = new PosixProcessLauncher();
        if (!launcher.ParentDeathSignalAvailable)
            loggerFactory.CreateLogger("BackendSidecar").LogWarning(
                "setpriv was not found: backends cannot be killed by the kernel if the sidecar itself is killed with SIGKILL; " +
                "they are cleaned up at the next start instead");

        var stateStore = new StateFileStore(StateFileStore.DefaultDirectory(configPath));
        if (firstStart) AdoptLegacyState(stateStore, configPath, folder, loggerFactory);

        return new SupervisorServices
        {
            Launcher = new GuardFirstLauncher(launcher),
            HealthProbes = new HealthProbeFactory(),
            Ports = new LinuxPortInspector(),
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
    /// Starts the death guard once per process, just before the first backend: until then there is nothing for it to kill.
    /// At start-up it cost a shell and a setpriv spawned before <c>initialize</c> could be answered (perf over 21 cold
    /// starts: 3.6% of the sidecar's own CPU up to the answer, plus the two processes' CPU on the same 2 cores).
    /// </summary>
    private sealed class GuardFirstLauncher(PosixProcessLauncher launcher) : IProcessLauncher
    {
        public IChildProcess Launch(LaunchRequest request)
        {
            lock (s_guardLock)
            {
                if (!s_guardStarted)
                {
                    s_guardStarted = true;
                    s_guard = SidecarDeathGuard.TryStart(launcher);
                }
            }
            return launcher.Launch(request);
        }
    }
}
