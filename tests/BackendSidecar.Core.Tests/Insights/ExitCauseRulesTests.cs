using BackendSidecar.Core.Insights;
using BackendSidecar.Core.Processes;
using BackendSidecar.Core.Tests.Configuration;

namespace BackendSidecar.Core.Tests.Insights;

/// <summary>
/// One test per row of <see cref="ExitCauseRules"/>, fed with REAL output captured from real backends
/// (Insights/ExitOutputs, see its README.md for how each was made).
/// </summary>
public sealed class ExitCauseRulesTests
{
    private static IReadOnlyList<string> Output(string file)
    {
        var lines = File.ReadAllLines(Path.Combine(ConfigTestSupport.RepoRoot, "tests", "BackendSidecar.Core.Tests", "Insights", "ExitOutputs", file));
        return lines.TakeLast(ExitEvidence.TailLines).ToArray();
    }

    private static ExitDiagnosis Diagnose(int? code = null, int? signal = null, string? output = null, SidecarStopReason? stoppedBy = null,
        OomIndication oom = OomIndication.NotSeen, int? port = null, bool portHeld = false) =>
        ExitCauseRules.Diagnose(new ExitEvidence
        {
            Code = code,
            Signal = signal,
            LastLines = output is null ? [] : Output(output),
            StoppedBy = stoppedBy,
            Oom = oom,
            Port = port,
            PortHeldByOther = portHeld,
        });

    // Row 1: the sidecar's own signal explains the exit, whatever the output says.
    [Theory]
    [InlineData(SidecarStopReason.Requested, "stopped on request (killed by SIGTERM)")]
    [InlineData(SidecarStopReason.Shutdown, "stopped as the sidecar shut down (killed by SIGTERM)")]
    [InlineData(SidecarStopReason.HealthCheckFailed, "stopped by the sidecar because its health check kept failing (killed by SIGTERM)")]
    [InlineData(SidecarStopReason.StartupTimeout, "stopped by the sidecar because it was not healthy within the startup timeout (killed by SIGTERM)")]
    [InlineData(SidecarStopReason.StartStalled, "stopped by the sidecar because its loading progress stalled (killed by SIGTERM)")]
    public void StoppedBySidecar_EachReason_SaysWhy(SidecarStopReason reason, string hint)
    {
        var diagnosis = Diagnose(signal: Signals.SIGTERM, output: "python-traceback.txt", stoppedBy: reason);

        Assert.Equal(new ExitDiagnosis(ExitCause.StoppedBySidecar, hint), diagnosis);
    }

    [Fact]
    public void StoppedBySidecar_EvenWithSigkillAfterTheTimeout_IsNotOutOfMemory()
    {
        var diagnosis = Diagnose(signal: Signals.SIGKILL, stoppedBy: SidecarStopReason.Requested, oom: OomIndication.Unknown);

        Assert.Equal(new ExitDiagnosis(ExitCause.StoppedBySidecar, "stopped on request (killed by SIGKILL)"), diagnosis);
    }

    // Row 2: out of memory.
    [Fact]
    public void OutOfMemory_SigkillWithTheCgroupCounterRaised_IsCertain()
    {
        var diagnosis = Diagnose(signal: Signals.SIGKILL, oom: OomIndication.Seen);

        Assert.Equal(ExitCause.OutOfMemory, diagnosis.Cause);
        Assert.StartsWith("killed by the kernel's out-of-memory killer", diagnosis.Hint, StringComparison.Ordinal);
    }

    [Fact]
    public void OutOfMemory_Exit137FromAShellWhoseChildWasKilled_IsCertainWithTheCounter()
    {
        var diagnosis = Diagnose(code: 137, oom: OomIndication.Seen);

        Assert.Equal(ExitCause.OutOfMemory, diagnosis.Cause);
    }

    [Fact]
    public void OutOfMemory_SigkillNotSentByUsWithoutCounters_IsProbable()
    {
        var diagnosis = Diagnose(signal: Signals.SIGKILL, oom: OomIndication.Unknown);

        Assert.Equal(new ExitDiagnosis(ExitCause.OutOfMemory, "probably killed by the kernel's out-of-memory killer (SIGKILL, which the sidecar did not send)"), diagnosis);
    }

    [Fact]
    public void OutOfMemory_SigkillWithTheCounterUnchanged_IsAPlainSignal()
    {
        var diagnosis = Diagnose(signal: Signals.SIGKILL, oom: OomIndication.NotSeen);

        Assert.Equal(new ExitDiagnosis(ExitCause.Signal, "killed by SIGKILL, which the sidecar did not send"), diagnosis);
    }

    // Row 3: port in use.
    [Theory]
    [InlineData("python-http-server-port-in-use.txt", "port 8000 is already in use: OSError: [Errno 98] Address already in use")]
    [InlineData("python-socket-bind-in-use.txt", "port 8000 is already in use: OSError: [Errno 98] Address already in use")]
    [InlineData("node-eaddrinuse.txt", "port 8000 is already in use: Error: listen EADDRINUSE: address already in use 127.0.0.1:47129")]
    public void PortInUse_RealOutput_IsRecognised(string file, string hint)
    {
        var diagnosis = Diagnose(code: 1, output: file, port: 8000);

        Assert.Equal(new ExitDiagnosis(ExitCause.PortInUse, hint), diagnosis);
    }

