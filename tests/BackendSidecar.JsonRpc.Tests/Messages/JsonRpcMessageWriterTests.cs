using System.Text;
using System.Text.Json.Nodes;
using BackendSidecar.JsonRpc.Messages;

namespace BackendSidecar.JsonRpc.Tests.Messages;

public class JsonRpcMessageWriterTests
{
    private static string Write(Action<System.Text.Json.Utf8JsonWriter> write) =>
        Encoding.UTF8.GetString(JsonRpcMessageWriter.ToUtf8(write));

    [Fact]
    public void WriteSuccess_NullResult_HasResultAndNoError()
    {
        var text = Write(w => JsonRpcMessageWriter.WriteSuccess(w, RequestId.FromString("x"), r => r.WriteNullValue()));

        Assert.Equal("{\"jsonrpc\":\"2.0\",\"id\":\"x\",\"result\":null}", text);
    }

    [Fact]
    public void WriteError_WithDataAndNullId_HasErrorObjectAndNoResult()
    {
        var text = Write(w => JsonRpcMessageWriter.WriteError(w, null, new JsonRpcError(-32010, "unknown backend", new JsonObject { ["known"] = new JsonArray("a") })));

        Assert.Equal("{\"jsonrpc\":\"2.0\",\"id\":null,\"error\":{\"code\":-32010,\"message\":\"unknown backend\",\"data\":{\"known\":[\"a\"]}}}", text);
    }

    [Fact]
    public void WriteNotification_WithoutParams_OmitsParams()
    {
        Assert.Equal("{\"jsonrpc\":\"2.0\",\"method\":\"ready\"}", Write(w => JsonRpcMessageWriter.WriteNotification(w, "ready", null)));
    }

    [Fact]
    public void WriteRequest_StringWithLineBreak_StaysOnOneLine()
    {
        var text = Write(w => JsonRpcMessageWriter.WriteRequest(w, RequestId.FromNumber(1), "m", p =>
        {
            p.WriteStartObject();
            p.WriteString("text", "a\nb\r\u2028é");
            p.WriteEndObject();
        }));

        Assert.DoesNotContain('\n', text);
        Assert.DoesNotContain('\r', text);
        Assert.Contains("é", text);
    }

    [Fact]
    public void ToUtf8_WriterLeavesValueIncomplete_Throws()
    {
        Assert.ThrowsAny<InvalidOperationException>(() =>
            JsonRpcMessageWriter.ToUtf8(w => JsonRpcMessageWriter.WriteSuccess(w, RequestId.FromNumber(1), r =>
            {
                r.WriteNumberValue(1);
                r.WriteNumberValue(2);
            })));
    }
}
