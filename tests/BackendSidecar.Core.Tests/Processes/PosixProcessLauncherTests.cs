using System.Globalization;
using BackendSidecar.Core.Processes;
using BackendSidecar.Testing;

using static BackendSidecar.Core.Tests.Processes.TestBackendRun;

namespace BackendSidecar.Core.Tests.Processes;

[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public sealed class PosixProcessLauncherTests
{
    [Fact]
    public async Task Launch_TestBackend_LeadsItsOwnProcessGroupUnderItsOwnPid()
    {
        using var run = TestBackendRun.Start();
        var pid = await run.Stdout.ReadNumberAsync("pid");

        var probed = ProcessProbe.Read(pid);
        Assert.NotNull(probed);
        Assert.Equal(run.Child.Pid, pid);
        Assert.Equal(pid, probed.Value.ProcessGroupId);
        Assert.Equal(pid, run.Child.ProcessGroupId);
        Assert.NotEqual(Environment.ProcessId, probed.Value.ProcessGroupId);
        Assert.Equal("test-backend", probed.Value.Name); // not setpriv: the launcher step exec'd in the same PID
        Assert.Equal(probed.Value.StartTimeTicks, run.Child.StartTimeTicks);
        Assert.True(new PosixProcessLauncher().ParentDeathSignalAvailable, "setpriv with --pdeathsig is installed here");
    }

    [Fact]
    public void Launch_WithParentDeathSignal_ReturnsOnceTheBackendItselfRuns()
    {
        using var run = Launch(Request("/usr/bin/sleep", "/", "30"));

        Assert.Equal("sleep", ProcessProbe.Read(run.Child.Pid)?.Name);
    }

    [Fact]
    public async Task Launch_Environment_IsPassedExactlyPlusTheInstanceMarker()
    {
        var environment = TestBackendApp.BaseEnvironment();
        environment["GREETING"] = "héllo wörld = yes";
        environment["EMPTY"] = "";
        using var run = TestBackendRun.Start(["--echo-env", "GREETING"], r => r with { Environment = environment });

        Assert.Equal("GREETING=héllo wörld = yes", await run.Stdout.WaitForLineAsync(l => l.StartsWith("GREETING=")));
        var expected = environment.Select(e => $"{e.Key}={e.Value}")
            .Append($"{PosixProcessLauncher.InstanceMarkerVariable}={run.Child.InstanceMarker}").Order();
        Assert.Equal(expected, ProcessProbe.ReadEnvironment(run.Child.Pid).Order());
    }

    [Fact]
    public void Launch_TwoLaunches_GetDifferentInstanceMarkers()
    {
        using var first = TestBackendRun.Start();
        using var second = TestBackendRun.Start();

        Assert.StartsWith($"{Environment.ProcessId}.", first.Child.InstanceMarker);
        Assert.NotEqual(first.Child.InstanceMarker, second.Child.InstanceMarker);
    }

    [Fact]
    public async Task Launch_WorkingDirectory_IsTheChildsCwd()
    {
        var directory = Directory.CreateTempSubdirectory("launch-cwd-").FullName;
        try
        {
            using var run = TestBackendRun.Start([], r => r with { WorkingDirectory = directory });
            await run.Stdout.ReadNumberAsync("pid");

            Assert.Equal(directory, ProcessProbe.WorkingDirectory(run.Child.Pid));
        }
        finally { Directory.Delete(directory); }
    }

    [Fact]
    public async Task Launch_Output_StdoutAndStderrArePipedSeparatelyAndStdinIsDevNull()
    {
        using var run = TestBackendRun.Start("--print", "hello out", "--stderr", "hello err");

        await run.Stdout.ReadNumberAsync("pid");
        Assert.Equal("hello out", await run.Stdout.ReadLineAsync());
        Assert.Equal("hello err", await run.Stderr.ReadLineAsync());
        Assert.Equal("/dev/null", new FileInfo($"/proc/{run.Child.Pid}/fd/0").LinkTarget);
    }

    [Fact]
    public void Launch_SignalDispositions_AreResetAndNothingIsBlocked()
    {
        // The test host (.NET) ignores SIGPIPE; without POSIX_SPAWN_SETSIGDEF the child would inherit that.
        using var run = Launch(Request("/usr/bin/sleep", "/", "30"));

        var status = File.ReadAllLines($"/proc/{run.Child.Pid}/status")
            .Where(l => l.StartsWith("Sig")).Select(l => l.Split(":\t")).Where(f => f.Length == 2 && f[0] != "SigQ").ToDictionary(f => f[0], f => ulong.Parse(f[1].Trim(), NumberStyles.HexNumber));
        // glibc's posix_spawn leaves its two internal signals (32, 33) ignored; a glibc program reinstalls them at need.
        const ulong glibcInternal = (1UL << 31) | (1UL << 32);
        Assert.Equal(0UL, status["SigIgn"] & ~glibcInternal);
        Assert.Equal(0UL, status["SigBlk"]);
    }

    [Fact]
    public void Launch_MissingFile_ThrowsLaunchExceptionNamingThePath()
    {
        var missing = Path.Combine(Path.GetTempPath(), "no-such-backend-" + Guid.NewGuid().ToString("N"));

        var error = Assert.Throws<LaunchException>(() => new PosixProcessLauncher().Launch(Request(missing, "/")));

        Assert.Contains(missing, error.Message);
        Assert.Contains("not found", error.Message);
    }

    [Fact]
    public void Launch_FileNotExecutable_ThrowsLaunchExceptionNamingThePath()
    {
        var file = Path.GetTempFileName();
        try
        {
            File.SetUnixFileMode(file, UnixFileMode.UserRead | UnixFileMode.UserWrite);
            var error = Assert.Throws<LaunchException>(() => new PosixProcessLauncher().Launch(Request(file, "/")));

            Assert.Contains(file, error.Message);
            Assert.Contains("not executable", error.Message);
        }
        finally { File.Delete(file); }
    }

    [Fact]
    public void Launch_MissingWorkingDirectory_ThrowsLaunchExceptionNamingIt()
    {
        var missing = Path.Combine(Path.GetTempPath(), "no-such-dir-" + Guid.NewGuid().ToString("N"));

        var error = Assert.Throws<LaunchException>(() => new PosixProcessLauncher().Launch(Request(TestBackendApp.Path, missing)));

        Assert.Contains(missing, error.Message);
        Assert.Contains("does not exist", error.Message);
    }

    [Fact]
    public void Launch_SpawnRefused_ThrowsLaunchExceptionWithErrno()
    {
        var notAProgram = LaunchDescriptorLeakTests.NotAProgram();
        try
        {
            var request = Request(notAProgram, "/") with { KillOnParentDeath = false };

            var error = Assert.Throws<LaunchException>(() => new PosixProcessLauncher().Launch(request));

            Assert.Contains(notAProgram, error.Message);
            Assert.Equal(8, error.Errno); // ENOEXEC
        }
        finally { File.Delete(notAProgram); }
    }
}
