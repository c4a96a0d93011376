using System.Text.Json;
using BackendSidecar.Core.Health;

namespace BackendSidecar.Core.Tests.Health;

public class JsonSubsetTests
{
    private static string? Mismatch(string expected, string actual)
    {
        using var e = JsonDocument.Parse(expected);
        using var a = JsonDocument.Parse(actual);
        return JsonSubset.FindMismatch(e.RootElement, a.RootElement);
    }

    [Theory]
    [InlineData("""{}""", """{"a":1}""")]
    [InlineData("""{"a":1}""", """{"a":1.0,"b":2}""")]
    [InlineData("""{"a":{"b":{"c":"x"}}}""", """{"a":{"b":{"c":"x","d":1},"e":2}}""")]
    [InlineData("""{"a":[1,{"b":2}]}""", """{"a":[1,{"b":2}]}""")]
    [InlineData("""{"a":null}""", """{"a":null}""")]
    [InlineData("""[1,2]""", """[1,2]""")]
    [InlineData("\"ok\"", "\"ok\"")]
    public void FindMismatch_Subset_Null(string expected, string actual)
    {
        Assert.Null(Mismatch(expected, actual));
    }

    [Theory]
    [InlineData("""{"a":1}""", """{"b":1}""", "a is missing")]
    [InlineData("""{"a":1}""", """{"a":"1"}""", "a is \"1\", expected 1")]
    [InlineData("""{"a":{"b":true}}""", """{"a":{"b":false}}""", "a.b is false, expected true")]
    [InlineData("""{"a":{"b":true}}""", """{"a":[]}""", "a is [], expected an object")]
    [InlineData("""{"a":[1,2]}""", """{"a":[1,2,3]}""", "a is [1,2,3], expected [1,2]")]
    [InlineData("""{"a":[{"b":1}]}""", """{"a":[{"b":1,"c":2}]}""", "a is [{\"b\":1,\"c\":2}], expected [{\"b\":1}]")]
    [InlineData("""{"a":null}""", """{"a":0}""", "a is 0, expected null")]
    [InlineData("""{"status":"ok"}""", """["ok"]""", "the body is [\"ok\"], expected an object")]
    public void FindMismatch_NotASubset_NamesTheFirstDifference(string expected, string actual, string message)
    {
        Assert.Equal(message, Mismatch(expected, actual));
    }

    [Fact]
    public void FindMismatch_LongValue_Shortened()
    {
        var message = Mismatch("""{"a":"x"}""", $$"""{"a":"{{new string('y', 500)}}"}""");

        Assert.NotNull(message);
        Assert.True(message.Length < 150);
        Assert.EndsWith("…, expected \"x\"", message);
    }
}
