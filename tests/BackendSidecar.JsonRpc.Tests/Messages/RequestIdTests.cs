using System.Text.Json;
using BackendSidecar.JsonRpc.Messages;

namespace BackendSidecar.JsonRpc.Tests.Messages;

public class RequestIdTests
{
    private static RequestId From(string json)
    {
        using var document = JsonDocument.Parse(json);
        Assert.True(RequestId.TryFrom(document.RootElement, out var id));
        return id;
    }

    [Theory]
    [InlineData("1")]
    [InlineData("1.0")]
    [InlineData("-0")]
    [InlineData("1e3")]
    [InlineData("123456789012345678901234567890")]
    [InlineData("\"abc\"")]
    [InlineData("\"\\u0061\\n\"")]
    [InlineData("\"\"")]
    public void WriteTo_AnyNumberOrString_EchoesExactlyAsReceived(string json)
    {
        var id = From(json);

        var written = JsonRpcMessageWriter.ToUtf8(writer => id.WriteTo(writer));

        Assert.Equal(json, System.Text.Encoding.UTF8.GetString(written));
    }

    [Fact]
    public void Equals_StringsCompareByValueNumbersByText()
    {
        Assert.Equal(From("\"a\""), From("\"\\u0061\""));
        Assert.Equal(RequestId.FromString("a"), From("\"a\""));
        Assert.Equal(RequestId.FromNumber(5), From("5"));
        Assert.NotEqual(From("1"), From("\"1\""));
        Assert.NotEqual(From("1"), From("1.0"));
    }

    [Theory]
    [InlineData("null")]
    [InlineData("true")]
    [InlineData("{}")]
    [InlineData("[]")]
    public void TryFrom_NotNumberOrString_IsNoId(string json)
    {
        using var document = JsonDocument.Parse(json);

        Assert.False(RequestId.TryFrom(document.RootElement, out _));
    }
}
