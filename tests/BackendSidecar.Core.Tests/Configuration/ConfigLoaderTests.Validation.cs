using BackendSidecar.Core.Configuration;
using static BackendSidecar.Core.Tests.Configuration.ConfigTestSupport;

namespace BackendSidecar.Core.Tests.Configuration;

/// <summary>Schema errors: ranges, unknown properties, types, required fields, names, health kinds.</summary>
public sealed partial class ConfigLoaderTests
{
    private const string Http = """ "http": "http://127.0.0.1:1/health" """;

    [Theory]
    [InlineData(""" "port": 0 """, "$.backends.api.port", "must be >= 1, got 0")]
    [InlineData(""" "port": 65536 """, "$.backends.api.port", "must be <= 65535, got 65536")]
    [InlineData(""" "health": {"http": "http://h/", "intervalMs": 0} """, "$.backends.api.health.intervalMs", "must be >= 1, got 0")]
    [InlineData(""" "health": {"http": "http://h/", "timeoutMs": 0} """, "$.backends.api.health.timeoutMs", "must be >= 1, got 0")]
    [InlineData(""" "health": {"http": "http://h/", "startupTimeoutMs": 0} """, "$.backends.api.health.startupTimeoutMs", "must be >= 1, got 0")]
    [InlineData(""" "health": {"http": "http://h/", "startupTimeoutMs": 2147483648} """, "$.backends.api.health.startupTimeoutMs", "must be <= 2147483647, got 2147483648")]
    [InlineData(""" "health": {"http": "http://h/", "failureThreshold": 0} """, "$.backends.api.health.failureThreshold", "must be >= 1, got 0")]
    [InlineData(""" "health": {"http": "http://h/", "expectStatus": 99} """, "$.backends.api.health.expectStatus", "must be >= 100, got 99")]
    [InlineData(""" "health": {"http": "http://h/", "expectStatus": 600} """, "$.backends.api.health.expectStatus", "must be <= 599, got 600")]
    [InlineData(""" "restart": {"maxRestarts": -1} """, "$.backends.api.restart.maxRestarts", "must be >= 0, got -1")]
    [InlineData(""" "restart": {"windowMs": 0} """, "$.backends.api.restart.windowMs", "must be >= 1, got 0")]
    [InlineData(""" "restart": {"resetAfterMs": 0} """, "$.backends.api.restart.resetAfterMs", "must be >= 1, got 0")]
    [InlineData(""" "restart": {"backoff": {"initialMs": -1}} """, "$.backends.api.restart.backoff.initialMs", "must be >= 0, got -1")]
    [InlineData(""" "restart": {"backoff": {"factor": 0.5}} """, "$.backends.api.restart.backoff.factor", "must be >= 1, got 0.5")]
    [InlineData(""" "restart": {"backoff": {"maxMs": 0}} """, "$.backends.api.restart.backoff.maxMs", "must be >= 1, got 0")]
    [InlineData(""" "restart": {"backoff": {"jitter": -0.1}} """, "$.backends.api.restart.backoff.jitter", "must be >= 0, got -0.1")]
    [InlineData(""" "restart": {"backoff": {"jitter": 1.01}} """, "$.backends.api.restart.backoff.jitter", "must be <= 1, got 1.01")]
    [InlineData(""" "stop": {"timeoutMs": 0} """, "$.backends.api.stop.timeoutMs", "must be >= 1, got 0")]
    [InlineData(""" "log": {"maxBytes": 0} """, "$.backends.api.log.maxBytes", "must be >= 1, got 0")]
    [InlineData(""" "log": {"keepFiles": -1} """, "$.backends.api.log.keepFiles", "must be >= 0, got -1")]
    [InlineData(""" "log": {"bufferLines": 0} """, "$.backends.api.log.bufferLines", "must be >= 1, got 0")]
    public void Parse_ValueOutOfRange_NamesFieldAndLimit(string members, string path, string problem)
    {
        var e = FailsApi(""" "command": "x", """ + members);

        Assert.Equal(path, e.Path);
        Assert.Equal($"{path}: {problem}", e.Message);
    }

