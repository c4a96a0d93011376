using System.Text.Json.Nodes;
using BackendSidecar.Commands;

namespace BackendSidecar.Tests.Commands;

/// <summary>The <c>status</c> table's lines under the rows: the last exit's cause in words (protocol 1.1, <c>lastExit.hint</c>).</summary>
public sealed class StatusTableTests
{
    private static JsonObject Backend(string name, string state, string? cause, string? hint) => new()
    {
        ["backend"] = name,
        ["state"] = state,
        ["pid"] = null,
        ["uptimeMs"] = null,
        ["restartCount"] = 0,
        ["port"] = null,
        ["health"] = null,
        ["lastExit"] = cause is null && hint is null ? null : new JsonObject
        {
            ["code"] = 1, ["signal"] = null, ["at"] = "2025-01-31T09:30:05.020Z", ["cause"] = cause, ["hint"] = hint,
        },
        ["resources"] = null,
    };

    [Fact]
    public void AfterTheTable_OneLinePerBackendWhoseLastExitHasACause_NotForAPlainStopOnRequest()
    {
        const string missing = "ModuleNotFoundError: No module named 'fastapi': install it in the backend's Python environment, or point searchPaths at the environment that has it";
        var backends = new JsonArray(
            Backend("api", "failed", "missing-module", missing),
            Backend("web", "stopped", "stopped-by-sidecar", "stopped on request (SIGTERM)"),
            Backend("worker", "backoff", "stopped-by-sidecar", "stopped by the sidecar because its health check kept failing (SIGTERM)"),
            Backend("idle", "stopped", null, null));

        var lines = StatusTable.Format(backends).Split('\n', StringSplitOptions.RemoveEmptyEntries);

        Assert.Equal(7, lines.Length);
        Assert.StartsWith("NAME", lines[0], StringComparison.Ordinal);
        Assert.Equal(
            [$"api: last exit: {missing}", "worker: last exit: stopped by the sidecar because its health check kept failing (SIGTERM)"],
            lines[5..]);
    }

    [Theory]
    [InlineData(512L, "512 B")]
    [InlineData(300L * 1024, "300 KB")]
    [InlineData(21_915_238L, "20.9 MB")]
    [InlineData(1536L * 1024 * 1024, "1.5 GB")]
    public void Memory_ReadsAsPm2AndDockerShowIt_WithASpaceAndAnUpperCaseUnit(long bytes, string shown) =>
        Assert.Equal(shown, StatusTable.Bytes(bytes));
}
