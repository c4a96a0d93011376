using BackendSidecar.Core.Platform;
using BackendSidecar.Core.Platform.Linux;
using BackendSidecar.Core.Platform.Posix;

namespace BackendSidecar.Core.Tests.Platform;

public sealed class ProcessPlatformsTests
{
    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("linux")]
    [InlineData(" Linux ")]
    public void Create_UnsetOrLinux_IsTheLinuxPlatformHere(string? value) =>
        Assert.IsType<LinuxPlatform>(ProcessPlatforms.Create(value));

    [Fact]
    public void Create_Posix_IsThePosixPlatform()
    {
        var platform = ProcessPlatforms.Create("posix");
        Assert.IsType<PosixPlatform>(platform);
        Assert.Equal("posix", platform.Name);
    }

    [Fact]
    public void Create_UnknownName_IsOneLineNamingTheVariableAndTheAllowedValues()
    {
        var error = Assert.Throws<PlatformSelectionException>(() => ProcessPlatforms.Create("macos"));
        Assert.Equal("BACKEND_SIDECAR_PLATFORM=macos is not a platform; use one of: linux, posix, windows (or leave it unset).", error.Message);
    }
}