    [Fact]
    public void Parse_EveryValueAtItsLimit_Loads()
    {
        var low = ParseApi("""
            "command": "x", "port": 1,
            "health": {"http": "http://h/", "expectStatus": 100, "intervalMs": 1, "timeoutMs": 1, "startupTimeoutMs": 1, "failureThreshold": 1},
            "restart": {"maxRestarts": 0, "windowMs": 1, "resetAfterMs": 1, "backoff": {"initialMs": 0, "factor": 1, "maxMs": 1, "jitter": 0}},
            "stop": {"timeoutMs": 1}, "log": {"maxBytes": 1, "keepFiles": 0, "bufferLines": 1}
            """);
        var high = ParseApi("""
            "command": "x", "port": 65535,
            "health": {"http": "http://h/", "expectStatus": 599, "startupTimeoutMs": 2147483647},
            "restart": {"backoff": {"jitter": 1}}
            """);

        Assert.Equal(1, low.Port);
        Assert.Equal(TimeSpan.FromMilliseconds(1), low.Health!.Interval);
        Assert.Equal(0, low.Restart.MaxRestarts);
        Assert.Equal(1, low.Restart.Backoff.Factor);
        Assert.Equal(0, low.Log.KeepFiles);
        Assert.Equal(65535, high.Port);
        Assert.Equal(599, high.Health!.ExpectStatus);
        Assert.Equal(TimeSpan.FromMilliseconds(int.MaxValue), high.Health.StartupTimeout);
        Assert.Equal(1, high.Restart.Backoff.Jitter);
    }

    [Theory]
    [InlineData("""{"backends": {"api": {"command": "x", "helth": {}}}}""", "$.backends.api.helth", "unknown property (did you mean \"health\"?)")]
    [InlineData("""{"backends": {"api": {"comand": "x"}}}""", "$.backends.api.comand", "unknown property (did you mean \"command\"?)")]
    [InlineData("""{"backends": {"api": {"command": "x", "envfile": ".env"}}}""", "$.backends.api.envfile", "unknown property (did you mean \"envFile\"?)")]
    [InlineData("""{"backend": {}}""", "$.backend", "unknown property (did you mean \"backends\"?)")]
    [InlineData("""{"backends": {"api": {"command": "x", "restart": {"polcy": "never"}}}}""", "$.backends.api.restart.polcy", "unknown property (did you mean \"policy\"?)")]
    [InlineData("""{"backends": {"api": {"command": "x", "health": {"http": "http://h/", "interval": 5}}}}""", "$.backends.api.health.interval", "unknown property (did you mean \"intervalMs\"?)")]
    [InlineData("""{"backends": {"api": {"command": "x", "stop": {"zzz": 1}}}}""", "$.backends.api.stop.zzz", "unknown property (allowed: signal, timeoutMs)")]
    public void Parse_UnknownProperty_IsAnErrorWithSuggestion(string json, string path, string problem)
    {
        var e = Fails(json);

        Assert.Equal($"{path}: {problem}", e.Message);
    }

