using System.Text.Json.Nodes;
using BackendSidecar.Commands;
using BackendSidecar.Testing;
using BackendSidecar.Tests.Support;

namespace BackendSidecar.Tests.Commands;

/// <summary><c>backend-sidecar check</c>, run as a person would, on good, bad and broken configuration files.</summary>
public sealed class CheckCommandTests
{
    private static JsonObject Backend(string command = "sh", int? port = null)
    {
        var backend = new JsonObject { ["command"] = command, ["args"] = new JsonArray("-c", "sleep 1") };
        if (port is { } p) backend["port"] = p;
        return backend;
    }

    private static void MakeExecutable(string path)
    {
        if (!OperatingSystem.IsWindows()) File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
    }

    [Fact]
    public async Task AGoodConfig_ExitsZero_WithAReportAndNoColourWhenPiped()
    {
        using var work = new TestWorkspace();
        var config = work.WriteConfig(new JsonObject { ["api"] = Backend(port: TestWorkspace.FreePort()) });

        var result = await SidecarCli.RunAsync("check", "--config", config);

        Assert.True(result.ExitCode == 0, result.StandardOutput + result.StandardError);
        Assert.Contains($"{config}: configuration is valid (1 backend)", result.StandardOutput, StringComparison.Ordinal);
        Assert.Contains("  ok   command ", result.StandardOutput, StringComparison.Ordinal);
        Assert.EndsWith("No errors found.\n", result.StandardOutput, StringComparison.Ordinal);
        Assert.DoesNotContain('\e', result.StandardOutput);
        Assert.Equal("", result.StandardError);
    }

    [Fact]
    public async Task ABadConfig_ListsEveryError_OneLineEach()
    {
        using var work = new TestWorkspace();
        var config = work.WriteConfig(new JsonObject
        {
            ["api"] = new JsonObject { ["command"] = "sh", ["port"] = "eighty" },
            ["web"] = new JsonObject { ["comand"] = "sh" },
            ["worker"] = new JsonObject { ["command"] = "sh", ["health"] = new JsonObject { ["tcp"] = "localhost" } },
            ["jobs"] = new JsonObject { ["command"] = "sh", ["dependsOn"] = new JsonArray("wrker") },
        });

        var result = await SidecarCli.RunAsync("check", "--config", config);

        Assert.Equal(1, result.ExitCode);
        var lines = result.StandardError.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        var prefix = $"backend-sidecar: invalid configuration: {config}: ";
        Assert.Equal(
        [
            prefix + "$.backends.api.port: must be an integer, got string \"eighty\"",
            prefix + "$.backends.web.comand: unknown property (did you mean \"command\"?)",
            prefix + "$.backends.web.command: required property is missing",
            prefix + "$.backends.worker.health.tcp: must be host:port with a port 1..65535 (e.g. 127.0.0.1:8080), got \"localhost\"",
            "4 errors in the configuration.",
        ], lines);
    }

