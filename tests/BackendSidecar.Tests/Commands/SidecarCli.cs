using System.Runtime.InteropServices;
using System.Threading.Channels;
using BackendSidecar.Testing;
using BackendSidecar.Tests.Support;
using CliWrap;
using CliWrap.Buffered;

namespace BackendSidecar.Tests.Commands;

/// <summary>Runs the built <c>backend-sidecar</c> as a person would at a terminal (but piped), through CliWrap.</summary>
internal static class SidecarCli
{
    public const int SIGINT = 2;

    [DllImport("libc", SetLastError = true)]
    private static extern int kill(int pid, int signal);

    /// <summary>Runs to the end (bounded) and returns the exit code and both outputs.</summary>
    public static async Task<BufferedCommandResult> RunAsync(params string[] args) => await RunIn(null, args);

    /// <summary>As <see cref="RunAsync(string[])"/>, with the per-user folders (the attach socket's included) in <paramref name="folders"/>.</summary>
    public static async Task<BufferedCommandResult> RunIn(string? folders, params string[] args)
    {
        using var timeout = new CancellationTokenSource(TestTimeouts.Unexpected);
        return await Command(args, folders).ExecuteBufferedAsync(timeout.Token);
    }

    /// <summary>Starts <c>backend-sidecar</c> and reads its output as it comes; disposing kills it if it still runs.</summary>
    public static RunningSidecar Start(params string[] args) => new(Command(args));

    /// <summary>As <see cref="Start(string[])"/>, with the per-user folders in <paramref name="folders"/>.</summary>
    public static RunningSidecar StartIn(string folders, params string[] args) => new(Command(args, folders));

    public static void Signal(int pid, int signal)
    {
        if (kill(pid, signal) != 0) throw new InvalidOperationException($"kill({pid}, {signal}) failed: errno {Marshal.GetLastPInvokeError()}");
    }

    // A test run started in the background of a non-interactive shell inherits SIGINT as ignored, and so would the
    // sidecar: a person's Ctrl+C is what these tests play, so the sidecar starts with SIGINT at its default. GNU env
    // resets it and then execs, keeping the pid.
    private static readonly bool ResetSigint = OperatingSystem.IsLinux() && File.Exists("/usr/bin/env");

    private static Command Command(string[] args, string? folders = null) =>
        (ResetSigint
            ? CliWrap.Cli.Wrap("/usr/bin/env").WithArguments(["--default-signal=INT", SidecarApp.Path, .. args])
            : CliWrap.Cli.Wrap(SidecarApp.Path).WithArguments(args))
            .WithValidation(CommandResultValidation.None)
            // Whatever the test runner's environment, the output is piped: colours must come from that alone. Without
            // folders of its own, each run gets a fresh runtime folder, so that parallel runs of one configuration never
            // attach to each other.
            .WithEnvironmentVariables(e => e
                .Set("NO_COLOR", null)
                .Set("XDG_RUNTIME_DIR", folders ?? Directory.CreateTempSubdirectory("backend-sidecar-cli-").FullName)
                .Set("XDG_STATE_HOME", folders ?? Environment.GetEnvironmentVariable("XDG_STATE_HOME")));
}

/// <summary>A <c>backend-sidecar run</c> in progress: its stdout and stderr lines, merged, and its exit.</summary>
internal sealed class RunningSidecar : IAsyncDisposable
{
    private readonly Channel<string> _lines = Channel.CreateUnbounded<string>();
    private readonly List<string> _seen = [];
    private readonly CancellationTokenSource _kill = new();
    private readonly CommandTask<CommandResult> _task;

    public RunningSidecar(Command command)
    {
        var target = PipeTarget.ToDelegate(line => _lines.Writer.TryWrite(line));
        _task = (command | (target, target)).ExecuteAsync(_kill.Token);
        _ = _task.Task.ContinueWith(_ => _lines.Writer.TryComplete(), TaskScheduler.Default);
    }

    public int Pid => _task.ProcessId;

    /// <summary>Every line read so far, for assertions and failure messages.</summary>
    public IReadOnlyList<string> Seen => _seen;

    public async Task<string> WaitForLineAsync(Func<string, bool> match, TimeSpan? timeout = null)
    {
        using var limit = new CancellationTokenSource(timeout ?? TestTimeouts.Unexpected);
        try
        {
            while (await _lines.Reader.WaitToReadAsync(limit.Token))
            {
                while (_lines.Reader.TryRead(out var line))
                {
                    _seen.Add(line);
                    if (match(line)) return line;
                }
            }
        }
        catch (OperationCanceledException)
        {
            throw new TimeoutException($"No such line in time; seen: [{string.Join(" | ", _seen)}]");
        }
        throw new EndOfStreamException($"Output ended; seen: [{string.Join(" | ", _seen)}]");
    }

    public Task<string> WaitForLineAsync(string contains, TimeSpan? timeout = null) =>
        WaitForLineAsync(l => l.Contains(contains, StringComparison.Ordinal), timeout);

    /// <summary>Waits for the exit (bounded) and reads the rest of the output.</summary>
    public async Task<int> WaitForExitAsync(TimeSpan? timeout = null)
    {
        var finished = await Task.WhenAny(_task.Task, Task.Delay(timeout ?? TestTimeouts.Unexpected));
        if (finished != _task.Task) throw new TimeoutException($"backend-sidecar did not exit in time; seen: [{string.Join(" | ", _seen)}]");
        var result = await _task;
        await foreach (var line in _lines.Reader.ReadAllAsync()) _seen.Add(line);
        return result.ExitCode;
    }

    public void Signal(int signal) => SidecarCli.Signal(Pid, signal);

    public async ValueTask DisposeAsync()
    {
        await _kill.CancelAsync();
        try
        {
            await _task;
        }
        catch (OperationCanceledException)
        {
        }
        _kill.Dispose();
    }
}
