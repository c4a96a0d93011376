using System.Text;
using BackendSidecar.Core.Platform.Windows;

namespace BackendSidecar.Core.Tests.Platform.Windows;

/// <summary>The MSVCRT quoting rules (as CommandLineToArgvW reads them back), checked against the examples in Microsoft's
/// "Parsing C++ command-line arguments".</summary>
public sealed class WindowsCommandLineTests
{
    [Theory]
    [InlineData("plain", "plain")]
    [InlineData("two words", "\"two words\"")]
    [InlineData("", "\"\"")]
    [InlineData("say \"hi\"", "\"say \\\"hi\\\"\"")]
    [InlineData(@"C:\dir\", @"C:\dir\")]
    [InlineData(@"C:\my dir\", "\"C:\\my dir\\\\\"")]
    [InlineData(@"a\\""b", "\"a\\\\\\\\\\\"b\"")]
    [InlineData("tab\there", "\"tab\there\"")]
    public void AppendQuoted_QuotesOnlyWhatMustBe(string arg, string expected)
    {
        var line = new StringBuilder();
        WindowsCommandLine.AppendQuoted(line, arg);
        Assert.Equal(expected, line.ToString());
    }

    [Fact]
    public void Build_QuotesTheProgramAndJoinsTheArguments()
    {
        Assert.Equal(
            "\"C:\\Program Files\\app\\server.exe\" --port 8000 \"a b\"",
            WindowsCommandLine.Build(@"C:\Program Files\app\server.exe", ["--port", "8000", "a b"]));
    }
}