    [Theory]
    [InlineData("""[]""", "$", "must be an object, got an array")]
    [InlineData("""{"backends": []}""", "$.backends", "must be an object, got an array")]
    [InlineData("""{"backends": {"api": "python3"}}""", "$.backends.api", "must be an object, got string \"python3\"")]
    [InlineData("""{"backends": {"api": {"command": 3}}}""", "$.backends.api.command", "must be a string, got 3")]
    [InlineData("""{"backends": {"api": {"command": "x", "port": "8882"}}}""", "$.backends.api.port", "must be an integer, got string \"8882\"")]
    [InlineData("""{"backends": {"api": {"command": "x", "port": 80.5}}}""", "$.backends.api.port", "must be an integer, got 80.5")]
    [InlineData("""{"backends": {"api": {"command": "x", "args": "--reload"}}}""", "$.backends.api.args", "must be an array, got string \"--reload\"")]
    [InlineData("""{"backends": {"api": {"command": "x", "args": ["a", 1]}}}""", "$.backends.api.args[1]", "must be a string, got 1")]
    [InlineData("""{"backends": {"api": {"command": "x", "env": {"MODEL": 1}}}}""", "$.backends.api.env.MODEL", "must be a string, got 1")]
    [InlineData("""{"backends": {"api": {"command": "x", "env": {"MODEL": null}}}}""", "$.backends.api.env.MODEL", "must be a string, got null")]
    [InlineData("""{"backends": {"api": {"command": "x", "autoStart": "yes"}}}""", "$.backends.api.autoStart", "must be true or false, got string \"yes\"")]
    [InlineData("""{"backends": {"api": {"command": "x", "log": {"file": 3}}}}""", "$.backends.api.log.file", "must be a string or null, got 3")]
    [InlineData("""{"backends": {"api": {"command": "x", "restart": {"maxRestarts": "3"}}}}""", "$.backends.api.restart.maxRestarts", "must be an integer or null, got string \"3\"")]
    [InlineData("""{"backends": {"api": {"command": "x", "health": {"http": "http://h/", "expectJson": "ok"}}}}""", "$.backends.api.health.expectJson", "must be an object, got string \"ok\"")]
    [InlineData("""{"backends": {"api": {"command": "x", "restart": {"policy": "onfailure"}}}}""", "$.backends.api.restart.policy", "must be one of \"never\", \"on-failure\", \"always\", got string \"onfailure\" (did you mean \"on-failure\"?)")]
    [InlineData("""{"backends": {"api": {"command": "x", "stop": {"signal": "TERM"}}}}""", "$.backends.api.stop.signal", "must be one of \"SIGTERM\", \"SIGINT\", \"SIGHUP\", \"SIGQUIT\", \"SIGUSR1\", \"SIGUSR2\", \"SIGKILL\", got string \"TERM\"")]
    [InlineData("""{"backends": {"api": {"command": "x", "restart": {"backoff": {"factor": 1e400}}}}}""", "$.backends.api.restart.backoff.factor", "is out of range, got 1e400")]
    [InlineData("""{"backends": {"api": {"command": "x", "port": 1e400}}}""", "$.backends.api.port", "must be an integer, got 1e400")]
    [InlineData("""{"backends": {"api": {"command": "x", "log": {"maxBytes": 1e300}}}}""", "$.backends.api.log.maxBytes", "must be <= 9007199254740991, got 1e300")]
    [InlineData("""{"backends": {"api": {"command": "x", "onPortInUse": "kill"}}}""", "$.backends.api.onPortInUse", "must be one of \"fail\", \"adopt\", \"reclaim\", got string \"kill\"")]
    public void Parse_WrongType_NamesExpectedAndActual(string json, string path, string problem)
    {
        var e = Fails(json);

        Assert.Equal($"{path}: {problem}", e.Message);
    }

    [Theory]
    [InlineData("""{"backends": {"api": {}}}""", "$.backends.api.command", "required property is missing")]
    [InlineData("""{"backends": {"api": {"args": ["x"]}}}""", "$.backends.api.command", "required property is missing")]
    [InlineData("""{"backends": {"api": {"command": ""}}}""", "$.backends.api.command", "must not be empty")]
    [InlineData("""{}""", "$.backends", "required property is missing")]
    [InlineData("""{"backends": {"api": {"command": "x", "command": "y"}}}""", "$.backends.api.command", "duplicate property")]
    [InlineData("""{"backends": {"my app": {"command": "x"}}}""", "$.backends['my app']", "invalid name: must match ^[A-Za-z0-9][A-Za-z0-9._-]*$, got \"my app\"")]
    [InlineData("""{"backends": {"-api": {"command": "x"}}}""", "$.backends['-api']", "invalid name: must match ^[A-Za-z0-9][A-Za-z0-9._-]*$, got \"-api\"")]
    [InlineData("""{"backends": {"api": {"command": "x", "env": {"A=B": "c"}}}}""", "$.backends.api.env['A=B']", "invalid name: must match ^[^=\\u0000]+$, got \"A=B\"")]
    [InlineData("""{"backends": {"api": {"command": "x", "searchPaths": [""]}}}""", "$.backends.api.searchPaths[0]", "must not be empty")]
    [InlineData("""{"backends": {"api": {"command": "x", "dependsOn": ["db", "db"]}, "db": {"command": "y"}}}""", "$.backends.api.dependsOn[1]", "duplicate of item [0]")]
    public void Parse_MissingOrMalformedField_NamesIt(string json, string path, string problem)
    {
        var e = Fails(json);

        Assert.Equal($"{path}: {problem}", e.Message);
    }

