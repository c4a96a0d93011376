using BackendSidecar.Core.Processes;
using BackendSidecar.Testing;

namespace BackendSidecar.Core.Tests.Processes;

public sealed class ChildProcessExitTests
{
    [Fact]
    public async Task Exited_ExitCode_IsReportedWithoutSignal()
    {
        using var run = TestBackendRun.Start("--exit-code", "7");

        var exit = await run.Child.Exited.WaitAsync(TestTimeouts.Unexpected);

        Assert.Equal(7, exit.Code);
        Assert.Null(exit.Signal);
        Assert.Null(exit.SignalName);
        Assert.Equal("exited with code 7", exit.ToString());
    }

    [Fact]
    public async Task Exited_KilledBySigkill_ReportsTheSignal()
    {
        using var run = TestBackendRun.Start();
        await run.Stdout.ReadNumberAsync("pid");

        Assert.True(ProcessProbe.Signal(run.Child.Pid, Signals.SIGKILL));
        var exit = await run.Child.Exited.WaitAsync(TestTimeouts.Unexpected);

        Assert.Null(exit.Code);
        Assert.Equal(9, exit.Signal);
        Assert.Equal("SIGKILL", exit.SignalName);
    }

    [Fact]
    public async Task Exited_WhileStillRunning_DoesNotComplete()
    {
        using var run = TestBackendRun.Start();
        await run.Stdout.ReadNumberAsync("pid");

        Assert.NotSame(run.Child.Exited, await Task.WhenAny(run.Child.Exited, Task.Delay(TestTimeouts.Expected)));
    }

    [Fact]
    public async Task Exited_AfterTheExit_TheChildIsReapedNotAZombie()
    {
        using var run = TestBackendRun.Start("--exit-code", "0");
        var start = run.Child.StartTimeTicks;

        await run.Child.Exited.WaitAsync(TestTimeouts.Unexpected);

        // Reaped: no /proc entry any more (or, were the PID reused already, a different process).
        Assert.False(ProcessProbe.Read(run.Child.Pid) is { } p && p.StartTimeTicks == start, "the exited child is still in the process table");
    }

    [Fact]
    public async Task StandardOutput_ManyLines_AllArriveInOrder()
    {
        const int lines = 20_000;
        using var run = TestBackendRun.Start("--lines", lines.ToString(), "--line-bytes", "100", "--exit-code", "0");

        using var reader = new StreamReader(run.Child.StandardOutput);
        Assert.StartsWith("pid ", await reader.ReadLineAsync());
        for (var i = 0; i < lines; i++) Assert.Equal(i.ToString("D9"), (await reader.ReadLineAsync())?[..9]);
        Assert.Null(await reader.ReadLineAsync());
        Assert.Equal("done", await run.Stderr.ReadLineAsync());
        Assert.Equal(0, (await run.Child.Exited.WaitAsync(TestTimeouts.Unexpected)).Code);
    }
}
