using System.ComponentModel;
using System.Text;
using CliWrap;

namespace BackendSidecar.Core.Platform.Posix;

/// <summary>
/// Runs a short system tool (ps, lsof) through CliWrap with a timeout, in the C locale, and returns its stdout; any failure
/// (missing tool, sandbox, timeout, runaway output) is null, never an exception: callers then know less, they do not fail.
/// </summary>
/// <remarks>
/// Asynchronous all the way: every caller awaits it (the seam's lookups are asynchronous), so no thread waits on a run.
/// Blocking on it from a synchronous caller starved the thread pool under the parallel end-to-end tests (2 cores): the
/// run needs pool threads to finish while the blocked callers held them.
/// </remarks>
internal static class ShortCommand
{
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(2);

    /// <summary>More than any ps or lsof answer here (ps -A on a busy machine is a few hundred kB).</summary>
    internal const int MaxOutputBytes = 4 * 1024 * 1024;

    /// <summary>The tool's stdout when it ran to its end (any exit code: lsof exits 1 when it finds nothing), else null.</summary>
    public static async ValueTask<string?> RunAsync(string tool, IReadOnlyList<string> args, CancellationToken cancellationToken = default,
        TimeSpan? timeout = null)
    {
        if (Locate(tool) is not { } path) return null;
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(timeout ?? DefaultTimeout);
        var output = new CappedOutput(MaxOutputBytes);
        try
        {
            // On cancellation (the timeout or the caller's token) CliWrap kills the tool and the run throws.
            await Cli.Wrap(path)
                .WithArguments(args)
                .WithWorkingDirectory("/")
                .WithEnvironmentVariables(env => env.Set("LC_ALL", "C").Set("PATH", "/usr/sbin:/usr/bin:/sbin:/bin"))
                .WithStandardOutputPipe(output)
                .WithValidation(CommandResultValidation.None)
                .ExecuteAsync(deadline.Token)
                .ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            return null;
        }
        catch (Exception e) when (e is Win32Exception or InvalidOperationException or IOException or UnauthorizedAccessException)
        {
            return null;
        }
        return output.Text;
    }

    /// <summary>The usual places first (a macOS app's PATH may lack /usr/sbin, where lsof is), then PATH.</summary>
    private static string? Locate(string tool)
    {
        string[] usual = ["/usr/sbin", "/usr/bin", "/bin", "/sbin"];
        var onPath = (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':', StringSplitOptions.RemoveEmptyEntries);
        return usual.Concat(onPath).Select(folder => Path.Combine(folder, tool)).FirstOrDefault(File.Exists);
    }

    /// <summary>Keeps at most <paramref name="cap"/> bytes; past it the rest is drained and dropped (so the tool is not
    /// left blocked on a full pipe) and the result is null.</summary>
    internal sealed class CappedOutput(int cap) : PipeTarget
    {
        private readonly MemoryStream _kept = new();
        private bool _overflowed;

        /// <summary>The output as UTF-8 text, or null when it went past the cap.</summary>
        public string? Text => _overflowed ? null : Encoding.UTF8.GetString(_kept.GetBuffer(), 0, (int)_kept.Length);

        public override async Task CopyFromAsync(Stream origin, CancellationToken cancellationToken = default)
        {
            var buffer = new byte[16 * 1024];
            int count;
            // Bounded by the tool's end of output, or by the run's cancellation (which kills the tool).
            while ((count = await origin.ReadAsync(buffer, cancellationToken).ConfigureAwait(false)) > 0)
            {
                if (_overflowed) continue;
                if (_kept.Length + count > cap)
                {
                    _overflowed = true;
                    _kept.SetLength(0);
                    continue;
                }
                _kept.Write(buffer, 0, count);
            }
        }
    }
}
