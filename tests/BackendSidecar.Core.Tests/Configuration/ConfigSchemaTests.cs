using System.Collections;
using System.Reflection;
using System.Text.Json;
using BackendSidecar.Core.Configuration;
using BackendSidecar.Core.Configuration.Schema;
using static BackendSidecar.Core.Tests.Configuration.ConfigTestSupport;

namespace BackendSidecar.Core.Tests.Configuration;

/// <summary>The schema file itself: valid, embedded as is, complete against the C# options, defaults in agreement.</summary>
public sealed class ConfigSchemaTests
{
    private static readonly JsonElement Schema = JsonDocument.Parse(File.ReadAllText(SchemaPath)).RootElement;

    private static JsonElement Def(string name) => Schema.GetProperty("$defs").GetProperty(name);

    private static List<string> PropertyNames(JsonElement schema) =>
        schema.GetProperty("properties").EnumerateObject().Select(p => p.Name).ToList();

    [Fact]
    public void SchemaFile_IsValidJsonWithDraftIdAndTitle()
    {
        using var document = JsonDocument.Parse(File.ReadAllText(SchemaPath), new JsonDocumentOptions { AllowTrailingCommas = false });

        Assert.Equal("https://json-schema.org/draft/2020-12/schema", document.RootElement.GetProperty("$schema").GetString());
        Assert.False(string.IsNullOrEmpty(document.RootElement.GetProperty("$id").GetString()));
        Assert.False(string.IsNullOrEmpty(document.RootElement.GetProperty("title").GetString()));
    }

    [Fact]
    public void Embedded_IsTheProtocolFile()
    {
        Assert.Equal(File.ReadAllText(SchemaPath), ConfigSchema.Json);
    }

    [Fact]
    public void Validator_SupportsEveryKeywordTheSchemaUses()
    {
        var exception = Record.Exception(() => new JsonSchemaValidator(Schema));

        Assert.Null(exception);
    }

    [Fact]
    public void EveryProperty_HasADescription()
    {
        var missing = new List<string>();
        void Walk(JsonElement schema, string at)
        {
            if (schema.ValueKind != JsonValueKind.Object) return;
            foreach (var map in new[] { "properties", "$defs" })
            {
                if (!schema.TryGetProperty(map, out var members)) continue;
                foreach (var member in members.EnumerateObject())
                {
                    if (!member.Value.TryGetProperty("description", out var d) || string.IsNullOrWhiteSpace(d.GetString()))
                        missing.Add($"{at}/{map}/{member.Name}");
                    Walk(member.Value, $"{at}/{map}/{member.Name}");
                }
            }
            foreach (var single in new[] { "additionalProperties", "items", "propertyNames" })
                if (schema.TryGetProperty(single, out var sub)) Walk(sub, $"{at}/{single}");
        }

        Walk(Schema, "#");

        Assert.Empty(missing);
    }

    [Fact]
    public void EveryObject_ForbidsAdditionalProperties()
    {
        foreach (var name in new[] { "backend", "profile", "health", "restart", "backoff", "stop", "log" })
            Assert.Equal(JsonValueKind.False, Def(name).GetProperty("additionalProperties").ValueKind);
        Assert.Equal(JsonValueKind.False, Schema.GetProperty("additionalProperties").ValueKind);
    }

    [Fact]
    public void Profile_HasEveryBackendPropertyButProfiles()
    {
        var expected = PropertyNames(Def("backend")).Where(n => n != "profiles").ToList();

        Assert.Equal(expected, PropertyNames(Def("profile")));
    }

    /// <summary>Each C# options record and the schema object it is read from; members that have no JSON counterpart by design.</summary>
    public static TheoryData<Type, string, string[]> OptionsAndSchema => new()
    {
        { typeof(BackendOptions), "backend", ["Name", "ConfigDirectory"] },
        { typeof(HealthOptions), "health", ["Kind", "Target", "EffectiveStallTimeout"] },
        { typeof(RestartOptions), "restart", [] },
        { typeof(BackoffOptions), "backoff", [] },
        { typeof(StopOptions), "stop", [] },
        { typeof(LogOptions), "log", [] },
    };

