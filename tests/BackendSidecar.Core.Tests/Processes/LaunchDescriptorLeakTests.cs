using BackendSidecar.Core.Processes;
using BackendSidecar.Testing;
using static BackendSidecar.Core.Tests.Processes.TestBackendRun;

namespace BackendSidecar.Core.Tests.Processes;

/// <summary>
/// Runs alone: it counts this process's descriptors, which tests running in parallel would change. It counts the kinds a
/// launch opens (pipes, pidfds) and asserts no growth: descriptors of earlier tests may still close meanwhile.
/// </summary>
[CollectionDefinition(nameof(LaunchDescriptorLeakTests), DisableParallelization = true)]
[Collection(nameof(LaunchDescriptorLeakTests))]
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public sealed class LaunchDescriptorLeakTests
{
    private static readonly string[] LaunchDescriptors = ["pipe:", "anon_inode:[pidfd]", "anon_inode:[eventfd]"];

    [Fact]
    public void Launch_SpawnFails_LeaksNoDescriptors()
    {
        var notAProgram = NotAProgram();
        try
        {
            var launcher = new PosixProcessLauncher();
            var request = Request(notAProgram, "/") with { KillOnParentDeath = false };
            Assert.Throws<LaunchException>(() => launcher.Launch(request));
            var before = ProcessProbe.OpenDescriptorCount(LaunchDescriptors);

            for (var i = 0; i < 20; i++) Assert.Throws<LaunchException>(() => launcher.Launch(request));

            Assert.InRange(ProcessProbe.OpenDescriptorCount(LaunchDescriptors), 0, before);
        }
        finally { File.Delete(notAProgram); }
    }

    [Fact]
    public async Task Launch_200SequentialLaunches_LeakNoDescriptors()
    {
        var launcher = new PosixProcessLauncher();
        await RunToEndAsync(launcher); // warm up: the watcher's eventfd and the setpriv probe are opened once
        var before = ProcessProbe.OpenDescriptorCount(LaunchDescriptors);

        for (var i = 0; i < 200; i++) await RunToEndAsync(launcher);

        Assert.InRange(ProcessProbe.OpenDescriptorCount(LaunchDescriptors), 0, before);
    }

    /// <summary>An executable file the kernel cannot run (ENOEXEC from the spawn itself, after the pipes exist).</summary>
    internal static string NotAProgram()
    {
        var path = Path.GetTempFileName();
        File.WriteAllBytes(path, [0, 1, 2, 3, 0x67, 0x61, 0x72, 0x62, 0x61, 0x67, 0x65]);
        File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        return path;
    }

    private static async Task RunToEndAsync(PosixProcessLauncher launcher)
    {
        using var child = launcher.Launch(Request("/usr/bin/true", "/"));
        await child.StandardOutput.CopyToAsync(Stream.Null);
        var exit = await child.Exited.WaitAsync(TestTimeouts.Unexpected);
        Assert.Equal(0, exit.Code);
    }
}
