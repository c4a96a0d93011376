using System.Text.Json.Nodes;

namespace BackendSidecar.Tests.Support;

/// <summary>Assertions on the sidecar's state that several test classes share.</summary>
internal static class Expect
{
    /// <summary>The backend's status says failed, with lastError.code <paramref name="code"/>; returns that status.</summary>
    public static async Task<JsonNode> FailedWithAsync(SidecarClient sidecar, string backend, int code)
    {
        var status = Assert.Single((await sidecar.CallAsync("status", new JsonObject { ["backend"] = backend }))!.Arr("backends"))!;
        Assert.Equal("failed", status.Str("state"));
        Assert.Equal(code, status.Obj("lastError").Int("code"));
        return status;
    }
}
