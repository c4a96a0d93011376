namespace BackendSidecar.JsonRpc.Tests.Support;

/// <summary>Builds request texts for tests.</summary>
public static class Json
{
    public static string Request(object id, string method, string? paramsJson = null) =>
        $"{{\"jsonrpc\":\"2.0\",\"id\":{IdText(id)},\"method\":\"{method}\"{(paramsJson is null ? "" : ",\"params\":" + paramsJson)}}}";

    public static string Notification(string method, string? paramsJson = null) =>
        $"{{\"jsonrpc\":\"2.0\",\"method\":\"{method}\"{(paramsJson is null ? "" : ",\"params\":" + paramsJson)}}}";

    public static string IdText(object id) => id is string s ? $"\"{s}\"" : Convert.ToString(id, System.Globalization.CultureInfo.InvariantCulture)!;
}
