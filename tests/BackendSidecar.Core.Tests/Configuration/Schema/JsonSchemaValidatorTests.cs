using System.Text.Json;
using BackendSidecar.Core.Configuration.Schema;

namespace BackendSidecar.Core.Tests.Configuration.Schema;

/// <summary>The validator's keywords on small schemas; the config schema itself is covered through ConfigLoaderTests.</summary>
public sealed class JsonSchemaValidatorTests
{
    private static SchemaError? Validate(string schema, string instance)
    {
        using var s = JsonDocument.Parse(schema);
        using var i = JsonDocument.Parse(instance);
        return new JsonSchemaValidator(s.RootElement).Validate(i.RootElement);
    }

    private static string Error(string schema, string instance)
    {
        var error = Validate(schema, instance);
        Assert.NotNull(error);
        return $"{error.Path}: {error.Problem}";
    }

    [Theory]
    [InlineData("""{"const": 1}""")]
    [InlineData("""{"patternProperties": {"^a": {}}}""")]
    [InlineData("""{"properties": {"a": {"if": {}}}}""")]
    [InlineData("""{"$ref": "#/$defs/missing"}""")]
    [InlineData("""{"$ref": "other.json#/x"}""")]
    public void Constructor_SchemaOutsideTheSubset_Throws(string schema)
    {
        using var document = JsonDocument.Parse(schema);

        Assert.Throws<NotSupportedException>(() => new JsonSchemaValidator(document.RootElement));
    }

    [Theory]
    [InlineData("5", true)]
    [InlineData("5.0", true)]
    [InlineData("-0", true)]
    [InlineData("5.5", false)]
    [InlineData("1e400", false)]
    public void Integer_IsMathematical(string instance, bool valid)
    {
        Assert.Equal(valid, Validate("""{"type": "integer"}""", instance) is null);
    }

    [Theory]
    [InlineData("""{"exclusiveMinimum": 0}""", "0", "$: must be > 0, got 0")]
    [InlineData("""{"exclusiveMaximum": 10}""", "10", "$: must be < 10, got 10")]
    [InlineData("""{"maxLength": 2}""", "\"abc\"", "$: must be at most 2 characters long, got 3")]
    [InlineData("""{"minLength": 3}""", "\"ab\"", "$: must be at least 3 characters long")]
    [InlineData("""{"pattern": "^a+$"}""", "\"ab\"", "$: must match ^a+$, got \"ab\"")]
    [InlineData("""{"enum": [1, "two", null]}""", "3", "$: must be one of 1, \"two\", null, got 3")]
    [InlineData("""false""", "1", "$: is not allowed here")]
    public void Keyword_Violated_ReportsOneLine(string schema, string instance, string expected)
    {
        Assert.Equal(expected, Error(schema, instance));
    }

    [Fact]
    public void MaxLength_CountsCodePointsNotUtf16Units()
    {
        Assert.Null(Validate("""{"maxLength": 2}""", "\"\U0001F600\U0001F600\""));
    }

    [Fact]
    public void AdditionalPropertiesSchema_ValidatesEachValue()
    {
        Assert.Equal("$.b: must be a number, got string \"x\"", Error("""{"additionalProperties": {"type": "number"}}""", """{"a": 1, "b": "x"}"""));
    }

    [Fact]
    public void Items_ReportsIndex()
    {
        Assert.Equal("$[2]: must be >= 0, got -1", Error("""{"items": {"minimum": 0}}""", "[0, 1, -1]"));
    }

    [Fact]
    public void AnyOf_OneBranchMatches_IsValid()
    {
        Assert.Null(Validate("""{"anyOf": [{"type": "string"}, {"minimum": 3}]}""", "4"));
    }

    [Fact]
    public void AnyOf_NoBranchMatches_ReportsTheDeepestError()
    {
        const string schema = """{"anyOf": [{"type": "string"}, {"properties": {"a": {"properties": {"b": {"type": "string"}}}}}]}""";

        Assert.Equal("$.a.b: must be a string, got 1", Error(schema, """{"a": {"b": 1}}"""));
    }

    [Fact]
    public void OneOf_TwoBranchesMatch_IsAnError()
    {
        Assert.Equal("$: matches more than one of the allowed forms", Error("""{"oneOf": [{"minimum": 1}, {"maximum": 10}]}""", "5"));
    }

    [Fact]
    public void Ref_AppliesAlongsideSiblings()
    {
        const string schema = """{"$defs": {"n": {"type": "integer", "minimum": 1}}, "properties": {"a": {"$ref": "#/$defs/n", "description": "x"}}}""";

        Assert.Equal("$.a: must be >= 1, got 0", Error(schema, """{"a": 0}"""));
        Assert.Null(Validate(schema, """{"a": 2}"""));
    }

    [Theory]
    [InlineData("plain", "$.plain")]
    [InlineData("with-dash_1", "$.with-dash_1")]
    [InlineData("my.app", "$['my.app']")]
    [InlineData("9lives", "$['9lives']")]
    [InlineData("it's", "$['it\\'s']")]
    [InlineData("two\nlines", "$['two\\nlines']")]
    public void JsonPath_OddNames_UseEscapedBrackets(string name, string expected)
    {
        Assert.Equal(expected, JsonPath.Property("$", name));
    }

    [Theory]
    [InlineData("helth", "health")]
    [InlineData("COMMAND", "command")]
    [InlineData("startupTimeout", "startupTimeoutMs")]
    [InlineData("zzz", null)]
    public void Suggestions_Closest_FindsPlausibleTypos(string given, string? expected)
    {
        Assert.Equal(expected, Suggestions.Closest(given, ["command", "health", "startupTimeoutMs", "port"]));
    }
}
