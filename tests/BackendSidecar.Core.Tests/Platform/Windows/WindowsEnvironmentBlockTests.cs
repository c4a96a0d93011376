using BackendSidecar.Core.Platform.Windows;

namespace BackendSidecar.Core.Tests.Platform.Windows;

public sealed class WindowsEnvironmentBlockTests
{
    [Fact]
    public void Build_SortsWithoutCase_AndEndsWithTwoNuls()
    {
        var block = WindowsEnvironmentBlock.Build(new Dictionary<string, string> { ["b"] = "2", ["A"] = "1", ["Path"] = @"C:\x" });

        Assert.Equal("A=1\0b=2\0Path=C:\\x\0\0", block);
    }

    [Fact]
    public void Build_KeepsOneOfTwoNamesThatDifferOnlyInCase()
    {
        var block = WindowsEnvironmentBlock.Build(new Dictionary<string, string> { ["path"] = "lower", ["PATH"] = "upper" });

        Assert.Equal("PATH=upper\0\0", block);
    }

    [Fact]
    public void Build_Empty_IsTwoNuls() => Assert.Equal("\0\0", WindowsEnvironmentBlock.Build(new Dictionary<string, string>()));

    [Fact]
    public void Build_KeepsDriveVariables() =>
        // cmd.exe's per-drive current directories ("=C:") start with '=': the only '=' a name may hold.
        Assert.Equal("=C:=C:\\work\0\0", WindowsEnvironmentBlock.Build(new Dictionary<string, string> { ["=C:"] = @"C:\work" }));
}