    [Theory]
    [InlineData("""{"expectStatus": 200}""", "$.backends.api.health", "must have one of \"http\", \"tcp\" or \"stdoutPattern\"")]
    [InlineData("""{"http": "http://h/", "tcp": "h:1"}""", "$.backends.api.health", "must have only one of \"http\", \"tcp\" or \"stdoutPattern\", found \"http\" and \"tcp\"")]
    [InlineData("""{"tcp": "h:1", "expectJson": {}}""", "$.backends.api.health.expectJson", "only allowed together with \"http\"")]
    [InlineData("""{"http": "localhost:8080/health"}""", "$.backends.api.health.http", "must be an absolute http:// or https:// URL, got \"localhost:8080/health\"")]
    [InlineData("""{"http": "/health"}""", "$.backends.api.health.http", "must be an absolute http:// or https:// URL, got \"/health\"")]
    [InlineData("""{"http": "ftp://127.0.0.1/health"}""", "$.backends.api.health.http", "must be an absolute http:// or https:// URL, got \"ftp://127.0.0.1/health\"")]
    [InlineData("""{"tcp": "127.0.0.1"}""", "$.backends.api.health.tcp", "must be host:port with a port 1..65535 (e.g. 127.0.0.1:8080), got \"127.0.0.1\"")]
    [InlineData("""{"tcp": "127.0.0.1:0"}""", "$.backends.api.health.tcp", "must be host:port with a port 1..65535 (e.g. 127.0.0.1:8080), got \"127.0.0.1:0\"")]
    [InlineData("""{"tcp": "::1:80"}""", "$.backends.api.health.tcp", "must be host:port with a port 1..65535 (e.g. 127.0.0.1:8080), got \"::1:80\"")]
    public void Parse_BadHealth_NamesTheProblem(string health, string path, string problem)
    {
        var e = FailsApi(""" "command": "x", "health": """ + health);

        Assert.Equal($"{path}: {problem}", e.Message);
    }

    [Fact]
    public void Parse_StdoutPatternNotARegex_ReportsParserMessage()
    {
        var e = FailsApi(""" "command": "x", "health": {"stdoutPattern": "ready (on"} """);

        Assert.Equal("$.backends.api.health.stdoutPattern", e.Path);
        Assert.StartsWith("$.backends.api.health.stdoutPattern: is not a valid regular expression: ", e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("https://example.test:8443/api/health?deep=1")]
    [InlineData("http://[::1]:8080/")]
    public void Parse_GoodHttpUrl_Loads(string url)
    {
        Assert.Equal(url, ParseApi($$""" "command": "x", "health": {"http": "{{url}}"} """).Health!.Target);
    }

    [Theory]
    [InlineData("localhost:5432")]
    [InlineData("[::1]:8080")]
    public void Parse_GoodTcpTarget_Loads(string target)
    {
        Assert.Equal(target, ParseApi($$""" "command": "x", "health": {"tcp": "{{target}}"} """).Health!.Target);
    }

    [Fact]
    public void Parse_ErrorsAnywhere_MessagesAreOneLineWithPath()
    {
        string[] broken =
        [
            """{"backends": {"api": {"command": "x", "args": ["a\nb", 1]}}}""",
            """{"backends": {"api": {"command": "x", "env": {"X": "${nope}\n"}}}}""",
            """{"backends": {"api": {"command": "x", "health": {"stdoutPattern": "(\n"}}}}""",
            """{"backends": {"api": {"command": "x", "restart": {"policy": "line1\nline2"}}}}""",
            """{"backends": {"api\nx": {"command": "x"}}}""",
        ];
        foreach (var json in broken) Fails(json);
    }
}
