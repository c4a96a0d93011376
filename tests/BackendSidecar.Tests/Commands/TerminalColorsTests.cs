using BackendSidecar.Commands;

namespace BackendSidecar.Tests.Commands;

public sealed class TerminalColorsTests
{
    [Theory]
    [InlineData(false, false, null, true)]
    [InlineData(false, false, "", true)]
    [InlineData(true, false, null, false)]
    [InlineData(false, true, null, false)]
    [InlineData(false, false, "1", false)]
    public void Colours_OnlyInATerminal_WithoutNoColor(bool option, bool redirected, string? variable, bool expected) =>
        Assert.Equal(expected, TerminalColors.Enabled(option, redirected, variable));
}
