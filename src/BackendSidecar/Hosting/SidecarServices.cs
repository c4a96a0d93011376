using BackendSidecar.Core.Health;
using BackendSidecar.Core.Platform;
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
        SidecarFolders.EnsurePrivate(SidecarFolders.ForConfig(configPath));
        var platform = Platform;
        lock (s_containmentLock)
        {
            if (!s_containmentStarted)
            {
                s_containmentStarted = true;
                s_containment = platform.StartContainment();
                if (s_containment is null)
                    loggerFactory.CreateLogger("BackendSidecar").LogWarning(
                        "{Platform}: no containment (on Linux: setpriv was not found): backends cannot be stopped if the sidecar " +
                        "itself is killed with SIGKILL; they are cleaned up at the next start instead", platform.Name);
            }
        }

        return SupervisorServices.ForPlatform(platform, new HealthProbeFactory()) with
        {
            StateStore = new StateFileStore(StateFileStore.DefaultDirectory(configPath)),
            LoggerFactory = loggerFactory,
        };
    }
}