    [Fact]
    public async Task ADependsOnTypo_IsListedWithTheOtherErrors()
    {
        using var work = new TestWorkspace();
        var config = work.WriteConfig(new JsonObject
        {
            ["api"] = new JsonObject { ["command"] = "sh", ["stop"] = new JsonObject { ["timeoutMs"] = -1 } },
            ["worker"] = new JsonObject { ["command"] = "sh", ["dependsOn"] = new JsonArray("wrker", "api") },
            ["jobs"] = new JsonObject { ["command"] = "sh", ["dependsOn"] = new JsonArray("nope") },
        });

        var result = await SidecarCli.RunAsync("check", "--config", config);

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("$.backends.api.stop.timeoutMs: must be >= ", result.StandardError, StringComparison.Ordinal);
        // api could not be read, so what names it is not judged; the unknown names are.
        var fresh = work.WriteConfig(new JsonObject
        {
            ["api"] = new JsonObject { ["command"] = "sh" },
            ["worker"] = new JsonObject { ["command"] = "sh", ["dependsOn"] = new JsonArray("wrker", "api") },
            ["jobs"] = new JsonObject { ["command"] = "sh", ["dependsOn"] = new JsonArray("nope") },
        }, "fresh.json");
        var second = await SidecarCli.RunAsync("check", "--config", fresh);
        Assert.Equal(1, second.ExitCode);
        Assert.Contains("$.backends.worker.dependsOn[0]: unknown backend \"wrker\"", second.StandardError, StringComparison.Ordinal);
        Assert.Contains("$.backends.jobs.dependsOn[0]: unknown backend \"nope\"", second.StandardError, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("{\n  \"backends\": {\n    \"api\": {\"command\": \"sh\"},\n  }\n}\n", "4:3: invalid JSON: a comma before `}` is not allowed")]
    [InlineData("{\n  \"backends\": {\n    \"api\": {\"command\": \"sh\"}\n    \"web\": {\"command\": \"sh\"}\n  }\n}\n", "4:5: invalid JSON: a comma is missing before `\"web\"`")]
    [InlineData("{\n  // the backends\n  \"backends\": {}\n}\n", "2:3: invalid JSON: comments are not allowed in JSON")]
    [InlineData("{\n  \"backends\": {\n    \"api\": {\"command\": \"sh}\n  }\n}\n", "3:28: invalid JSON: the string that starts at 3:24 is not closed before the end of the line")]
    [InlineData("{\n  \"backends\": {\n    \"api\": {\"command\": \"sh\"}\n", "invalid JSON: the text ends before the JSON is complete")]
    public async Task ASyntaxError_IsSaidInWords_WithLineAndColumn(string text, string expected)
    {
        using var work = new TestWorkspace();
        var config = work.File("broken.json");
        await File.WriteAllTextAsync(config, text);

        var result = await SidecarCli.RunAsync("check", "--config", config);

        Assert.Equal(1, result.ExitCode);
        Assert.StartsWith($"backend-sidecar: invalid configuration: {config}:", result.StandardError, StringComparison.Ordinal);
        Assert.Contains(expected, result.StandardError, StringComparison.Ordinal);
    }

    [Fact]
    public async Task InvalidUtf8_IsOneLine_NotACrash()
    {
        using var work = new TestWorkspace();
        var config = work.File("latin1.json");
        await File.WriteAllBytesAsync(config, [.. "{\"backends\": {\"api\": {\"command\": \"py"u8, 0xFF, .. "\"}}}"u8]);

        var result = await SidecarCli.RunAsync("check", "--config", config);

        Assert.Equal(1, result.ExitCode);
        Assert.StartsWith($"backend-sidecar: invalid configuration: {config}:1:37: invalid UTF-8 (byte 0xFF)", result.StandardError, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ACommandNearlyOnThePath_GetsADidYouMean()
    {
        using var work = new TestWorkspace();
        var bin = Directory.CreateDirectory(work.File("bin")).FullName;
        var tool = Path.Combine(bin, "serve-app3");
        await File.WriteAllTextAsync(tool, "#!/bin/sh\nexit 0\n");
        MakeExecutable(tool);
        var config = work.WriteConfig(new JsonObject
        {
            ["api"] = new JsonObject { ["command"] = "srvee-app3", ["searchPaths"] = new JsonArray(bin) },
        });

        var result = await SidecarCli.RunAsync("check", "--config", config);

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("  FAIL command  command \"srvee-app3\" not found (did you mean \"serve-app3\"?)", result.StandardOutput, StringComparison.Ordinal);
    }

    [Fact]
    public async Task TwoBackendsOnOnePort_AndNoBackendAtAll_AreWarnings()
    {
        using var work = new TestWorkspace();
        var port = TestWorkspace.FreePort();
        var shared = work.WriteConfig(new JsonObject { ["api"] = Backend(port: port), ["web"] = Backend(port: port) });
        var empty = work.WriteConfig(new JsonObject(), "empty.json");

        var sharing = await SidecarCli.RunAsync("check", "--config", shared);
        var none = await SidecarCli.RunAsync("check", "--config", empty);

        Assert.Equal(0, sharing.ExitCode);
        Assert.Contains($"  warn ports    port {port} is configured for api and web: only one of them can listen on it at a time", sharing.StandardOutput, StringComparison.Ordinal);
        Assert.Equal(0, none.ExitCode);
        Assert.Contains("  warn backends no backend is configured", none.StandardOutput, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AKnownRuntime_ShowsItsVersion()
    {
        using var work = new TestWorkspace();
        var bin = Directory.CreateDirectory(work.File(".venv/bin")).FullName;
        var python = Path.Combine(bin, "python3");
        await File.WriteAllTextAsync(python, "#!/bin/sh\necho 'Python 3.99.1'\n");
        MakeExecutable(python);
        var config = work.WriteConfig(new JsonObject
        {
            ["api"] = new JsonObject { ["command"] = "python3", ["args"] = new JsonArray("app.py"), ["searchPaths"] = new JsonArray(".venv/bin") },
        });

        var result = await SidecarCli.RunAsync("check", "--config", config);

        Assert.Contains("  ok   command  python3 found at .venv/bin/python3 (Python 3.99.1)", result.StandardOutput, StringComparison.Ordinal);
    }

    [Fact]
    public async Task TheVersionProbe_GivesUpOnACommandThatHangs()
    {
        using var work = new TestWorkspace();
        var hanging = work.File("hangs");
        await File.WriteAllTextAsync(hanging, "#!/bin/sh\necho \"pid $$\" > pid.txt\nexec sleep 30\n");
        MakeExecutable(hanging);
        var started = DateTime.UtcNow;

        var version = await CommandVersion.ProbeAsync(hanging, work.Path, TimeSpan.FromMilliseconds(500));

        Assert.Null(version);
        Assert.True(DateTime.UtcNow - started < TimeSpan.FromSeconds(10));
        if (!File.Exists(work.File("pid.txt"))) return; // killed before it got that far: nothing can be left
        var pid = int.Parse((await File.ReadAllTextAsync(work.File("pid.txt"))).Split(' ')[1], System.Globalization.CultureInfo.InvariantCulture);
        Assert.True(await ProcessProbe.WaitUntilGoneAsync(pid), $"the probed command (pid {pid}) was left running");
    }

    [Theory]
    [InlineData("python3", true)]
    [InlineData("python3.11", true)]
    [InlineData("node", true)]
    [InlineData("uvicorn", true)]
    [InlineData("api-server", false)]
    [InlineData("./python3", false)]
    [InlineData("/usr/bin/python3", false)]
    public void OnlyKnownRuntimes_AreAskedForTheirVersion(string command, bool probed) =>
        Assert.Equal(probed, CommandVersion.IsProbeable(command));

    [Fact]
    public async Task TheShippedSamples_PassTheirOwnCheck()
    {
        var examples = Path.Combine(SidecarApp.RepositoryRoot, "examples");
        var samples = Directory.GetFiles(Path.Combine(examples, "configs"), "*.json")
            .Where(f => Path.GetFileName(f) != "invalid.json")
            .Append(Path.Combine(examples, "demo", "backends.json"))
            .ToList();
        Assert.True(samples.Count >= 3);

        foreach (var sample in samples)
        {
            var result = await SidecarCli.RunAsync("check", "--config", sample);
            // A sample's port may be taken on a busy machine; every other check must pass.
            var failures = result.StandardOutput.Split('\n').Where(l => l.Contains("FAIL", StringComparison.Ordinal) && !l.Contains(" port ", StringComparison.Ordinal)).ToList();
            Assert.True(failures.Count == 0 && result.StandardError.Length == 0, $"{sample}:\n{result.StandardOutput}{result.StandardError}");
        }
    }

    [Fact]
    public async Task TheShippedInvalidSample_ListsAllItsErrors()
    {
        var invalid = Path.Combine(SidecarApp.RepositoryRoot, "examples", "configs", "invalid.json");

        var result = await SidecarCli.RunAsync("check", "--config", invalid);

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("$.backends.api.helth: unknown property (did you mean \"health\"?)", result.StandardError, StringComparison.Ordinal);
        Assert.Contains("$.backends.api.restart.policy: must be one of", result.StandardError, StringComparison.Ordinal);
        Assert.Contains("$.backends.worker.health.intervalMs: must be >= 1, got 0", result.StandardError, StringComparison.Ordinal);
        Assert.Contains("$.backends.worker.command: required property is missing", result.StandardError, StringComparison.Ordinal);
    }
}
