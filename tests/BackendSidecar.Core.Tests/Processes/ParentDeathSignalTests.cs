using BackendSidecar.Core.Processes;
using BackendSidecar.Testing;

namespace BackendSidecar.Core.Tests.Processes;

public sealed class ParentDeathSignalTests
{
    [Fact]
    public async Task Launch_SidecarKilledWithSigkill_BackendIsGoneWithinTwoSeconds()
    {
        // test-backend plays the sidecar: it launches `sleep` with PosixProcessLauncher, as the sidecar would.
        using var sidecar = TestBackendRun.Start(["--launch", "--", "/usr/bin/sleep", "1000"], r => r with { KillOnParentDeath = false });
        await sidecar.Stdout.ReadNumberAsync("pid");
        var backend = sidecar.Tracker.Track(await sidecar.Stdout.ReadNumberAsync("child"));
        Assert.Equal("sleep", ProcessProbe.Read(backend)?.Name);

        ProcessProbe.Signal(sidecar.Child.Pid, Signals.SIGKILL);

        Assert.True(await ProcessProbe.WaitUntilGoneAsync(backend, TimeSpan.FromSeconds(2)), "the backend outlived its sidecar");
    }

    [Fact]
    public async Task Launch_WithoutParentDeathSignal_BackendOutlivesItsSidecar()
    {
        // The control case: shows that the test above can fail.
        using var sidecar = TestBackendRun.Start(["--no-pdeathsig", "--launch", "--", "/usr/bin/sleep", "1000"],
            r => r with { KillOnParentDeath = false });
        await sidecar.Stdout.ReadNumberAsync("pid");
        var backend = sidecar.Tracker.Track(await sidecar.Stdout.ReadNumberAsync("child"));

        ProcessProbe.Signal(sidecar.Child.Pid, Signals.SIGKILL);
        await sidecar.Child.Exited.WaitAsync(TestTimeouts.Unexpected);

        Assert.False(await ProcessProbe.WaitUntilGoneAsync(backend, TestTimeouts.Expected));
    }
}
