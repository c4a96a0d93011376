using BackendSidecar.Core.Logging;

namespace BackendSidecar.Core.Tests.Logging;

/// <summary>Log files are private and never reached through a link someone planted.</summary>
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public sealed class LogFileSafetyTests
{
    private static readonly DateTimeOffset T0 = new(2024, 5, 1, 12, 34, 56, 789, TimeSpan.Zero);

    [Fact]
    public void Write_SymlinkPlantedAtTheLogPath_NotFollowed()
    {
        using var dir = new TempDirectory();
        var victim = dir.File("victim.txt");
        File.WriteAllText(victim, "precious\n");
        var path = dir.File("api.log");
        File.CreateSymbolicLink(path, victim);

        using (var file = new RotatingLogFile(path, 1 << 20, 3))
        {
            Assert.Throws<IOException>(() =>
            {
                file.Write(T0, LogStream.Stdout, "appended through the link");
                file.Flush();
            });
        }

        Assert.Equal("precious\n", File.ReadAllText(victim));
    }

    [Fact]
    public void Write_NewFileInNewFolder_FileIs0600AndFolder0700()
    {
        using var dir = new TempDirectory();
        var path = Path.Combine(dir.Path, "logs", "api.log");

        using (var file = new RotatingLogFile(path, 1 << 20, 3))
        {
            file.Write(T0, LogStream.Stdout, "hello");
        }

        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(path));
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute, File.GetUnixFileMode(Path.GetDirectoryName(path)!));
    }

    [Fact]
    public void Write_Rotation_NewFileIs0600Too()
    {
        using var dir = new TempDirectory();
        var path = dir.File("api.log");

        using (var file = new RotatingLogFile(path, 100, 2))
        {
            for (var i = 0; i < 10; i++) file.Write(T0, LogStream.Stdout, new string('x', 40));
        }

        Assert.True(File.Exists(path + ".1"));
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(path));
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(path + ".1"));
    }
}
