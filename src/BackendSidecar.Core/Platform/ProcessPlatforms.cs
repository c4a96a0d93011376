using BackendSidecar.Core.Platform.Linux;
using BackendSidecar.Core.Platform.Posix;

namespace BackendSidecar.Core.Platform;

/// <summary>Chooses the <see cref="IProcessPlatform"/>: the OS's own, or the one <see cref="Variable"/> names.</summary>
public static class ProcessPlatforms
{
    /// <summary>Forces a platform: <c>linux</c>, <c>posix</c> (any Unix; on Linux, to run the macOS logic) or <c>windows</c>.</summary>
    public const string Variable = "BACKEND_SIDECAR_PLATFORM";

    public static readonly IReadOnlyList<string> Names = ["linux", "posix", "windows"];

    /// <summary>The platform <paramref name="requested"/> names, or this OS's default when it is null or empty.</summary>
    /// <param name="guardCommand">For posix: the command that runs the guard process (<see cref="PosixGuard"/>).</param>
    /// <exception cref="PlatformSelectionException">The name is unknown or cannot run on this OS.</exception>
    public static IProcessPlatform Create(string? requested, IReadOnlyList<string>? guardCommand = null, TimeProvider? time = null)
    {
        var name = string.IsNullOrWhiteSpace(requested) ? DefaultName() : requested.Trim().ToLowerInvariant();
        return name switch
        {
            "linux" when OperatingSystem.IsLinux() => new LinuxPlatform(time),
            "linux" => throw new PlatformSelectionException($"{Variable}=linux needs Linux (pidfd, /proc); this is {Describe()}."),
            "posix" when !OperatingSystem.IsWindows() => new PosixPlatform(guardCommand, time),
            "posix" => throw new PlatformSelectionException($"{Variable}=posix needs a Unix; this is {Describe()}."),
            "windows" when OperatingSystem.IsWindows() => new Windows.WindowsPlatform(time),
            "windows" => throw new PlatformSelectionException($"{Variable}=windows needs Windows (Job Objects); this is {Describe()}."),
            _ when !Names.Contains(name) => throw new PlatformSelectionException(
                $"{Variable}={requested} is not a platform; use one of: {string.Join(", ", Names)} (or leave it unset)."),
            _ => throw new PlatformSelectionException($"{Variable}={name}: not available in this build."),
        };
    }

    /// <summary>linux on Linux, windows on Windows, posix on any other Unix.</summary>
    public static string DefaultName() =>
        OperatingSystem.IsLinux() ? "linux" : OperatingSystem.IsWindows() ? "windows" : "posix";

    private static string Describe() => System.Runtime.InteropServices.RuntimeInformation.OSDescription;
}

/// <summary>The platform named in <see cref="ProcessPlatforms.Variable"/> cannot be used; the message is one line for the user.</summary>
public sealed class PlatformSelectionException(string message) : Exception(message);