    [Theory]
    [MemberData(nameof(OptionsAndSchema))]
    public void OptionsProperties_AndSchemaProperties_CorrespondBothWays(Type options, string def, string[] derived)
    {
        var schemaNames = PropertyNames(Def(def));
        var fromOptions = options.GetProperties(BindingFlags.Public | BindingFlags.Instance)
            .Where(p => !derived.Contains(p.Name))
            .Select(p => JsonName(p))
            .ToList();

        Assert.All(fromOptions, name => Assert.Contains(name, schemaNames));
        // Properties read into derived members: the backend's name is its key; health's kind and target come from one of three.
        var consumedElsewhere = def switch
        {
            "backend" => new[] { "profiles" },
            "health" => ["http", "tcp", "stdoutPattern"],
            _ => [],
        };
        Assert.Equal(schemaNames.Order(), fromOptions.Concat(consumedElsewhere).Order());
    }

    public static TheoryData<object, string> DefaultInstances => new()
    {
        { new BackendOptions { Name = "x", Command = "x" }, "backend" },
        { new HealthOptions { Kind = HealthKind.Http, Target = "http://h/" }, "health" },
        { new RestartOptions(), "restart" },
        { new BackoffOptions(), "backoff" },
        { new StopOptions(), "stop" },
        { new LogOptions(), "log" },
    };

    [Theory]
    [MemberData(nameof(DefaultInstances))]
    public void SchemaDefaults_MatchTheOptionsDefaults(object defaults, string def)
    {
        var checkedAny = false;
        foreach (var property in defaults.GetType().GetProperties(BindingFlags.Public | BindingFlags.Instance))
        {
            var name = JsonName(property);
            if (!Def(def).GetProperty("properties").TryGetProperty(name, out var schema) || !schema.TryGetProperty("default", out var expected))
                continue;
            Assert.True(SameValue(expected, property.GetValue(defaults)), $"{def}.{name}: schema default {expected.GetRawText()} but C# default {property.GetValue(defaults)}");
            checkedAny = true;
        }
        Assert.True(checkedAny);
    }

    /// <summary>C# members map to camelCase names; TimeSpan members (nullable too) carry the "Ms" suffix of the JSON.</summary>
    private static string JsonName(PropertyInfo property)
    {
        var camel = char.ToLowerInvariant(property.Name[0]) + property.Name[1..];
        return property.PropertyType == typeof(TimeSpan) || property.PropertyType == typeof(TimeSpan?) ? camel + "Ms" : camel;
    }

    private static bool SameValue(JsonElement json, object? value) => value switch
    {
        null => json.ValueKind == JsonValueKind.Null,
        TimeSpan t => json.GetDouble() == t.TotalMilliseconds,
        bool b => json.ValueKind == (b ? JsonValueKind.True : JsonValueKind.False),
        int or long or double => json.GetDouble() == Convert.ToDouble(value, System.Globalization.CultureInfo.InvariantCulture),
        string s => json.GetString() == s,
        Enum e => json.GetString() == KebabCase(e.ToString()),
        IDictionary d => json.ValueKind == JsonValueKind.Object && d.Count == 0 && !json.EnumerateObject().Any(),
        IEnumerable list => json.ValueKind == JsonValueKind.Array && !list.Cast<object>().Any() && json.GetArrayLength() == 0,
        _ => false,
    };

    private static string KebabCase(string pascal) =>
        string.Concat(pascal.Select((c, i) => char.IsUpper(c) ? (i > 0 ? "-" : "") + char.ToLowerInvariant(c) : c.ToString()));

    [Fact]
    public void SampleAndInvalidExamples_PointAtTheSchema()
    {
        foreach (var file in new[] { "backends.sample.json", "invalid.json" })
        {
            using var document = JsonDocument.Parse(File.ReadAllText(Path.Combine(RepoRoot, "examples", "configs", file)));
            var reference = document.RootElement.GetProperty("$schema").GetString()!;
            Assert.True(File.Exists(Path.Combine(RepoRoot, "examples", "configs", reference)), $"{file}: $schema {reference} does not exist");
        }
    }
}
