using BackendSidecar.Cli;

namespace BackendSidecar.Tests.Commands;

public sealed class CommandLineTests
{
    [Fact]
    public void NoArguments_IsServe_WithTheDefaults()
    {
        var options = CommandLine.Parse([]);

        Assert.Equal(CommandKind.Serve, options.Command);
        Assert.Null(options.ConfigPath);
        Assert.Equal(FramingOption.Auto, options.Framing);
        Assert.Equal(8 * 1024 * 1024, options.MaxMessageBytes);
        Assert.Equal("information", options.LogLevel);
        Assert.False(options.NoColor);
    }

    [Theory]
    [InlineData("serve", CommandKind.Serve)]
    [InlineData("run", CommandKind.Run)]
    [InlineData("check", CommandKind.Check)]
    [InlineData("help", CommandKind.Help)]
    public void TheFirstWord_IsTheCommand(string word, CommandKind expected) =>
        Assert.Equal(expected, CommandLine.Parse([word]).Command);

    [Fact]
    public void Check_TakesConfigProfileAndNoColor_InEitherSpelling()
    {
        var options = CommandLine.Parse(["check", "--config=app.json", "--profile", "production", "--no-color"]);

        Assert.Equal(CommandKind.Check, options.Command);
        Assert.Equal("app.json", options.ConfigPath);
        Assert.Equal("production", options.Profile);
        Assert.True(options.NoColor);
        Assert.Equal("b.json", CommandLine.Parse(["run", "-c", "b.json"]).ConfigPath);
    }

    [Fact]
    public void Serve_TakesItsOptions()
    {
        var options = CommandLine.Parse(["--parent-pid", "42", "--framing", "ndjson", "--max-message-bytes", "1024", "--log-level", "DEBUG"]);

        Assert.Equal(42, options.ParentPid);
        Assert.Equal(FramingOption.Ndjson, options.Framing);
        Assert.Equal(1024, options.MaxMessageBytes);
        Assert.Equal("debug", options.LogLevel);
    }

    [Fact]
    public void Run_All_And_HelpAnywhere()
    {
        Assert.True(CommandLine.Parse(["run", "--all"]).All);
        Assert.Equal(CommandKind.Help, CommandLine.Parse(["run", "--help"]).Command);
        Assert.Equal(CommandKind.Version, CommandLine.Parse(["--version"]).Command);
    }

    [Theory]
    [InlineData(new[] { "begin" }, "unknown command \"begin\" (commands: serve, run, check, status, logs, start, stop, restart, diagnose)")]
    [InlineData(new[] { "start" }, "start needs a backend name")]
    [InlineData(new[] { "check", "--verbose" }, "unknown option \"--verbose\"")]
    [InlineData(new[] { "check", "--config" }, "--config needs a value")]
    [InlineData(new[] { "--parent-pid", "0" }, "--parent-pid takes a whole number >= 1, got \"0\"")]
    [InlineData(new[] { "--parent-pid", "abc" }, "--parent-pid takes a whole number >= 1, got \"abc\"")]
    [InlineData(new[] { "--framing", "lsp" }, "--framing takes auto, header or ndjson, got \"lsp\"")]
    [InlineData(new[] { "--log-level", "loud" }, "--log-level takes trace, debug, information, warning, error or none, got \"loud\"")]
    public void ABadCommandLine_SaysWhatIsWrong(string[] args, string message) =>
        Assert.Equal(message, Assert.Throws<UsageException>(() => CommandLine.Parse(args)).Message);

    [Fact]
    public void TheClientCommands_TakeABackendName_AndTheirOptions()
    {
        var logs = CommandLine.Parse(["logs", "-f", "api", "-n", "50", "--json"]);
        Assert.Equal((CommandKind.Logs, "api", true, 50, true), (logs.Command, logs.Backend, logs.Follow, logs.Lines, logs.Json));
        Assert.Equal((CommandKind.Restart, "api"), (CommandLine.Parse(["restart", "api"]).Command, CommandLine.Parse(["restart", "api"]).Backend));
        Assert.Null(CommandLine.Parse(["status"]).Backend);
        Assert.True(CommandLine.Parse(["run", "--new"]).New);
        Assert.Throws<UsageException>(() => CommandLine.Parse(["status", "api"]));
    }

    [Fact]
    public void TheUsage_NamesEveryCommandAndOption()
    {
        foreach (var word in new[] { "serve", "run", "check", "status", "logs", "restart", "diagnose", "--new", "--json", "--config", "--profile", "--parent-pid", "--framing", "--max-message-bytes", "--log-level", "--all", "--no-color" })
            Assert.Contains(word, CommandLine.Usage, StringComparison.Ordinal);
    }
}