    [Theory]
    [InlineData("ERROR:    [Errno 98] error while attempting to bind on address ('127.0.0.1', 8000): address already in use")] // uvicorn
    [InlineData("2026/01/01 09:00:00 listen tcp 127.0.0.1:8000: bind: address already in use")] // Go's net/http
    public void PortInUse_UvicornAndGoWording_IsRecognised(string line)
    {
        var diagnosis = ExitCauseRules.Diagnose(new ExitEvidence { Code = 1, LastLines = [line], Port = 8000 });

        Assert.Equal(ExitCause.PortInUse, diagnosis.Cause);
    }

    [Fact]
    public void PortInUse_PortHeldByAnotherProcessAtExit_WithoutOutput()
    {
        var diagnosis = Diagnose(code: 1, port: 8000, portHeld: true);

        Assert.Equal(new ExitDiagnosis(ExitCause.PortInUse, "port 8000 is held by another process"), diagnosis);
    }

    // Row 4: missing module.
    [Theory]
    [InlineData("python-module-not-found.txt", "ModuleNotFoundError: No module named 'uvicorn': install it in the backend's Python environment")]
    [InlineData("python-m-no-module.txt", "/root/.pyenv/versions/3.11.7/bin/python3: No module named nosuchmodule_xyz: install it")]
    [InlineData("node-cannot-find-module.txt", "Error: Cannot find module 'express': install it (npm install)")]
    public void MissingModule_RealOutput_NamesTheModule(string file, string hintStart)
    {
        var diagnosis = Diagnose(code: 1, output: file);

        Assert.Equal(ExitCause.MissingModule, diagnosis.Cause);
        Assert.StartsWith(hintStart, diagnosis.Hint, StringComparison.Ordinal);
    }

    // Row 5: command not found.
    [Fact]
    public void CommandNotFound_RealBashOutput_NamesTheCommand()
    {
        var diagnosis = Diagnose(code: 127, output: "bash-command-not-found.txt");

        Assert.Equal(new ExitDiagnosis(ExitCause.CommandNotFound, "command not found: nosuchcmd-xyz (is it installed, and on PATH or in searchPaths?)"), diagnosis);
    }

    [Fact]
    public void CommandNotFound_Exit127WithoutWords_IsStillRecognised()
    {
        var diagnosis = Diagnose(code: 127);

        Assert.Equal(new ExitDiagnosis(ExitCause.CommandNotFound, "exit 127: a command was not found"), diagnosis);
    }

    [Fact]
    public void CommandNotFound_DashWording_NamesTheCommand()
    {
        var diagnosis = ExitCauseRules.Diagnose(new ExitEvidence { Code = 127, LastLines = ["/bin/sh: 1: gunicorn: not found"] });

        Assert.Equal("command not found: gunicorn (is it installed, and on PATH or in searchPaths?)", diagnosis.Hint);
    }

    // Row 6: permission denied.
    [Theory]
    [InlineData("bash-permission-denied.txt", 126, "bash: line 1: /tmp/cap/serve.sh: Permission denied")]
    [InlineData("python-permission-error.txt", 1, "PermissionError: [Errno 13] Permission denied: '/proc/1/mem'")]
    public void PermissionDenied_RealOutput_QuotesTheLine(string file, int code, string hint)
    {
        var diagnosis = Diagnose(code: code, output: file);

        Assert.Equal(new ExitDiagnosis(ExitCause.PermissionDenied, hint), diagnosis);
    }

    [Fact]
    public void PermissionDenied_Exit126WithoutWords_IsStillRecognised()
    {
        Assert.Equal(ExitCause.PermissionDenied, Diagnose(code: 126).Cause);
    }

    // Row 7: Python traceback.
    [Fact]
    public void PythonException_RealTraceback_HintIsItsLastLine()
    {
        var diagnosis = Diagnose(code: 1, output: "python-traceback.txt");

        Assert.Equal(new ExitDiagnosis(ExitCause.PythonException, "ValueError: bad weights file: model.bin"), diagnosis);
    }

    // Row 8: a signal not sent by us.
    [Fact]
    public void Signal_NotSentByUs_NamesIt()
    {
        var diagnosis = Diagnose(signal: 11);

        Assert.Equal(new ExitDiagnosis(ExitCause.Signal, "killed by SIGSEGV, which the sidecar did not send"), diagnosis);
    }

    // Row 9: a plain non-zero exit.
    [Fact]
    public void ExitCode_NonZeroWithoutAnythingKnown_QuotesTheLastLine()
    {
        var diagnosis = Diagnose(code: 3, output: "python-plain-exit-3.txt");

        Assert.Equal(new ExitDiagnosis(ExitCause.ExitCode, "exited with code 3; last line: shutting down: no GPU found"), diagnosis);
    }

    // Row 10: exit 0, and output that would otherwise match does not count.
    [Fact]
    public void Exited_CodeZero_IgnoresErrorsInTheOutput()
    {
        var diagnosis = Diagnose(code: 0, output: "python-module-not-found.txt");

        Assert.Equal(new ExitDiagnosis(ExitCause.Exited, "exited with code 0"), diagnosis);
    }
}
