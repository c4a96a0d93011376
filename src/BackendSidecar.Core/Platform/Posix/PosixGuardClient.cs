using System.Globalization;
using System.IO.Pipes;
using System.Text;
using Native = BackendSidecar.Core.Processes.Interop.Posix;

namespace BackendSidecar.Core.Platform.Posix;

/// <summary>
/// The sidecar's end of the guard (<see cref="PosixGuard"/>): a child in its own process group whose stdin is a pipe
/// from us. Each backend group is announced (<c>+PGID</c>) when it starts and withdrawn (<c>-PGID</c>) once empty; a
/// clean exit says <c>bye</c>. When the sidecar dies any other way the kernel closes the pipe, and the guard stops
/// every group still announced.
/// </summary>
/// <remarks>Thread-safe. The pipe's write end is close-on-exec, so no backend holds it open after the sidecar died.</remarks>
internal sealed class PosixGuardClient : IAsyncDisposable
{
    private static readonly TimeSpan ExitWait = TimeSpan.FromSeconds(5);
    private static readonly string[] s_passedVariables = ["PATH", "HOME", "TMPDIR", "DOTNET_ROOT", "DOTNET_ROOT_X64", "DOTNET_ROOT_ARM64"];

    private readonly Lock _lock = new();
    private readonly StreamWriter _writer;
    private readonly Task _exited;
    private bool _closed;

    private PosixGuardClient(int pid, StreamWriter writer, Task exited)
    {
        Pid = pid;
        _writer = writer;
        _exited = exited;
    }

    /// <summary>The guard's PID (for tests).</summary>
    public int Pid { get; }

    /// <summary>Starts <paramref name="command"/> (the sidecar binary and its guard argument); null when it cannot start.</summary>
    public static PosixGuardClient? TryStart(IReadOnlyList<string> command, TimeProvider time)
    {
        if (command.Count == 0 || !File.Exists(command[0])) return null;
        var (read, write) = PosixGroupSpawn.CreatePipe();
        int pid;
        try
        {
            var environment = s_passedVariables
                .Select(name => (name, value: Environment.GetEnvironmentVariable(name)))
                .Where(v => !string.IsNullOrEmpty(v.value))
                .Select(v => $"{v.name}={v.value}")
                .ToList();
            pid = PosixGroupSpawn.Spawn(command[0], command, environment, "/", read, -1, -1);
        }
        catch (Processes.LaunchException)
        {
            _ = Native.close(write);
            return null;
        }
        finally
        {
            _ = Native.close(read);
        }
        var writer = new StreamWriter(PosixGroupSpawn.OpenStream(write, PipeDirection.Out), new UTF8Encoding(false)) { AutoFlush = true, NewLine = "\n" };
        return new PosixGuardClient(pid, writer, WaitpidThread.Watch(pid, time));
    }

    /// <summary>The guard stops this group if the sidecar dies.</summary>
    public void Watch(int processGroupId) => Send($"+{processGroupId.ToString(CultureInfo.InvariantCulture)}");

    /// <summary>The group is empty: its id may go to a stranger, so the guard must forget it.</summary>
    public void Forget(int processGroupId) => Send($"-{processGroupId.ToString(CultureInfo.InvariantCulture)}");

    /// <summary>The clean goodbye: the backends are stopped already; the guard exits without touching anything.</summary>
    public async ValueTask DisposeAsync()
    {
        Send(PosixGuard.Goodbye);
        lock (_lock)
        {
            _closed = true;
            _writer.Dispose();
        }
        await Task.WhenAny(_exited, Task.Delay(ExitWait)).ConfigureAwait(false);
    }

    private void Send(string line)
    {
        lock (_lock)
        {
            if (_closed) return;
            try
            {
                _writer.WriteLine(line);
            }
            catch (IOException)
            {
                // The guard is gone (killed on its own): containment is lost, the next start's orphan reaper remains.
                _closed = true;
            }
        }
    }
}
