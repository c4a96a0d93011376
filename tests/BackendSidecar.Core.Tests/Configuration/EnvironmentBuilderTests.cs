using BackendSidecar.Core.Configuration;

namespace BackendSidecar.Core.Tests.Configuration;

public sealed class EnvironmentBuilderTests
{
    private static readonly Dictionary<string, string> Inherited = new() { ["PATH"] = "/usr/bin", ["HOME"] = "/home/me", ["LAYER"] = "inherited" };

    [Fact]
    public void Build_EachLayer_OverridesThePreviousOne()
    {
        var env = EnvironmentBuilder.Build(
            Inherited,
            envFile: new Dictionary<string, string> { ["LAYER"] = "envFile", ["FROM_FILE"] = "f", ["A"] = "file" },
            configured: new Dictionary<string, string> { ["LAYER"] = "config", ["A"] = "config", ["B"] = "config" },
            overrides: new Dictionary<string, string?> { ["LAYER"] = "override", ["B"] = "override" },
            secretEnv: new Dictionary<string, string> { ["LAYER"] = "secret", ["TOKEN"] = "s3cret" });

        Assert.Equal("secret", env["LAYER"]);
        Assert.Equal("f", env["FROM_FILE"]);
        Assert.Equal("config", env["A"]);
        Assert.Equal("override", env["B"]);
        Assert.Equal("s3cret", env["TOKEN"]);
        Assert.Equal("/usr/bin", env["PATH"]);
        Assert.Equal("/home/me", env["HOME"]);
    }

    [Fact]
    public void Build_NullOverride_RemovesKeyFromEveryLayerBelow()
    {
        var env = EnvironmentBuilder.Build(
            Inherited,
            envFile: new Dictionary<string, string> { ["DEBUG"] = "1" },
            configured: new Dictionary<string, string> { ["MODEL"] = "base" },
            overrides: new Dictionary<string, string?> { ["DEBUG"] = null, ["MODEL"] = null, ["HOME"] = null },
            secretEnv: null);

        Assert.False(env.ContainsKey("DEBUG"));
        Assert.False(env.ContainsKey("MODEL"));
        Assert.False(env.ContainsKey("HOME"));
    }

    [Fact]
    public void Build_NothingSetsPythonUnbuffered_SetsItToOne()
    {
        var env = EnvironmentBuilder.Build(Inherited, null, null, null, null);

        Assert.Equal("1", env[EnvironmentBuilder.PythonUnbuffered]);
    }

    [Fact]
    public void Build_OnlySidecarEnvironmentSetsPythonUnbuffered_StillSetsOne()
    {
        var inherited = new Dictionary<string, string>(Inherited) { ["PYTHONUNBUFFERED"] = "0" };

        Assert.Equal("1", EnvironmentBuilder.Build(inherited, null, null, null, null)["PYTHONUNBUFFERED"]);
    }

    [Fact]
    public void Build_ConfigSetsPythonUnbuffered_KeepsConfigValue()
    {
        var env = EnvironmentBuilder.Build(Inherited, null, new Dictionary<string, string> { ["PYTHONUNBUFFERED"] = "0" }, null, null);

        Assert.Equal("0", env["PYTHONUNBUFFERED"]);
    }

    [Fact]
    public void Build_EnvFileSetsPythonUnbuffered_KeepsEnvFileValue()
    {
        var env = EnvironmentBuilder.Build(Inherited, new Dictionary<string, string> { ["PYTHONUNBUFFERED"] = "" }, null, null, null);

        Assert.Equal("", env["PYTHONUNBUFFERED"]);
    }

    [Fact]
    public void Build_OverrideRemovesPythonUnbuffered_StaysRemoved()
    {
        var env = EnvironmentBuilder.Build(Inherited, null, null, new Dictionary<string, string?> { ["PYTHONUNBUFFERED"] = null }, null);

        Assert.False(env.ContainsKey("PYTHONUNBUFFERED"));
    }

    [Fact]
    public void Build_KeysAreCaseSensitive()
    {
        var env = EnvironmentBuilder.Build(Inherited, null, new Dictionary<string, string> { ["path"] = "lower" }, null, null);

        Assert.Equal("/usr/bin", env["PATH"]);
        Assert.Equal("lower", env["path"]);
    }

    [Fact]
    public void Build_DoesNotChangeItsInputs()
    {
        var inherited = new Dictionary<string, string>(Inherited);
        var configured = new Dictionary<string, string> { ["A"] = "1" };

        _ = EnvironmentBuilder.Build(inherited, null, configured, new Dictionary<string, string?> { ["HOME"] = null }, null);

        Assert.Equal(Inherited, inherited);
        Assert.Equal(new Dictionary<string, string> { ["A"] = "1" }, configured);
    }

    [Fact]
    public void CurrentProcessEnvironment_HasPath()
    {
        Assert.Equal(Environment.GetEnvironmentVariable("PATH"), EnvironmentBuilder.CurrentProcessEnvironment()["PATH"]);
    }
}
