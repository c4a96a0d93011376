using System.Text;
using CliWrap;
using CliWrap.Buffered;

namespace BackendSidecar.Core.Platform.Posix;

/// <summary>Runs a short system tool (ps, lsof) through CliWrap with a timeout, in the C locale; any failure (missing
/// tool, sandbox, timeout) is null, never an exception: callers then know less, they do not fail.</summary>
internal static class ShortCommand
{
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(2);

    /// <summary>The tool's stdout when it ran to its end (any exit code: lsof exits 1 when it finds nothing), else null.</summary>
    public static string? Run(string tool, IReadOnlyList<string> args, TimeSpan? timeout = null) =>
        Task.Run(() => RunAsync(tool, args, timeout ?? DefaultTimeout)).GetAwaiter().GetResult();

    private static async Task<string?> RunAsync(string tool, IReadOnlyList<string> args, TimeSpan timeout)
    {
        if (Locate(tool) is not { } path) return null;
        using var cancel = new CancellationTokenSource(timeout);
        try
        {
            var result = await Cli.Wrap(path)
                .WithArguments(args)
                .WithEnvironmentVariables(e => e.Set("LC_ALL", "C"))
                .WithValidation(CommandResultValidation.None)
                .ExecuteBufferedAsync(Encoding.UTF8, cancel.Token)
                .ConfigureAwait(false);
            return result.StandardOutput;
        }
        catch (Exception e) when (e is OperationCanceledException or System.ComponentModel.Win32Exception or InvalidOperationException or IOException)
        {
            return null;
        }
    }

    /// <summary>The usual places first (a macOS app's PATH may lack /usr/sbin, where lsof is), then PATH.</summary>
    private static string? Locate(string tool)
    {
        foreach (var folder in (string[])["/usr/sbin", "/usr/bin", "/bin", "/sbin"])
        {
            var candidate = Path.Combine(folder, tool);
            if (File.Exists(candidate)) return candidate;
        }
        foreach (var folder in (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':', StringSplitOptions.RemoveEmptyEntries))
        {
            var candidate = Path.Combine(folder, tool);
            if (File.Exists(candidate)) return candidate;
        }
        return null;
    }
}
