using System.Diagnostics;
using BackendSidecar.Testing;

namespace BackendSidecar.Core.Tests.Logging;

/// <summary>A real <c>python3 -c</c> child with piped stdout and stderr, killed (by its PID) on dispose if still running.</summary>
internal sealed class PythonChild : IDisposable
{
    private PythonChild(Process process) => Process = process;

    public Process Process { get; }

    public Stream Stdout => Process.StandardOutput.BaseStream;

    public Stream Stderr => Process.StandardError.BaseStream;

    public static PythonChild Start(string script, params string[] args)
    {
        var info = new ProcessStartInfo("python3")
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        info.ArgumentList.Add("-c");
        info.ArgumentList.Add(script);
        foreach (var arg in args)
        {
            info.ArgumentList.Add(arg);
        }

        var process = Process.Start(info) ?? throw new InvalidOperationException("python3 did not start");
        process.StandardInput.Close();
        return new PythonChild(process);
    }

    /// <summary>Waits for the exit with <see cref="TestTimeouts.Unexpected"/>; fails the test when it does not come.</summary>
    public async Task<int> WaitForExitAsync()
    {
        using var timeout = new CancellationTokenSource(TestTimeouts.Unexpected);
        try
        {
            await Process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            Assert.Fail($"python3 (pid {Process.Id}) did not exit within {TestTimeouts.Unexpected}");
        }

        return Process.ExitCode;
    }

    public void Dispose()
    {
        try
        {
            if (!Process.HasExited)
            {
                Process.Kill();
                Process.WaitForExit(TestTimeouts.Unexpected);
            }
        }
        catch (InvalidOperationException)
        {
            // Already gone.
        }

        Process.Dispose();
    }
}
