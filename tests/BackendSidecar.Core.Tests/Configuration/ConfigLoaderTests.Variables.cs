using BackendSidecar.Core.Configuration;
using static BackendSidecar.Core.Tests.Configuration.ConfigTestSupport;

namespace BackendSidecar.Core.Tests.Configuration;

/// <summary>Variables: ${configDir}, ${env:NAME}, ${env:NAME:-fallback}, ${port}, ${profile}, $${.</summary>
public sealed partial class ConfigLoaderTests
{
    private static Func<string, string?> Env(params (string Name, string Value)[] variables) =>
        name => variables.FirstOrDefault(v => v.Name == name).Value;

    [Fact]
    public void Parse_VariablesInEveryExpandedField_AreExpanded()
    {
        var api = ParseApi("""
            "command": "${env:TOOLS}/python3",
            "args": ["--port", "${port}", "--profile=${profile}", "--data=${configDir}/data"],
            "cwd": "${env:HOME}/work",
            "env": {"URL": "http://localhost:${port}", "TOKEN": "${env:TOKEN}"},
            "envFile": "${configDir}/.env.${profile}",
            "searchPaths": ["${env:HOME}/.venv/bin"],
            "port": 8882,
            "health": {"http": "http://127.0.0.1:${port}/health"},
            "log": {"file": "${env:HOME}/logs/api-${port}.log"}
            """,
            profile: "dev",
            getEnv: Env(("TOOLS", "/opt/tools"), ("HOME", "/home/me"), ("TOKEN", "t0k")));

        Assert.Equal("/opt/tools/python3", api.Command);
        Assert.Equal(["--port", "8882", "--profile=dev", "--data=/srv/app/data"], api.Args);
        Assert.Equal("/home/me/work", api.Cwd);
        Assert.Equal(new Dictionary<string, string> { ["URL"] = "http://localhost:8882", ["TOKEN"] = "t0k" }, api.Env);
        Assert.Equal("/srv/app/.env.dev", api.EnvFile);
        Assert.Equal(["/home/me/.venv/bin"], api.SearchPaths);
        Assert.Equal("http://127.0.0.1:8882/health", api.Health!.Target);
        Assert.Equal("/home/me/logs/api-8882.log", api.Log.File);
    }

    [Fact]
    public void Parse_ProfileVariableWithoutProfile_IsEmpty()
    {
        Assert.Equal(["[]"], ParseApi(""" "command": "x", "args": ["[${profile}]"] """).Args);
    }

    [Fact]
    public void Parse_UnsetEnvVariable_IsAnErrorNamingVariableAndField()
    {
        var e = FailsApi(""" "command": "x", "env": {"KEY": "${env:API_KEY}"} """);

        Assert.Equal("$.backends.api.env.KEY", e.Path);
        Assert.Equal("$.backends.api.env.KEY: environment variable API_KEY is not set (write ${env:API_KEY:-fallback} to give a default)", e.Message);
    }

    [Theory]
    [InlineData(null, "8000")]
    [InlineData("", "8000")]
    [InlineData("9000", "9000")]
    public void Parse_EnvVariableWithFallback_UsesFallbackWhenUnsetOrEmpty(string? value, string expected)
    {
        var api = ParseApi(""" "command": "x", "args": ["${env:PORT:-8000}"] """, getEnv: name => name == "PORT" ? value : null);

        Assert.Equal([expected], api.Args);
    }

    [Fact]
    public void Parse_EnvVariableSetButEmpty_IsEmptyString()
    {
        Assert.Equal(["a=", "b"], ParseApi(""" "command": "x", "args": ["a=${env:E}", "b"] """, getEnv: Env(("E", ""))).Args);
    }

    [Fact]
    public void Parse_FallbackMayBeEmpty()
    {
        Assert.Equal(["-"], ParseApi(""" "command": "x", "args": ["-${env:NOPE:-}"] """).Args);
    }

    [Fact]
    public void Parse_PortVariableWithoutPort_IsAnError()
    {
        var e = FailsApi(""" "command": "x", "health": {"http": "http://127.0.0.1:${port}/"} """);

        Assert.Equal("$.backends.api.health.http: ${port} is used but the backend has no \"port\"", e.Message);
    }

    [Fact]
    public void Parse_UnknownVariable_IsAnErrorWithSuggestion()
    {
        var e = FailsApi(""" "command": "x", "cwd": "${configdir}/server" """);

        Assert.Equal("$.backends.api.cwd", e.Path);
        Assert.Equal(
            "$.backends.api.cwd: unknown variable ${configdir} (did you mean \"configDir\"?); known: ${configDir}, ${env:NAME}, ${env:NAME:-fallback}, ${port}, ${profile}",
            e.Message);
    }

    [Theory]
    [InlineData("${HOME}/x", "unknown variable ${HOME}")]
    [InlineData("${env:}", "invalid environment variable name in ${env:}")]
    [InlineData("abc ${port", "unterminated \"${\" at character 5 (write $${ for a literal ${)")]
    public void Parse_MalformedVariable_IsAnError(string arg, string problem)
    {
        var e = FailsApi($$""" "command": "x", "port": 1, "args": ["ok", "{{arg}}"] """);

        Assert.Equal("$.backends.api.args[1]", e.Path);
        Assert.Contains(problem, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_DoubleDollar_IsLiteral()
    {
        var api = ParseApi(""" "command": "sh", "args": ["-c", "echo $${HOME} $HOME $$ ${port}"], "port": 5 """);

        Assert.Equal(["-c", "echo ${HOME} $HOME $$ 5"], api.Args);
    }

    [Fact]
    public void Parse_CommandEmptyAfterExpansion_IsAnError()
    {
        var e = FailsApi(""" "command": "${env:PY:-}" """);

        Assert.Equal("$.backends.api.command: is empty after expanding variables in \"${env:PY:-}\"", e.Message);
    }

    [Fact]
    public void Parse_DefaultEnvLookup_ReadsProcessEnvironment()
    {
        // PATH is set in any test run; the default getEnv must see it.
        var json = Api(""" "command": "x", "args": ["${env:PATH}"] """);

        var api = ConfigLoader.Parse(json, ConfigDir).Backends[0];

        Assert.Equal([Environment.GetEnvironmentVariable("PATH")!], api.Args);
    }
}
